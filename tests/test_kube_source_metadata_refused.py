"""A server that refuses metadata-only responses (406 Not Acceptable, as a proxy or an old aggregated API server
may): the webhook says so once, lists and watches full objects from then on, and mutates as usual."""
from helpers.kube_source import (PREFIX, api, eventually, injected_role, kubeconfig, role,  # noqa: F401
                                 serve, service_account_accepts)


def test_406_falls_back_to_full_objects(api, serve):
    api.partial_metadata = "refused"
    api.put_service_account("team-a", "listed", {PREFIX + "/role-arn": role("listed")})
    webhook = serve("--service-account-lookup-grace-period", "0")
    assert injected_role(webhook, "team-a", "listed") == role("listed")
    eventually(webhook, lambda: service_account_accepts(api, watch=True), "the watch to open")
    api.put_service_account("team-a", "watched", {PREFIX + "/role-arn": role("watched")})
    eventually(webhook, lambda: injected_role(webhook, "team-a", "watched") == role("watched"), "the watched account")
    lists = service_account_accepts(api, watch=False)
    assert len(lists) == 2 and "as=PartialObjectMetadataList" in lists[0] and lists[1] == "application/json"
    assert set(service_account_accepts(api, watch=True)) == {"application/json"}
    logs = webhook.logs()
    assert logs.count("refuses metadata-only responses (HTTP 406") == 1, logs
    assert "(full objects)" in logs
