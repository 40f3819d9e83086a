"""End to end through the real admission path: a Profile asks for a role; the controller writes the trust and
annotates `<profile>/default-editor` in the (fake) API server; `webhook serve`, reading ServiceAccounts from that same
API server, answers the notebook Pod's AdmissionReview sent over HTTPS; the JSON patch it returns is applied to the
Pod; boto3, with only what the patch injected, gets credentials for the role from moto's STS with the projected token
(written where the injected mount puts it, signed by the test's key, as kubelet would). The controller's calls run
with moto's signature checking on; the pod's AssumeRoleWithWebIdentity is unsigned by design (the token is the
credential), which moto's checker cannot take, so the checks are relaxed for the pod's calls once the controller is
stopped."""
import base64
import json
import pathlib
import ssl
import subprocess
import sys
import time
import urllib.request

import httpx
import jsonpatch
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from helpers.admission import review
from helpers.trust_controller_env import ACCOUNT, ISSUER, profile_plugin, role_arn

BOTO3 = """
import json, boto3
session = boto3.Session()
identity = session.client("sts").get_caller_identity()
print(json.dumps({"method": session.get_credentials().method, "arn": identity["Arn"]}))
"""


def admit(webhook, pod):
    """The webhook's AdmissionReview answer for creating `pod`, over HTTPS with the cluster CA verified."""
    with httpx.Client(verify=ssl.create_default_context(cafile=webhook.ca), timeout=15) as client:
        answer = client.post(webhook.url + "/mutate", json=review(namespace=pod["metadata"]["namespace"], pod=pod))
    assert answer.status_code == 200, answer.text
    response = answer.json()["response"]
    assert response["allowed"] is True, response
    return response


def test_profile_pod_admitted_by_webhook_serve_gets_credentials_for_its_role(cluster, start_webhook, tmp_path):
    mount = tmp_path / "kubelet" / "eks.amazonaws.com" / "serviceaccount"
    webhook = start_webhook("--kubeconfig", str(cluster.kubeconfig), "--token-mount-path", str(mount),
                            "--aws-default-region", "us-west-2")
    cluster.create_role("kf-sam")
    cluster.api.put_service_account("sam", "default-editor")
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "notebook-0", "namespace": "sam"},
           "spec": {"serviceAccountName": "default-editor", "containers": [{"name": "notebook", "image": "jupyter"}]}}
    assert "patch" not in admit(webhook, pod), "mutated before the controller annotated default-editor"

    cluster.api.put_profile("sam", plugins=profile_plugin(role_arn("kf-sam")))
    controller = cluster.start()
    controller.wait_for(lambda: cluster.role_annotation("sam") == role_arn("kf-sam"), "the annotation")
    assert controller.stop() == 0
    urllib.request.urlopen(urllib.request.Request(cluster.moto.url + "/moto-api/reset-auth", data=b"100", method="POST",
                                                  headers={"Content-Type": "text/plain"}), timeout=5)

    # The annotation reaches the webhook through its ServiceAccount watch: poll the admission until it does.
    responses = []

    def mutates():
        responses.append(admit(webhook, pod))
        return "patch" in responses[-1]

    webhook.wait_for(mutates, "the webhook to see the annotation")
    response = responses[-1]
    assert response["patchType"] == "JSONPatch"
    mutated = jsonpatch.apply_patch(pod, json.loads(base64.b64decode(response["patch"])))
    container = mutated["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["AWS_ROLE_ARN"] == role_arn("kf-sam")
    volume = next(v for v in mutated["spec"]["volumes"] if v["name"] == "aws-iam-token")
    projection = volume["projected"]["sources"][0]["serviceAccountToken"]
    volume_mount = next(m for m in container["volumeMounts"] if m["name"] == "aws-iam-token")
    token_path = pathlib.Path(volume_mount["mountPath"]) / projection["path"]
    assert str(token_path) == env["AWS_WEB_IDENTITY_TOKEN_FILE"]

    now = int(time.time())
    token = jwt.encode({"aud": [projection["audience"]], "exp": now + 3600, "iat": now, "iss": ISSUER,
                        "sub": "system:serviceaccount:sam:default-editor"},
                       rsa.generate_private_key(public_exponent=65537, key_size=2048), algorithm="RS256")
    token_path.parent.mkdir(parents=True, exist_ok=True)
    token_path.write_text(token)
    home = tmp_path / "home"
    home.mkdir()
    env.update({"PATH": "/usr/bin:/bin", "HOME": str(home), "AWS_ENDPOINT_URL_STS": cluster.moto.url})
    result = subprocess.run([sys.executable, "-c", BOTO3], env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr
    identity = json.loads(result.stdout)
    assert identity["method"] == "assume-role-with-web-identity"
    assert identity["arn"].startswith("arn:aws:sts::%s:assumed-role/kf-sam/" % ACCOUNT)
