"""The AwsIamForServiceAccount plugin removed from a Profile: the subject and the annotation the controller set go;
an annotation someone else set on another ServiceAccount is left alone."""
from helpers.trust_controller_env import base_statement, profile_plugin, role_arn


def test_plugin_removed_subject_and_annotation_gone(cluster):
    cluster.create_role("kf-liz")
    cluster.api.put_service_account("liz", "default-editor")
    cluster.api.put_service_account("liz", "other", annotations={"eks.amazonaws.com/role-arn": role_arn("kf-liz")})
    cluster.api.put_profile("liz", plugins=profile_plugin(role_arn("kf-liz")))
    controller = cluster.start()
    controller.wait_for(lambda: cluster.role_annotation("liz") == role_arn("kf-liz"), "the annotation")
    cluster.api.put_profile("liz", plugins=[])
    controller.wait_for(lambda: cluster.role_annotation("liz") is None, "the annotation to go")
    assert cluster.owned_subjects("kf-liz") == []
    assert cluster.trust("kf-liz")["Statement"] == [base_statement()]
    assert cluster.role_annotation("liz", "other") == role_arn("kf-liz")
