"""`webhook serve` with ServiceAccounts from the Kubernetes API: the real binary against a fake API server
(tests/fake_apiserver.py) over HTTPS with real list/watch semantics, through a generated kubeconfig."""
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from helpers.fake_apiserver import write_kubeconfig
from helpers.kube_source import PREFIX, eventually, injected_role, role


def watching(webhook, api):
    """Waits until the webhook's watch is open, so that dropping or expiring it has something to act on."""
    eventually(webhook, lambda: api.open_watches >= 1, "the watch to open")


def test_initial_sync_across_several_pages_then_ready(api, serve):
    api.page_limit = 5
    api.list_delay = 0.5  # a slow API server: /readyz must wait for the whole list
    for i in range(23):
        api.put_service_account("team-%d" % (i % 4), "sa-%d" % i, {PREFIX + "/role-arn": role("r%d" % i),
                                                                    "other.io/ignored": "x"})
    webhook = serve(wait_ready=False)
    webhook.wait_for(lambda: webhook.readyz() is not None, "the metrics port")
    assert webhook.readyz() == 503, "ready before the initial LIST completed"
    webhook.wait_for(lambda: webhook.readyz() == 200, "readiness after the initial LIST")
    pages = api.count(lambda m, path, q: path == "/api/v1/serviceaccounts" and "watch" not in q)
    continued = api.count(lambda m, path, q: path == "/api/v1/serviceaccounts" and "continue" in q)
    assert pages == 5 and continued == 4
    assert injected_role(webhook, "team-2", "sa-22") == role("r22")
    assert injected_role(webhook, "team-0", "sa-0") == role("r0")
    # Everything came from the list: no direct GET was needed.
    assert api.get_count("team-2", "sa-22") == 0
    watches = [q for m, path, q in api.requests if path == "/api/v1/serviceaccounts" and "watch" in q]
    assert watches and watches[0]["allowWatchBookmarks"] == "true"
    assert watches[0]["resourceVersion"] == str(api.rv)


def test_new_annotated_service_account_arrives_through_the_watch(api, serve):
    # Grace period 0 disables the direct GET, so only the watch can deliver it.
    webhook = serve("--service-account-lookup-grace-period", "0")
    assert injected_role(webhook, "fresh", "app") is None
    started = time.monotonic()
    api.put_service_account("fresh", "app", {PREFIX + "/role-arn": role("fresh")})
    eventually(webhook, lambda: injected_role(webhook, "fresh", "app") == role("fresh"), "the new ServiceAccount")
    print("new ServiceAccount used after %.0f ms" % ((time.monotonic() - started) * 1000))
    assert api.get_count("fresh", "app") == 0


@pytest.mark.parametrize("as_http_status", [False, True], ids=["error-event", "http-410"])
def test_relist_after_410(api, serve, as_http_status):
    api.watch_errors_as_http = as_http_status
    webhook = serve("--service-account-lookup-grace-period", "0")
    watching(webhook, api)
    lists_before = api.list_count("serviceaccounts")
    # The watch misses a change, the history is compacted, then the watch connection drops: resuming from the
    # old resourceVersion gets 410 Gone, and only a new LIST can recover the change.
    api.hold_watches = True
    api.put_service_account("gone", "app", {PREFIX + "/role-arn": role("after-410")})
    api.compact()
    api.drop_watches()
    eventually(webhook, lambda: api.list_count("serviceaccounts") > lists_before, "a relist")
    eventually(webhook, lambda: injected_role(webhook, "gone", "app") == role("after-410"), "the relisted ServiceAccount")
    assert api.get_count("gone", "app") == 0
    api.release_watches()


def test_reconnect_after_a_dropped_watch(api, serve):
    webhook = serve("--service-account-lookup-grace-period", "0")
    watching(webhook, api)
    lists_before = api.list_count("serviceaccounts")
    watches_before = api.watch_count("serviceaccounts")
    api.drop_watches()
    eventually(webhook, lambda: api.watch_count("serviceaccounts") > watches_before, "a new watch")
    api.put_service_account("after", "drop", {PREFIX + "/role-arn": role("after-drop")})
    eventually(webhook, lambda: injected_role(webhook, "after", "drop") == role("after-drop"), "the change on the new watch")
    # A dropped connection resumes from the last resourceVersion: no relist.
    assert api.list_count("serviceaccounts") == lists_before


def test_an_expired_watch_relists(api, serve):
    webhook = serve("--service-account-lookup-grace-period", "0")
    watching(webhook, api)
    lists_before = api.list_count("serviceaccounts")
    api.expire_watches()
    eventually(webhook, lambda: api.list_count("serviceaccounts") > lists_before, "a relist after the ERROR event")
    api.put_service_account("post", "expiry", {PREFIX + "/role-arn": role("post-expiry")})
    eventually(webhook, lambda: injected_role(webhook, "post", "expiry") == role("post-expiry"), "the change after relisting")


def test_a_lagging_watch_is_covered_by_one_direct_get(api, serve):
    webhook = serve()  # the default grace period enables the direct GET
    api.hold_watches = True  # the watch lags: the new ServiceAccount is not delivered
    api.get_delay = 0.3      # so the concurrent pods overlap with the GET in flight
    api.put_service_account("burst", "deploy", {PREFIX + "/role-arn": role("burst")})
    with ThreadPoolExecutor(max_workers=20) as pool:
        roles = list(pool.map(lambda i: injected_role(webhook, "burst", "deploy", uid="p%d" % i), range(20)))
    assert roles == [role("burst")] * 20
    assert api.get_count("burst", "deploy") == 1
    # The result entered the cache: later pods need no GET either.
    assert injected_role(webhook, "burst", "deploy", uid="later") == role("burst")
    assert api.get_count("burst", "deploy") == 1
    api.release_watches()


def test_a_service_account_that_does_not_exist_is_not_mutated_and_is_negatively_cached(api, serve):
    webhook = serve()
    with ThreadPoolExecutor(max_workers=10) as pool:
        roles = list(pool.map(lambda i: injected_role(webhook, "nowhere", "ghost", uid="g%d" % i), range(10)))
    assert roles == [None] * 10
    assert 1 <= api.get_count("nowhere", "ghost") <= 2


def test_annotation_removal_and_deletion_take_effect(api, serve):
    api.put_service_account("life", "cycle", {PREFIX + "/role-arn": role("v1")})
    webhook = serve()
    assert injected_role(webhook, "life", "cycle") == role("v1")
    api.put_service_account("life", "cycle", {"other.io/kept": "x"})
    eventually(webhook, lambda: injected_role(webhook, "life", "cycle") is None, "the annotation removal")
    api.put_service_account("life", "cycle", {PREFIX + "/role-arn": role("v2")})
    eventually(webhook, lambda: injected_role(webhook, "life", "cycle") == role("v2"), "the new annotation")
    api.delete_service_account("life", "cycle")
    eventually(webhook, lambda: injected_role(webhook, "life", "cycle") is None, "the deletion")


def test_config_map_add_update_delete(api, serve):
    api.put_service_account("team-c", "mapped", {})
    webhook = serve("--watch-config-map", "--namespace", "eks")
    assert injected_role(webhook, "team-c", "mapped") is None

    def config(arn):
        return {"config": json.dumps({"team-c/mapped": {"RoleARN": arn, "Audience": "sts.amazonaws.com"}})}

    api.put_config_map("eks", "pod-identity-webhook", config(role("from-configmap")))
    api.put_config_map("eks", "another-configmap", config(role("ignored")))
    api.put_config_map("other-namespace", "pod-identity-webhook", config(role("ignored")))
    eventually(webhook, lambda: injected_role(webhook, "team-c", "mapped") == role("from-configmap"), "the ConfigMap")
    api.put_config_map("eks", "pod-identity-webhook", config(role("updated")))
    eventually(webhook, lambda: injected_role(webhook, "team-c", "mapped") == role("updated"), "the ConfigMap update")
    api.delete_config_map("eks", "pod-identity-webhook")
    eventually(webhook, lambda: injected_role(webhook, "team-c", "mapped") is None, "the ConfigMap deletion")
    # Namespaced and selected by name, so RBAC can be limited to that namespace and object.
    selectors = [q.get("fieldSelector") for m, path, q in api.requests if path == "/api/v1/namespaces/eks/configmaps"]
    assert selectors and all(s == "metadata.name=pod-identity-webhook" for s in selectors)


def test_bad_credentials_keep_readyz_503(api, serve, certs, tmp_path):
    config = write_kubeconfig(tmp_path / "bad-kubeconfig", api.url, str(certs / "ca.crt"), "wrong-token")
    webhook = serve(config=config, wait_ready=False)
    webhook.wait_for(lambda: "401" in webhook.logs() and api.list_count("serviceaccounts") >= 2,
                     "the 401 to be logged and retried")
    assert webhook.readyz() == 503
    log = webhook.logs()
    assert api.url + "/api/v1/serviceaccounts" in log            # which URL
    assert "bearer token" in log and "wrong-token" not in log   # which identity, never the secret
    assert "Unauthorized" in log                                  # what the server said


def test_forbidden_keeps_readyz_503_and_recovers_when_rbac_is_fixed(api, serve):
    api.forbid = True
    webhook = serve(wait_ready=False)
    webhook.wait_for(lambda: "403" in webhook.logs(), "the 403 to be logged")
    assert webhook.readyz() == 503
    assert "cannot list resource" in webhook.logs()
    api.forbid = False
    webhook.wait_for(lambda: webhook.readyz() == 200, "readiness once RBAC allows the LIST", timeout=40)


def test_outside_a_cluster_the_default_kubeconfig_is_used(api, start_webhook, kubeconfig, tmp_path):
    """No --kubeconfig and no in-cluster environment: $KUBECONFIG is used, as kubectl would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUBERNETES_SERVICE")}
    env["KUBECONFIG"] = str(kubeconfig)
    api.put_service_account("team", "runner", {PREFIX + "/role-arn": role("runner")})
    webhook = start_webhook(env=env)
    assert injected_role(webhook, "team", "runner") == role("runner")


def test_no_source_at_all_is_a_clear_error(start_webhook, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUBERNETES_SERVICE") and k != "KUBECONFIG"}
    env["HOME"] = str(tmp_path)  # no ~/.kube/config there
    webhook = start_webhook(env=env, wait_ready=False)
    assert webhook.proc.wait(timeout=30) != 0
    assert "--service-accounts" in webhook.logs() and "--kubeconfig" in webhook.logs()
