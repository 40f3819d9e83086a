"""`webhook serve` end to end: admission over HTTP/2 and HTTP/1.1, the bad-input table, health, metrics, dry-run."""
import base64
import json
import subprocess

import httpx
import pytest

from helpers.admission import SERVICE_ACCOUNTS, review

@pytest.fixture
def webhook(start_webhook, tmp_path):
    manifests = tmp_path / "service-accounts.yaml"
    manifests.write_text(SERVICE_ACCOUNTS)
    return start_webhook("--service-accounts", str(manifests), "--max-request-bytes", "65536")


def client(webhook, http2=True):
    return httpx.Client(http2=http2, verify=webhook.ssl_context, timeout=10)


def post(webhook, body, content_type="application/json", http2=True):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    with client(webhook, http2) as c:
        return c.post(webhook.url + "/mutate", content=data, headers={"content-type": content_type})


def decoded_patch(response_json):
    return json.loads(base64.b64decode(response_json["response"]["patch"]))


@pytest.mark.parametrize("http2", [True, False], ids=["http2", "http1.1"])
def test_annotated_service_account_gets_a_patch(webhook, http2):
    r = post(webhook, review(), http2=http2)
    assert r.status_code == 200
    assert r.http_version == ("HTTP/2" if http2 else "HTTP/1.1")
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["apiVersion"] == "admission.k8s.io/v1" and body["kind"] == "AdmissionReview"
    assert body["response"]["uid"] == "uid-1"
    assert body["response"]["allowed"] is True
    assert body["response"]["patchType"] == "JSONPatch"
    values = json.dumps(decoded_patch(body))
    assert "arn:aws:iam::111122223333:role/s3-reader" in values
    assert "/var/run/secrets/eks.amazonaws.com/serviceaccount/token" in values


def test_v1beta1_review_is_echoed(webhook):
    body = post(webhook, review(api_version="admission.k8s.io/v1beta1", uid="beta")).json()
    assert body["apiVersion"] == "admission.k8s.io/v1beta1"
    assert body["response"]["uid"] == "beta"


def test_unannotated_service_account_gets_no_patch(webhook):
    body = post(webhook, review(sa="plain")).json()
    assert body["response"]["allowed"] is True
    assert "patch" not in body["response"] and "patchType" not in body["response"]


def test_charset_parameter_is_accepted(webhook):
    assert post(webhook, review(), content_type="application/json; charset=utf-8").status_code == 200


# --- the bad-input table ---

def test_not_json_is_400_naming_the_problem(webhook):
    r = post(webhook, b"{not json")
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/json"
    assert "JSON" in r.json()["error"] or "json" in r.json()["error"]


def test_json_without_request_is_400(webhook):
    r = post(webhook, {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"})
    assert r.status_code == 400
    assert "request" in r.json()["error"]


def test_object_that_is_not_a_pod_is_denied_with_status_400(webhook):
    bad = review()
    bad["request"]["object"] = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {"containers": "nope"}}
    r = post(webhook, bad)
    assert r.status_code == 200
    response = r.json()["response"]
    assert response["uid"] == "uid-1"
    assert response["allowed"] is False
    assert response["status"]["code"] == 400
    assert "containers" in response["status"]["message"]


def test_pod_with_a_duplicate_spec_is_denied_naming_it(webhook):
    original = json.dumps(review())
    pod = json.dumps(review()["request"]["object"])
    # json.dumps cannot write a key twice: a second "spec" is spliced into the pod's text.
    body = original.replace(pod, pod[:-1] + ', "spec": {"containers": []}}')
    assert body != original
    r = post(webhook, body.encode())
    assert r.status_code == 200
    response = r.json()["response"]
    assert response["allowed"] is False
    assert response["status"]["code"] == 400
    assert response["status"]["message"] == 'pod: duplicate member "spec"'


def test_other_content_type_is_415(webhook):
    r = post(webhook, review(), content_type="text/plain")
    assert r.status_code == 415
    assert "application/json" in r.json()["error"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_method_on_mutate_is_405_with_allow(webhook, method):
    with client(webhook) as c:
        r = c.request(method, webhook.url + "/mutate")
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"


def test_unknown_path_is_404(webhook):
    with client(webhook) as c:
        assert c.get(webhook.url + "/nope").status_code == 404


@pytest.mark.parametrize("http2", [True, False], ids=["http2", "http1.1"])
def test_body_over_the_limit_is_413(webhook, http2):
    r = post(webhook, b"{" + b" " * 70000 + b"}", http2=http2)
    assert r.status_code == 413


# --- health and metrics ---

@pytest.mark.parametrize("path", ["/healthz", "/livez", "/readyz"])
def test_health_endpoints_on_both_ports(webhook, path):
    with client(webhook) as c:
        assert c.get(webhook.url + path).status_code == 200
    assert httpx.get(webhook.metrics_url + path).status_code == 200


def test_metrics_keep_upstream_names_and_add_new_ones(webhook):
    post(webhook, review())
    post(webhook, review(sa="plain"))
    text = httpx.get(webhook.metrics_url + "/metrics").text
    assert 'http_request_count{' in text and 'path="/mutate"' in text
    assert "http_request_latencies_bucket" in text
    assert 'pod_identity_webhook_pod_count{method="sts_web_identity"} 1' in text
    assert "pod_identity_webhook_used 1" in text
    assert 'mutations_total{mode="sts_web_identity",result="mutated"} 1' in text
    assert "admission_duration_seconds_bucket" in text
    assert "serving_certificate_not_after_seconds" in text
    assert "open_connections" in text


def test_one_log_line_per_decision(webhook):
    post(webhook, review())
    webhook.wait_for(lambda: "s3-reader" in webhook.logs() or "team-a/reader" in webhook.logs(), "the decision log line")
    lines = [l for l in webhook.logs().splitlines() if "team-a" in l and "reader" in l]
    assert len(lines) == 1, lines


# --- dry-run ---

def test_dry_run_prints_the_effective_configuration(webhook_bin):
    r = subprocess.run([webhook_bin, "--dry-run", "--cert", "/nonexistent/tls.crt", "--port", "8443",
                        "--shutdown-delay", "7s", "--in-cluster=false", "--sts-regional-endpoint=true",
                        "--aws-default-region", "eu-west-1"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    config = json.loads(r.stdout)
    assert config["server"]["port"] == 8443
    assert config["server"]["certificate"] == "/nonexistent/tls.crt"
    assert config["server"]["shutdownDelay"] == "7s"
    assert config["mutation"]["stsRegionalEndpoint"] is True
    assert config["mutation"]["awsDefaultRegion"] == "eu-west-1"


@pytest.mark.parametrize("args,named", [
    (["--tls-cipher-suites", "TLS_NOT_A_SUITE"], "TLS_NOT_A_SUITE"),
    (["--tls-min-version", "1.1"], "1.1"),
    (["--shutdown-delay", "five"], "shutdown-delay"),
    (["--port", "70000"], "--port"),
    (["--log-format", "xml"], "log-format"),
    (["--no-such-flag"], "no-such-flag"),
])
def test_dry_run_names_the_bad_flag(webhook_bin, args, named):
    r = subprocess.run([webhook_bin, "serve", "--dry-run"] + args, capture_output=True, text=True, timeout=30)
    assert r.returncode != 0
    assert r.stdout == ""
    assert named in r.stderr
