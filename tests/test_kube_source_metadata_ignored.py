"""A server that ignores the metadata-only Accept and answers with full ServiceAccounts (a ServiceAccountList and
full watch events): the webhook reads the same `metadata` from them, mutates, and says what the server did."""
from helpers.kube_source import (PREFIX, api, eventually, injected_role, kubeconfig, role,  # noqa: F401
                                 serve, service_account_accepts)


def test_full_objects_in_answer_to_a_metadata_request_work(api, serve):
    api.partial_metadata = "ignored"
    api.put_service_account("team-a", "listed", {PREFIX + "/role-arn": role("listed")})
    webhook = serve("--service-account-lookup-grace-period", "0")
    assert injected_role(webhook, "team-a", "listed") == role("listed")
    eventually(webhook, lambda: service_account_accepts(api, watch=True), "the watch to open")
    api.put_service_account("team-a", "watched", {PREFIX + "/role-arn": role("watched")})
    eventually(webhook, lambda: injected_role(webhook, "team-a", "watched") == role("watched"), "the watched account")
    assert all("as=PartialObjectMetadataList" in accept for accept in service_account_accepts(api, watch=False))
    assert all("as=PartialObjectMetadata;" in accept for accept in service_account_accepts(api, watch=True))
    assert "full objects: the server ignored the metadata-only Accept" in webhook.logs()
