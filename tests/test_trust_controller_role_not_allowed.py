"""A role outside --allowed-roles is never written; the Profile gets a warning Event naming role and subject."""
from helpers.trust_controller_env import base_statement, profile_plugin, role_arn


def test_role_outside_allowed_roles_refused_with_event(cluster):
    cluster.create_role("admin-role")
    cluster.api.put_service_account("mallory", "default-editor")
    cluster.api.put_profile("mallory", plugins=profile_plugin(role_arn("admin-role")))
    controller = cluster.start()
    controller.wait_for(lambda: cluster.events("TrustRefused"), "the TrustRefused Event")
    event = cluster.events("TrustRefused")[0]
    assert event["type"] == "Warning" and event["regarding"] == {"apiVersion": "kubeflow.org/v1", "kind": "Profile", "name": "mallory"}
    assert "role %s is outside --allowed-roles for system:serviceaccount:mallory:default-editor" % role_arn("admin-role") in event["note"]
    assert cluster.trust("admin-role")["Statement"] == [base_statement()]
    assert cluster.role_annotation("mallory") is None
    assert controller.metric("trust_controller_iam_calls_total", action="GetRole") == 0
