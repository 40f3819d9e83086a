"""One engine: for each mutation feature of issue 15, `webhook serve` (the real server, over HTTP/2) answers the
AdmissionReview with exactly the patch and warnings that `webhook mutate -o review` gives offline for the same
ServiceAccounts, Pod and flags."""
import base64
import json
import subprocess

import httpx
import pytest
import yaml

P = "eks.amazonaws.com/"
ROLE = "arn:aws:iam::111122223333:role/app"
FLAGS = ["--inject-role-session-name", "--endpoint-url", "https://sts.minio.example:9000",
         "--aws-default-region", "eu-west-1", "--allow-non-aws-account-id"]


def service_account(name, annotations):
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": name, "namespace": "team-a", "annotations": annotations}}


SERVICE_ACCOUNTS = [
    service_account("per-container", {P + "role-arn": ROLE,
                                      P + "container-role-arns": '{"sidecar": "arn:aws:iam::111122223333:role/side"}'}),
    service_account("session-none", {P + "role-arn": ROLE, P + "role-session-name": "none"}),
    service_account("chained", {P + "role-arn": ROLE, P + "target-role-arn": "arn:aws:iam::444455556666:role/data",
                                P + "external-id": "tenant-42"}),
    service_account("selective", {P + "role-arn": ROLE, P + "skip-containers": "sidecar", P + "region": "us-gov-west-1"}),
    service_account("minio", {P + "role-arn": "arn:aws:iam:::role/minio", P + "endpoint-url": "http://minio.storage:9000"}),
    service_account("bad-values", {P + "role-arn": ROLE, P + "region": "US West", P + "endpoint-url": "minio:9000",
                                   P + "container-role-arns": "not json", P + "role-session-name": "uid"}),
]


def pod(service_account, annotations=None):
    metadata = {"name": "web-1", "namespace": "team-a"}
    if annotations:
        metadata["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata,
            "spec": {"serviceAccountName": service_account,
                     "containers": [{"name": "app", "image": "busybox"}, {"name": "sidecar", "image": "envoy"}]}}


PODS = {
    "container-role-arns": pod("per-container"),
    "role-session-name-none": pod("session-none"),
    "target-role-chain": pod("chained"),
    "service-account-skip-and-region": pod("selective"),
    "pod-include-containers-and-region": pod("selective", {P + "include-containers": "app", P + "region": "ap-south-1"}),
    "endpoint-url-and-non-aws-account": pod("minio"),
    "bad-values-are-warnings": pod("bad-values"),
}


def review(pod_object):
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"uid": "uid-1", "namespace": "team-a", "operation": "CREATE",
                        "kind": {"group": "", "version": "v1", "kind": "Pod"}, "object": pod_object}}


@pytest.fixture(scope="module")
def manifests(tmp_path_factory):
    path = tmp_path_factory.mktemp("features") / "service-accounts.yaml"
    path.write_text(yaml.safe_dump_all(SERVICE_ACCOUNTS))
    return path


@pytest.fixture
def webhook(start_webhook, manifests):
    return start_webhook("--service-accounts", str(manifests), *FLAGS)


def offline(webhook_bin, manifests, tmp_path, body):
    path = tmp_path / "review.yaml"
    path.write_text(manifests.read_text() + "\n---\n" + json.dumps(body))
    result = subprocess.run([webhook_bin, "mutate", "-o", "review", *FLAGS, str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["response"]


@pytest.mark.parametrize("name", sorted(PODS))
def test_serve_answers_as_mutate_does(webhook, webhook_bin, manifests, tmp_path, name):
    body = review(PODS[name])
    with httpx.Client(http2=True, verify=webhook.ssl_context, timeout=10) as client:
        served = client.post(webhook.url + "/mutate", json=body)
    assert served.status_code == 200 and served.http_version == "HTTP/2"
    online = served.json()["response"]
    expected = offline(webhook_bin, manifests, tmp_path, body)
    assert online["allowed"] is True  # a bad annotation never denies
    assert json.loads(base64.b64decode(online["patch"])) == json.loads(base64.b64decode(expected["patch"]))
    assert online.get("warnings", []) == expected.get("warnings", [])
    if name == "bad-values-are-warnings":
        assert len(online["warnings"]) == 4, online["warnings"]
    else:
        assert "warnings" not in online, online.get("warnings")


def test_served_chain_patch_carries_the_config_annotation_and_its_projection(webhook):
    with httpx.Client(http2=True, verify=webhook.ssl_context, timeout=10) as client:
        response = client.post(webhook.url + "/mutate", json=review(PODS["target-role-chain"])).json()["response"]
    patch = json.loads(base64.b64decode(response["patch"]))
    [annotations] = [op["value"] for op in patch if op["path"] == "/metadata/annotations"]
    assert "external_id = tenant-42" in annotations[P + "aws-config"]
    [volume] = [op["value"][0] for op in patch if op["path"] == "/spec/volumes"]
    assert volume["projected"]["sources"][1]["downwardAPI"]["items"][0]["fieldRef"]["fieldPath"] == \
        "metadata.annotations['eks.amazonaws.com/aws-config']"
