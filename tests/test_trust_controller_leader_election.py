"""Two replicas: only the Lease holder reads and writes IAM; when it is killed, the other takes over within the lease
duration (client-go's 15 s) and carries on."""
import signal

from helpers.trust_controller_env import profile_plugin, role_arn


def test_only_the_leader_writes(cluster):
    cluster.create_role("kf-frank")
    cluster.api.put_service_account("frank", "default-editor")
    leader = cluster.start(pod_name="replica-a")
    leader.wait_for(lambda: leader.metric("trust_controller_leader") == 1, "replica-a to lead")
    follower = cluster.start(pod_name="replica-b")
    cluster.api.put_profile("frank", plugins=profile_plugin(role_arn("kf-frank")))
    leader.wait_for(lambda: cluster.role_annotation("frank") == role_arn("kf-frank"), "the annotation")
    lease = cluster.api.get("leases", "kube-system", "pod-identity-webhook-trust-controller")
    assert lease["spec"]["holderIdentity"] == "replica-a" and lease["spec"]["leaseDurationSeconds"] == 15
    assert leader.writes() == 1
    assert follower.metric("trust_controller_leader") == 0
    assert follower.metric("trust_controller_iam_calls_total") == 0


def test_the_other_replica_takes_over_after_the_leader_is_killed(cluster):
    cluster.create_role("kf-grace")
    for name in ("grace", "heidi"):
        cluster.api.put_service_account(name, "default-editor")
    leader = cluster.start(pod_name="replica-a")
    leader.wait_for(lambda: leader.metric("trust_controller_leader") == 1, "replica-a to lead")
    follower = cluster.start(pod_name="replica-b")
    cluster.api.put_profile("grace", plugins=profile_plugin(role_arn("kf-grace")))
    leader.wait_for(lambda: cluster.role_annotation("grace") == role_arn("kf-grace"), "grace's annotation")
    leader.stop(signal.SIGKILL)  # no release: the follower must wait for the lease to expire
    cluster.api.put_profile("heidi", plugins=profile_plugin(role_arn("kf-grace")))
    follower.wait_for(lambda: follower.metric("trust_controller_leader") == 1, "replica-b to take over", timeout=25)
    follower.wait_for(lambda: cluster.role_annotation("heidi") == role_arn("kf-grace"), "heidi's annotation")
    assert cluster.owned_subjects("kf-grace") == ["system:serviceaccount:grace:default-editor",
                                                  "system:serviceaccount:heidi:default-editor"]
    lease = cluster.api.get("leases", "kube-system", "pod-identity-webhook-trust-controller")
    assert lease["spec"]["holderIdentity"] == "replica-b" and lease["spec"]["leaseTransitions"] == 1
