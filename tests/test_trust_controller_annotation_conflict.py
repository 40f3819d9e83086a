"""The annotation PATCH carries the observed resourceVersion; a 409 Conflict is retried and the annotation lands."""
from helpers.trust_controller_env import profile_plugin, role_arn


def test_annotation_conflict_retried(cluster):
    cluster.create_role("kf-quinn")
    cluster.api.put_service_account("quinn", "default-editor")
    cluster.api.put_profile("quinn", plugins=profile_plugin(role_arn("kf-quinn")))
    cluster.api.inject("PATCH", "serviceaccounts", 409)
    controller = cluster.start()
    controller.wait_for(lambda: cluster.role_annotation("quinn") == role_arn("kf-quinn"), "the annotation")
    patches = cluster.api.count(lambda method, path, query: method == "PATCH" and path.endswith("/quinn/serviceaccounts/default-editor"))
    assert patches == 2
    assert controller.metric("trust_controller_reconciles_total", result="failed") >= 1
    assert controller.writes() == 1
