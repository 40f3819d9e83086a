"""A Profile naming a role that does not exist: a warning Event (never a block), no annotation; once the role is
created, the next reconcile writes the trust and annotates."""
from helpers.trust_controller_env import profile_plugin, role_arn


def test_missing_role_warned_then_trusted_once_created(cluster):
    cluster.api.put_service_account("rita", "default-editor")
    cluster.api.put_profile("rita", plugins=profile_plugin(role_arn("kf-rita")))
    controller = cluster.start("--resync-period", "500ms")
    controller.wait_for(lambda: cluster.events("RoleUnavailable"), "the RoleUnavailable Event")
    event = cluster.events("RoleUnavailable")[0]
    assert event["type"] == "Warning" and event["regarding"]["name"] == "rita"
    assert "role %s: the role does not exist (IAM NoSuchEntity)" % role_arn("kf-rita") in event["note"]
    assert cluster.role_annotation("rita") is None
    cluster.create_role("kf-rita")
    controller.wait_for(lambda: cluster.role_annotation("rita") == role_arn("kf-rita"), "the annotation")
    assert cluster.owned_subjects("kf-rita") == ["system:serviceaccount:rita:default-editor"]
