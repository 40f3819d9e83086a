"""ServiceAccounts come from the API as metadata only: the LIST asks for a PartialObjectMetadataList and the WATCH
for PartialObjectMetadata events, as client-go's metadata informers do (with plain JSON as the server's fallback),
and the webhook mutates from them as from full objects: nothing it reads is outside `metadata`."""
from helpers.kube_source import (PREFIX, api, eventually, injected_role, kubeconfig, role,  # noqa: F401
                                 serve, service_account_accepts)

LIST_ACCEPT = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
WATCH_ACCEPT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"


def test_list_and_watch_ask_for_metadata_only_and_mutation_works(api, serve):
    api.put_service_account("team-a", "listed", {PREFIX + "/role-arn": role("listed")})
    # Grace period 0 disables the direct GET, so the second account can only come through the watch.
    webhook = serve("--service-account-lookup-grace-period", "0")
    assert injected_role(webhook, "team-a", "listed") == role("listed")
    eventually(webhook, lambda: service_account_accepts(api, watch=True), "the watch to open")
    api.put_service_account("team-a", "watched", {PREFIX + "/role-arn": role("watched")})
    eventually(webhook, lambda: injected_role(webhook, "team-a", "watched") == role("watched"), "the watched account")
    assert service_account_accepts(api, watch=False) == [LIST_ACCEPT]
    assert set(service_account_accepts(api, watch=True)) == {WATCH_ACCEPT}
    assert "serviceaccounts: listed 1 in 1 page(s)" in webhook.logs()
    assert "(metadata only)" in webhook.logs()
