"""The controller stopped while Profiles change: the next one converges from what exists (level-based), removing
the subject of a Profile deleted meanwhile (found again through its annotation marker)."""
from helpers.trust_controller_env import profile_plugin, role_arn


def test_restarted_controller_converges(cluster):
    cluster.create_role("kf-ned")
    for name in ("ned", "olga"):
        cluster.api.put_service_account(name, "default-editor")
    cluster.api.put_profile("ned", plugins=profile_plugin(role_arn("kf-ned")))
    first = cluster.start(pod_name="replica-a")
    first.wait_for(lambda: cluster.role_annotation("ned") == role_arn("kf-ned"), "ned's annotation")
    assert first.stop() == 0
    cluster.api.delete("profiles", None, "ned")
    cluster.api.put_profile("olga", plugins=profile_plugin(role_arn("kf-ned")))
    second = cluster.start(pod_name="replica-a")
    second.wait_for(lambda: cluster.role_annotation("olga") == role_arn("kf-ned") and cluster.role_annotation("ned") is None,
                    "olga annotated and ned's annotation gone")
    assert cluster.owned_subjects("kf-ned") == ["system:serviceaccount:olga:default-editor"]
