"""IAM throttles UpdateAssumeRolePolicy: the call is retried (AWS's retry rules), nothing is lost, one write lands."""
from helpers.trust_controller_env import ThrottlingProxy, profile_plugin, role_arn


def test_iam_throttling_retried_nothing_lost(cluster):
    cluster.create_role("kf-pat")
    cluster.api.put_service_account("pat", "default-editor")
    cluster.api.put_profile("pat", plugins=profile_plugin(role_arn("kf-pat")))
    proxy = ThrottlingProxy(cluster.moto.url, "UpdateAssumeRolePolicy", times=2)
    try:
        controller = cluster.start(aws_endpoint=proxy.url)
        controller.wait_for(lambda: cluster.role_annotation("pat") == role_arn("kf-pat"), "the annotation")
        assert proxy.throttled == 2 and proxy.calls == 3
        assert cluster.owned_subjects("kf-pat") == ["system:serviceaccount:pat:default-editor"]
        assert controller.metric("trust_controller_iam_calls_total", action="UpdateAssumeRolePolicy", result="success") == 1
    finally:
        proxy.stop()
