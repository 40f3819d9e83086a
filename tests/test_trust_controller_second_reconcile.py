"""A reconcile that finds IAM already right writes nothing (resyncs re-read, but do not rewrite)."""


def test_second_reconcile_writes_nothing(cluster):
    controller = cluster.start_granted("kf-bob", "bob", "--resync-period", "500ms")
    after_first = controller.reconciles()
    controller.wait_for(lambda: controller.reconciles() >= after_first + 3, "three more reconciles (resyncs)")
    assert controller.writes() == 1
    assert controller.metric("trust_controller_iam_calls_total", action="GetRole", result="success") >= 4
    sa_patches = cluster.api.count(lambda method, path, query: method == "PATCH" and path.endswith("/bob/serviceaccounts/default-editor"))
    assert sa_patches == 1
