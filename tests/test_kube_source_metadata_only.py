"""ServiceAccounts come from the API as metadata only: the LIST asks for a PartialObjectMetadataList and the WATCH
for PartialObjectMetadata events, as client-go's metadata informers do (with plain JSON as the server's fallback),
and the webhook mutates from them as from full objects: nothing it reads is outside `metadata`."""
from helpers.kube_source import LIST_ACCEPT, OBJECT_ACCEPT, mutates_listed_and_watched_accounts, service_account_accepts


def test_list_and_watch_ask_for_metadata_only_and_mutation_works(api, serve):
    webhook = mutates_listed_and_watched_accounts(api, serve)
    assert service_account_accepts(api, watch=False) == [LIST_ACCEPT]
    assert set(service_account_accepts(api, watch=True)) == {OBJECT_ACCEPT}
    assert "serviceaccounts: listed 1 in 1 page(s)" in webhook.logs()
    assert "(metadata only)" in webhook.logs()
