"""docs/kubeflow.md's walkthrough, run as written: every block marked `sh walkthrough` runs in bash (`set -eu`) after
the document's variables block, against moto's IAM and STS (signature checking on) and the fake Kubernetes API
server, in the order of the document; the `walkthrough-background` block (the trust controller) runs as a process
(plus only test flags: metrics on 127.0.0.1 and a free port); the `walkthrough-profile` and `walkthrough-pod` YAML
blocks are the objects the test creates where the document says `kubectl apply` (the fake API server has no
discovery for kubectl); `walkthrough-notebook` runs with only what `webhook mutate` injected into the pod."""
import json
import pathlib
import re
import signal
import subprocess
import sys
import time
import urllib.request

import jwt
import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric import rsa

from helpers.fake_apiserver import write_kubeconfig
from helpers.loopback_endpoint import free_port
from helpers.moto_server import MotoServer

DOC = pathlib.Path(__file__).resolve().parent.parent / "docs" / "kubeflow.md"
THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"  # the test's issuer is not served: no `auto`
FENCE = re.compile(r"^( *)```(\w+)(?: ([\w-]+))?\n(.*?)^\1```$", re.S | re.M)


def blocks(marker):
    """The document's blocks whose info string is `<language> <marker>`, dedented, in document order."""
    found = []
    for indent, _, mark, body in FENCE.findall(DOC.read_text()):
        if mark == marker:
            found.append("".join(line[len(indent):] + "\n" for line in body.splitlines()))
    return found


def variables():
    """The first `sh` block after "Set:": the variables every command uses."""
    text = DOC.read_text()
    block = FENCE.search(text, text.index("## Walkthrough"))
    assert block.group(2) == "sh" and block.group(3) is None and "ISSUER=" in block.group(4)
    return block.group(4) + "THUMBPRINT=%s\n" % THUMBPRINT


class Walk:
    def __init__(self, tmp_path, env):
        self.tmp_path, self.env = tmp_path, env

    def run(self, script, env=None):
        result = subprocess.run(["bash", "-c", "set -eu\n" + script], cwd=self.tmp_path, env=env or self.env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, "%s\nstdout:\n%s\nstderr:\n%s" % (script, result.stdout, result.stderr)
        return result.stdout


def wait_for(predicate, what, process, log, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("trust controller exited while waiting for %s:\n%s" % (what, log.read_text()))
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail("timed out waiting for %s:\n%s" % (what, log.read_text()))


def test_the_walkthrough_works_as_written(fake_api, certs, tmp_path, webhook_bin):
    assert len(blocks("walkthrough")) == 4 and len(blocks("walkthrough-background")) == 1
    moto = MotoServer(0, tmp_path / "moto.log")
    controller = None
    try:
        key_id, secret = moto.enable_signature_checks()
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", fake_api.url, str(certs / "ca.crt"), fake_api.token)
        home = tmp_path / "home"
        home.mkdir()
        env = {"PATH": "%s:%s:/usr/bin:/bin" % (pathlib.Path(webhook_bin).parent, pathlib.Path(sys.executable).parent),
               "HOME": str(home), "KUBECONFIG": str(kubeconfig), "AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "us-west-2",
               "AWS_ENDPOINT_URL": moto.url, "AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret}
        walk = Walk(tmp_path, env)
        prelude = variables()
        setup, check, mutate, teardown = blocks("walkthrough")

        # 1. setup kubeflow and the profile's role.
        walk.run(prelude + setup)
        iam = moto.client("iam", key_id, secret, region="us-west-2")
        assert {r["RoleName"] for r in iam.list_roles()["Roles"]} == {"kf-admin-c1", "kf-user-c1", "kf-alice-notebooks"}

        # 2. The trust controller, as written (test flags only for where it listens).
        log = tmp_path / "trust-controller.log"
        command = prelude + "exec " + blocks("walkthrough-background")[0].rstrip() + \
            " --bind-address 127.0.0.1 --metrics-port %d\n" % free_port()
        with open(log, "wb") as out:
            controller = subprocess.Popen(["bash", "-c", "set -eu\n" + command], cwd=tmp_path, env=env,
                                          stdout=out, stderr=subprocess.STDOUT)

        # 3. `kubectl apply -f alice.yaml`, and what Kubeflow's profile controller then creates.
        profile = yaml.safe_load(blocks("walkthrough-profile")[0])
        fake_api.put_profile(profile["metadata"]["name"], plugins=profile["spec"]["plugins"])
        fake_api.put_service_account("alice", "default-editor")

        # 4. Trust, then the annotation.
        role = "arn:aws:iam::123456789012:role/kf-alice-notebooks"

        def annotated():
            sa = fake_api.get("serviceaccounts", "alice", "default-editor")
            return sa["metadata"].get("annotations", {}).get("eks.amazonaws.com/role-arn") == role
        wait_for(annotated, "default-editor's annotation", controller, log)
        wait_for(lambda: "trust policy updated" in log.read_text(), "the controller's log line", controller, log)
        statements = json.loads(walk.run(prelude + check))["Statement"]
        owned = [s for s in statements if s.get("Sid") == "PodIdentityWebhookTrustController"]
        assert len(statements) == 2 and len(owned) == 1, statements
        assert owned[0]["Condition"]["StringEquals"]["oidc.example.com/id/C1:sub"] == [
            "system:serviceaccount:alice:default-editor"]
        # 5. The notebook's pod, mutated; the notebook calls AWS with only what was injected.
        sa = fake_api.get("serviceaccounts", "alice", "default-editor")
        (tmp_path / "notebook.yaml").write_text(yaml.safe_dump(sa) + "---\n" + blocks("walkthrough-pod")[0])
        pod = yaml.safe_load(walk.run(prelude + mutate))
        pod_env = {e["name"]: e["value"] for e in pod["spec"]["containers"][0]["env"]}
        assert pod_env["AWS_ROLE_ARN"] == role
        # kubelet's part: the projected token where the injected mount puts it (under the test's directory).
        token_file = tmp_path / pod_env["AWS_WEB_IDENTITY_TOKEN_FILE"].lstrip("/")
        token_file.parent.mkdir(parents=True)
        now = int(time.time())
        token_file.write_text(jwt.encode(
            {"aud": ["sts.amazonaws.com"], "exp": now + 3600, "iat": now, "iss": "https://oidc.example.com/id/C1",
             "sub": "system:serviceaccount:alice:default-editor"},
            rsa.generate_private_key(public_exponent=65537, key_size=2048), algorithm="RS256"))
        # The pod's AssumeRoleWithWebIdentity is unsigned by design, which moto's signature checker cannot take.
        urllib.request.urlopen(urllib.request.Request(moto.url + "/moto-api/reset-auth", data=b"100", method="POST",
                                                      headers={"Content-Type": "text/plain"}), timeout=5)
        notebook_env = dict(pod_env, AWS_WEB_IDENTITY_TOKEN_FILE=str(token_file), PATH=env["PATH"], HOME=str(home),
                            AWS_ENDPOINT_URL_STS=moto.url)
        arn = walk.run(blocks("walkthrough-notebook")[0], env=notebook_env).strip()
        assert arn.startswith("arn:aws:sts::123456789012:assumed-role/kf-alice-notebooks/"), arn
        urllib.request.urlopen(urllib.request.Request(moto.url + "/moto-api/reset-auth", data=b"0", method="POST",
                                                      headers={"Content-Type": "text/plain"}), timeout=5)

        # 6. `kubectl delete profile alice`: the subject and the annotation go; then the teardown keeps Alice's role.
        fake_api.delete("profiles", None, "alice")
        wait_for(lambda: not annotated(), "the annotation to go", controller, log)
        statements = json.loads(walk.run(prelude + check))["Statement"]
        assert [s.get("Sid") for s in statements] == [None], statements
        controller.send_signal(signal.SIGTERM)
        assert controller.wait(timeout=30) == 0, log.read_text()
        controller = None
        out = walk.run(prelude + teardown)
        assert "DeleteOpenIDConnectProvider" in out and "kf-alice-notebooks" not in out, out
        assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["kf-alice-notebooks"]
    finally:
        if controller is not None and controller.poll() is None:
            controller.kill()
            controller.wait()
        moto.stop()
