"""A Profile deleted: its subject leaves the owned statement and the annotation the controller set goes."""
from helpers.trust_controller_env import base_statement, profile_plugin, role_arn


def test_profile_deleted_subject_and_annotation_gone(cluster):
    cluster.create_role("kf-dave")
    cluster.api.put_service_account("dave", "default-editor")
    cluster.api.put_service_account("erin", "default-editor")
    cluster.api.put_profile("dave", plugins=profile_plugin(role_arn("kf-dave")))
    cluster.api.put_profile("erin", plugins=profile_plugin(role_arn("kf-dave")))
    controller = cluster.start()
    controller.wait_for(lambda: cluster.role_annotation("dave") and cluster.role_annotation("erin"), "both annotations")
    assert cluster.owned_subjects("kf-dave") == ["system:serviceaccount:dave:default-editor",
                                                 "system:serviceaccount:erin:default-editor"]
    cluster.api.delete("profiles", None, "dave")
    controller.wait_for(lambda: cluster.role_annotation("dave") is None, "dave's annotation to go")
    assert cluster.owned_subjects("kf-dave") == ["system:serviceaccount:erin:default-editor"]
    assert cluster.role_annotation("erin") == role_arn("kf-dave")
    assert cluster.trust("kf-dave")["Statement"][0] == base_statement()
