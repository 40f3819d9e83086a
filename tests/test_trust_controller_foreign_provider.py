"""A role whose web-identity statement names another OIDC provider than --issuer's is refused, with an Event."""
from helpers.trust_controller_env import ACCOUNT, base_statement, profile_plugin, role_arn

OTHER = "arn:aws:iam::%s:oidc-provider/oidc.other.example/id/X" % ACCOUNT


def test_role_trusting_another_provider_refused(cluster):
    cluster.create_role("kf-ivan", [base_statement(provider=OTHER)])
    cluster.api.put_service_account("ivan", "default-editor")
    cluster.api.put_profile("ivan", plugins=profile_plugin(role_arn("kf-ivan")))
    controller = cluster.start()
    controller.wait_for(lambda: cluster.events("TrustRefused"), "the TrustRefused Event")
    note = cluster.events("TrustRefused")[0]["note"]
    assert "has no web-identity statement for arn:aws:iam::%s:oidc-provider/oidc.example.com/id/C1" % ACCOUNT in note
    assert OTHER in note
    assert cluster.trust("kf-ivan")["Statement"] == [base_statement(provider=OTHER)]
    assert controller.writes() == 0 and cluster.role_annotation("ivan") is None
