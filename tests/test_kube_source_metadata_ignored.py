"""A server that ignores the metadata-only Accept and answers with full ServiceAccounts (a ServiceAccountList and
full watch events): the webhook reads the same `metadata` from them, mutates, and says what the server did."""
from helpers.kube_source import mutates_listed_and_watched_accounts, service_account_accepts


def test_full_objects_in_answer_to_a_metadata_request_work(api, serve):
    api.partial_metadata = "ignored"
    webhook = mutates_listed_and_watched_accounts(api, serve)
    assert all("as=PartialObjectMetadataList" in accept for accept in service_account_accepts(api, watch=False))
    assert all("as=PartialObjectMetadata;" in accept for accept in service_account_accepts(api, watch=True))
    assert "full objects: the server ignored the metadata-only Accept" in webhook.logs()
