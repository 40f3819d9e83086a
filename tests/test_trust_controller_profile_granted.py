"""A Profile asking for a role: the role's trust policy gains `<profile>:default-editor`, then (only then) the
ServiceAccount is annotated, with a Normal Event on the Profile."""
from helpers.trust_controller_env import profile_plugin, role_arn


def test_profile_created_trust_then_annotation(cluster):
    cluster.create_role("kf-alice")
    cluster.api.put_service_account("alice", "default-editor")
    controller = cluster.start()
    cluster.api.put_profile("alice", plugins=profile_plugin(role_arn("kf-alice")))
    controller.wait_for(lambda: cluster.role_annotation("alice") == role_arn("kf-alice"), "the annotation")
    # The annotation is only set once the trust policy lets the ServiceAccount in.
    assert cluster.owned_subjects("kf-alice") == ["system:serviceaccount:alice:default-editor"]
    granted = cluster.events("TrustGranted")
    assert [(e["regarding"]["kind"], e["regarding"]["name"], e["type"]) for e in granted] == [("Profile", "alice", "Normal")]
    assert "now trusts system:serviceaccount:alice:default-editor" in granted[0]["note"]
    # Log lines reach the file within the log writer's flush interval.
    controller.wait_for(lambda: "trust policy updated" in controller.logs() and "added=" in controller.logs(), "the change's log line")
