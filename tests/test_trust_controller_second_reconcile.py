"""A reconcile that finds IAM already right writes nothing (resyncs re-read, but do not rewrite)."""
from helpers.trust_controller_env import profile_plugin, role_arn


def test_second_reconcile_writes_nothing(cluster):
    cluster.create_role("kf-bob")
    cluster.api.put_service_account("bob", "default-editor")
    cluster.api.put_profile("bob", plugins=profile_plugin(role_arn("kf-bob")))
    controller = cluster.start("--resync-period", "500ms")
    controller.wait_for(lambda: cluster.role_annotation("bob") == role_arn("kf-bob"), "the annotation")
    after_first = controller.reconciles()
    controller.wait_for(lambda: controller.reconciles() >= after_first + 3, "three more reconciles (resyncs)")
    assert controller.writes() == 1
    assert controller.metric("trust_controller_iam_calls_total", action="GetRole", result="success") >= 4
    sa_patches = cluster.api.count(lambda method, path, query: method == "PATCH" and path.endswith("/bob/serviceaccounts/default-editor"))
    assert sa_patches == 1
