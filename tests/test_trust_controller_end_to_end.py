"""End to end: a Profile asks for a role; the controller writes the trust and annotates default-editor; the webhook
mutates a notebook pod of that ServiceAccount; boto3, with only what the webhook injected, gets credentials for the
role from moto's STS with the projected token. The controller's calls run with moto's signature checking on; the
pod's AssumeRoleWithWebIdentity is unsigned by design (the token is the credential), which moto's checker cannot
take, so the checks are relaxed for the pod's calls once the controller is stopped."""
import json
import pathlib
import subprocess
import sys
import time
import urllib.request

import jwt
import yaml
from cryptography.hazmat.primitives.asymmetric import rsa

from helpers.trust_controller_env import ACCOUNT, ISSUER, cluster, profile_plugin, role_arn  # noqa: F401

BOTO3 = """
import json, boto3
session = boto3.Session()
identity = session.client("sts").get_caller_identity()
print(json.dumps({"method": session.get_credentials().method, "arn": identity["Arn"]}))
"""


def test_profile_pod_gets_credentials_for_its_role(cluster, webhook_bin, tmp_path):
    cluster.create_role("kf-sam")
    cluster.api.put_service_account("sam", "default-editor")
    cluster.api.put_profile("sam", plugins=profile_plugin(role_arn("kf-sam")))
    controller = cluster.start()
    controller.wait_for(lambda: cluster.role_annotation("sam") == role_arn("kf-sam"), "the annotation")

    assert controller.stop() == 0
    urllib.request.urlopen(urllib.request.Request(cluster.moto.url + "/moto-api/reset-auth", data=b"100", method="POST",
                                                  headers={"Content-Type": "text/plain"}), timeout=5)

    service_account = cluster.api.get("serviceaccounts", "sam", "default-editor")
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "notebook-0", "namespace": "sam"},
           "spec": {"serviceAccountName": "default-editor", "containers": [{"name": "notebook", "image": "jupyter"}]}}
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(yaml.safe_dump_all([service_account, pod]))
    mount = tmp_path / "kubelet" / "eks.amazonaws.com" / "serviceaccount"
    mutated = subprocess.run([webhook_bin, "mutate", "-o", "pod", str(manifest), "--token-mount-path", str(mount),
                              "--aws-default-region", "us-west-2"], capture_output=True, text=True, timeout=60)
    assert mutated.returncode == 0, mutated.stderr
    pod = next(d for d in yaml.safe_load_all(mutated.stdout) if isinstance(d, dict) and d.get("kind", "Pod") == "Pod")
    env = {e["name"]: e["value"] for e in pod["spec"]["containers"][0]["env"]}
    assert env["AWS_ROLE_ARN"] == role_arn("kf-sam")

    now = int(time.time())
    token = jwt.encode({"aud": ["sts.amazonaws.com"], "exp": now + 3600, "iat": now, "iss": ISSUER,
                        "sub": "system:serviceaccount:sam:default-editor"},
                       rsa.generate_private_key(public_exponent=65537, key_size=2048), algorithm="RS256")
    token_path = pathlib.Path(env["AWS_WEB_IDENTITY_TOKEN_FILE"])
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
