"""60 Profiles on one role do not fit IAM's 2048-character quota: nothing is written partially, the last good document
stays, each Profile left out gets a warning Event naming role, size and quota; with --compact-namespace-prefix the
subjects become one StringLike pattern and everything fits."""
from helpers.trust_controller_env import SID, profile_plugin, role_arn

NAMES = ["kf-user-%02d" % i for i in range(60)]


def test_sixty_profiles_over_quota_then_compacted(cluster):
    cluster.create_role("kf-shared")
    for name in NAMES:
        cluster.api.put_service_account(name, "default-editor")
    controller = cluster.start()
    for name in NAMES:
        cluster.api.put_profile(name, plugins=profile_plugin(role_arn("kf-shared")))
    controller.wait_for(lambda: controller.metric("trust_controller_role_over_quota", role=role_arn("kf-shared")) == 1,
                        "the role reported over quota")
    controller.wait_for(lambda: cluster.events("TrustPolicyTooLarge"), "a TrustPolicyTooLarge Event")
    note = cluster.events("TrustPolicyTooLarge")[0]["note"]
    assert role_arn("kf-shared") in note and "over the quota of 2048" in note and "last good document is kept" in note
    trusted = cluster.owned_subjects("kf-shared")
    assert 0 <= len(trusted) < 60
    annotated = [name for name in NAMES if cluster.role_annotation(name)]
    assert sorted("system:serviceaccount:%s:default-editor" % name for name in annotated) == sorted(trusted)
    controller.stop()

    compacted = cluster.start("--compact-namespace-prefix", "kf-user-", pod_name="replica-c")
    compacted.wait_for(lambda: all(cluster.role_annotation(name) for name in NAMES), "all 60 annotations", timeout=60)
    owned = [s for s in cluster.trust("kf-shared")["Statement"] if s["Sid"] == SID][0]
    assert owned["Condition"]["StringLike"] == {"oidc.example.com/id/C1:sub": ["system:serviceaccount:kf-user-*:default-editor"]}
