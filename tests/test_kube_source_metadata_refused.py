"""A server that refuses metadata-only responses (406 Not Acceptable, as a proxy or an old aggregated API server
may): the webhook says so once, lists and watches full objects from then on, and mutates as usual."""
from helpers.kube_source import mutates_listed_and_watched_accounts, service_account_accepts


def test_406_falls_back_to_full_objects(api, serve):
    api.partial_metadata = "refused"
    webhook = mutates_listed_and_watched_accounts(api, serve)
    lists = service_account_accepts(api, watch=False)
    assert len(lists) == 2 and "as=PartialObjectMetadataList" in lists[0] and lists[1] == "application/json"
    assert set(service_account_accepts(api, watch=True)) == {"application/json"}
    logs = webhook.logs()
    assert logs.count("refuses metadata-only responses (HTTP 406") == 1, logs
    assert "(full objects)" in logs
