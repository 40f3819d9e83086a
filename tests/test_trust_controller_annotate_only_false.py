"""A Profile with annotateOnly false is left to Kubeflow's controller: one warning Event, no IAM call, and no fight
(later resyncs neither write nor repeat the Event)."""
from helpers.trust_controller_env import profile_plugin, role_arn


def test_annotate_only_false_warned_once_and_left_alone(cluster):
    cluster.create_role("kf-mia")
    cluster.api.put_service_account("mia", "default-editor")
    cluster.api.put_profile("mia", plugins=profile_plugin(role_arn("kf-mia"), annotate_only=False))
    controller = cluster.start("--resync-period", "300ms")
    controller.wait_for(lambda: cluster.events("AnnotateOnlyFalse"), "the AnnotateOnlyFalse Event")
    before = controller.reconciles()
    controller.wait_for(lambda: controller.reconciles() >= before + 3, "three more reconciles")
    events = cluster.events("AnnotateOnlyFalse")
    assert len(events) == 1 and events[0]["type"] == "Warning" and events[0]["regarding"]["name"] == "mia"
    assert "annotateOnly false" in events[0]["note"] and role_arn("kf-mia") in events[0]["note"]
    assert controller.metric("trust_controller_iam_calls_total") == 0
    assert cluster.role_annotation("mia") is None
