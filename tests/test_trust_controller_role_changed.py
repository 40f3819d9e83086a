"""A Profile's role changed A -> B -> A: the old role loses the subject, the new one gains it, the annotation follows."""
from helpers.trust_controller_env import profile_plugin, role_arn

SUBJECT = "system:serviceaccount:judy:default-editor"


def test_role_changed_a_b_a(cluster):
    cluster.create_role("kf-a")
    cluster.create_role("kf-b")
    cluster.api.put_service_account("judy", "default-editor")
    cluster.api.put_profile("judy", plugins=profile_plugin(role_arn("kf-a")))
    controller = cluster.start()
    controller.wait_for(lambda: cluster.role_annotation("judy") == role_arn("kf-a"), "the annotation of A")
    cluster.api.put_profile("judy", plugins=profile_plugin(role_arn("kf-b")))
    controller.wait_for(lambda: cluster.role_annotation("judy") == role_arn("kf-b"), "the annotation of B")
    assert cluster.owned_subjects("kf-a") == [] and cluster.owned_subjects("kf-b") == [SUBJECT]
    cluster.api.put_profile("judy", plugins=profile_plugin(role_arn("kf-a")))
    controller.wait_for(lambda: cluster.role_annotation("judy") == role_arn("kf-a"), "the annotation of A again")
    assert cluster.owned_subjects("kf-a") == [SUBJECT] and cluster.owned_subjects("kf-b") == []
