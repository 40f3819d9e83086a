"""A clean stop hands the lead over: on SIGTERM the leader finishes its reconcile, writes nothing more, releases the
Lease (empty holder) and exits 0; the other replica takes the Lease at its next retry, long before the 15 s lease
the stopped leader last renewed would have expired (the killed-leader case, which must wait for it, is in
test_trust_controller_leader_election.py)."""
import datetime
import signal

from helpers.trust_controller_env import profile_plugin, role_arn

LEASE = ("leases", "kube-system", "pod-identity-webhook-trust-controller")


def lease_versions(api, after_rv=0):
    """Every stored version of the Lease since `after_rv`, oldest first: (resourceVersion, spec)."""
    with api.cond:
        return [(rv, obj["spec"]) for rv, resource, kind, obj in api.history
                if resource == LEASE[0] and obj["metadata"]["name"] == LEASE[2] and rv > after_rv]


def seconds(micro_time):
    return datetime.datetime.fromisoformat(micro_time.replace("Z", "+00:00")).timestamp()


def test_a_stopped_leader_releases_the_lease_and_the_other_takes_over_at_once(cluster):
    leader, follower = cluster.start_pair("kf-judy", granted="judy", waiting=("karl",))

    with cluster.api.cond:
        stopped_at = cluster.api.rv
    leader.proc.send_signal(signal.SIGTERM)
    assert leader.proc.wait(timeout=20) == 0, leader.logs()
    last_renewal = [spec for rv, spec in lease_versions(cluster.api) if spec["holderIdentity"] == "replica-a"][-1]

    cluster.api.put_profile("karl", plugins=profile_plugin(role_arn("kf-judy")))
    follower.wait_for(lambda: follower.metric("trust_controller_leader") == 1, "replica-b to take over")
    follower.wait_for(lambda: cluster.role_annotation("karl") == role_arn("kf-judy"), "karl's annotation")
    assert cluster.owned_subjects("kf-judy") == ["system:serviceaccount:judy:default-editor",
                                                 "system:serviceaccount:karl:default-editor"]

    # After the signal, replica-a wrote exactly one thing, the release; the next write is replica-b's takeover.
    with cluster.api.cond:
        writes = [(resource, obj["metadata"]["name"], obj.get("spec", {}).get("holderIdentity"))
                  for rv, resource, kind, obj in cluster.api.history
                  if stopped_at < rv and resource != "profiles"]  # Profiles: the test's own writes
    renewals = 0  # the stopped leader keeps renewing while it finishes a reconcile
    while writes[renewals] == (LEASE[0], LEASE[2], "replica-a"):
        renewals += 1
    assert writes[renewals:renewals + 2] == [(LEASE[0], LEASE[2], ""), (LEASE[0], LEASE[2], "replica-b")], writes
    specs = [spec for rv, spec in lease_versions(cluster.api, after_rv=stopped_at)][renewals:]
    assert all(spec["holderIdentity"] != "replica-a" for spec in specs), specs
    assert specs[1]["leaseTransitions"] == last_renewal["leaseTransitions"] + 1
    # Taken over before the stopped leader's Lease would have expired: only a release makes that possible.
    expiry = seconds(last_renewal["renewTime"]) + last_renewal["leaseDurationSeconds"]
    assert seconds(specs[1]["acquireTime"]) < expiry, (last_renewal, specs[1])

    logs = leader.logs()
    assert "released the leader Lease" in logs
    assert "karl" not in logs
    # The running replica's log writer flushes within 100 ms.
    follower.wait_for(lambda: "became the leader" in follower.logs(), "replica-b's log line")
