"""What the `webhook serve --kubeconfig` scenarios share: the fake API server (helpers/fake_apiserver.py) over HTTPS,
a kubeconfig for it, the webhook started against it, and the role the webhook injects into a new pod."""
import base64
import json
import ssl

import httpx
import pytest

from helpers.admission import review
from helpers.fake_apiserver import FakeAPIServer, write_kubeconfig

PREFIX = "eks.amazonaws.com"
# The metadata-only Accept headers (with plain JSON as the server's fallback): a LIST, and a GET or WATCH.
LIST_ACCEPT = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
OBJECT_ACCEPT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
TOKEN = "good-token"
# Upper bound for polls: a watch event normally lands in milliseconds; the bound only keeps a broken build from hanging.
POLL_DEADLINE = 5.0


def role(name):
    return "arn:aws:iam::111122223333:role/%s" % name


@pytest.fixture
def api(certs):
    server = FakeAPIServer(str(certs / "tls.crt"), str(certs / "tls.key"), token=TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def kubeconfig(api, certs, tmp_path):
    return write_kubeconfig(tmp_path / "kubeconfig", api.url, str(certs / "ca.crt"), TOKEN)


@pytest.fixture
def serve(start_webhook, kubeconfig):
    def start(*args, wait_ready=True, config=None):
        return start_webhook("--kubeconfig", str(config or kubeconfig), *args, wait_ready=wait_ready)
    return start


def injected_role(webhook, namespace, sa, uid="uid-1"):
    """The AWS_ROLE_ARN the webhook injects into a new pod of `namespace/sa`, or None when it does not mutate."""
    with httpx.Client(verify=ssl.create_default_context(cafile=webhook.ca), timeout=15) as c:
        r = c.post(webhook.url + "/mutate", json=review(sa=sa, namespace=namespace, uid=uid))
    assert r.status_code == 200, r.text
    response = r.json()["response"]
    assert response["allowed"] is True
    if "patch" not in response:
        return None
    for op in json.loads(base64.b64decode(response["patch"])):
        values = op["value"] if isinstance(op.get("value"), list) else [op.get("value")]
        for value in values:
            if isinstance(value, dict) and value.get("name") == "AWS_ROLE_ARN":
                return value["value"]
            if isinstance(value, dict) and isinstance(value.get("env"), list):
                for env in value["env"]:
                    if env.get("name") == "AWS_ROLE_ARN":
                        return env["value"]
    return None


def eventually(webhook, predicate, what):
    webhook.wait_for(predicate, what, timeout=POLL_DEADLINE)


def service_account_accepts(api, watch):
    """The Accept header of every ServiceAccount LIST (watch=False) or WATCH (watch=True) the server got, in order."""
    with api.cond:
        return [accept for method, path, query, accept in api.accepts
                if path == "/api/v1/serviceaccounts" and ("watch" in query) == watch]


def mutates_listed_and_watched_accounts(api, serve):
    """Starts the webhook with one annotated account listed, adds a second once the watch is open, and checks that
    both are mutated; returns the webhook. Grace period 0 disables the direct GET, so the second account can only
    have come through the watch."""
    api.put_service_account("team-a", "listed", {PREFIX + "/role-arn": role("listed")})
    webhook = serve("--service-account-lookup-grace-period", "0")
    assert injected_role(webhook, "team-a", "listed") == role("listed")
    eventually(webhook, lambda: service_account_accepts(api, watch=True), "the watch to open")
    api.put_service_account("team-a", "watched", {PREFIX + "/role-arn": role("watched")})
    eventually(webhook, lambda: injected_role(webhook, "team-a", "watched") == role("watched"), "the watched account")
    return webhook
