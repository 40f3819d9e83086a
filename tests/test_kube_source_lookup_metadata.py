"""The cache-miss GET of one ServiceAccount (the watch lags) asks for metadata only (`as=PartialObjectMetadata`, plain
JSON as the server's fallback), as the list and watch do, and the webhook mutates from the answer whether the server
honours that, ignores it (a full ServiceAccount), or refuses it (406: said once, and full objects from then on)."""
import pytest

from helpers.kube_source import OBJECT_ACCEPT, PREFIX, injected_role, role


def get_accepts(api, namespace, name):
    """The Accept header of every GET of that ServiceAccount the server got, in order."""
    path = "/api/v1/namespaces/%s/serviceaccounts/%s" % (namespace, name)
    with api.cond:
        return [accept for method, p, query, accept in api.accepts if method == "GET" and p == path]


@pytest.mark.parametrize("mode, first_gets, later_gets", [
    ("honoured", [OBJECT_ACCEPT], [OBJECT_ACCEPT]),
    ("ignored", [OBJECT_ACCEPT], [OBJECT_ACCEPT]),
    ("refused", [OBJECT_ACCEPT, "application/json"], ["application/json"]),
])
def test_the_cache_miss_get_asks_for_metadata_only(api, serve, mode, first_gets, later_gets):
    api.partial_metadata = mode
    webhook = serve()
    api.hold_watches = True  # the watch lags: only the direct GET can find the new accounts
    for name in ("first", "later"):
        api.put_service_account("lagging", name, {PREFIX + "/role-arn": role(name)})
    assert injected_role(webhook, "lagging", "first") == role("first")
    assert get_accepts(api, "lagging", "first") == first_gets
    assert injected_role(webhook, "lagging", "later") == role("later")
    assert get_accepts(api, "lagging", "later") == later_gets
    refusal = "refuses metadata-only responses to a GET (HTTP 406"
    if mode == "refused":  # the log writer flushes within 100 ms
        webhook.wait_for(lambda: refusal in webhook.logs(), "the 406 in the log")
    assert webhook.logs().count(refusal) == (1 if mode == "refused" else 0)
    api.release_watches()
