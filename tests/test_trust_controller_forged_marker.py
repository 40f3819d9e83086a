"""The marker annotation (`eks.amazonaws.com/trust-controller-role`) is how the controller finds roles it once wrote,
but anyone who may edit a ServiceAccount can write it: a marker naming a role outside --allowed-roles (even one
holding a statement with the controller's Sid) makes the controller neither read nor write that role."""
from helpers.trust_controller_env import SID, base_statement, profile_plugin, role_arn


def test_a_forged_marker_never_leads_into_a_role_outside_the_allowed_ones(cluster):
    lookalike = dict(base_statement(sid=SID), Condition={"StringEquals": {
        "oidc.example.com/id/C1:aud": "sts.amazonaws.com",
        "oidc.example.com/id/C1:sub": "system:serviceaccount:admin:deployer"}})
    cluster.create_role("admin-role", [base_statement(), lookalike])
    cluster.create_role("kf-trent")
    cluster.api.put_service_account("mallory", "builder", {
        "eks.amazonaws.com/trust-controller-role": role_arn("admin-role"),
        "eks.amazonaws.com/role-arn": role_arn("admin-role")})
    cluster.api.put_service_account("trent", "default-editor")
    cluster.api.put_profile("trent", plugins=profile_plugin(role_arn("kf-trent")))
    controller = cluster.start()
    controller.wait_for(lambda: cluster.role_annotation("trent") == role_arn("kf-trent"), "trent's annotation")
    controller.wait_for(lambda: "marker annotation ignored" in controller.logs(), "the log line")
    assert cluster.trust("admin-role")["Statement"] == [base_statement(), lookalike]
    assert controller.metric("trust_controller_iam_calls_total", action="UpdateAssumeRolePolicy") == 1
    assert cluster.role_annotation("mallory", "builder") == role_arn("admin-role")  # not the controller's to touch
    assert "mallory/builder" in controller.logs() and "outside --allowed-roles" in controller.logs()
