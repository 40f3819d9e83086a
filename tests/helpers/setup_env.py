"""What the `webhook setup ...` tests share: moto's server with signature checking on (the `moto` fixture: a test
module imports it to use it), the environment that points the binary at it, a setup command run, boto3 as the
administrator, and the cluster's issuer."""
import os
import subprocess

import pytest

from helpers.moto_server import MotoServer

ISSUER = "https://oidc.example.com/id/C1"
PROVIDER_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/C1"
THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"  # given: the issuer is not reachable here


@pytest.fixture()
def moto(tmp_path):
    """moto's server; `moto.key` is the administrator's (access key id, secret), created before checks went on."""
    server = MotoServer(0, tmp_path / "moto.log")
    try:
        server.key = server.enable_signature_checks()
        yield server
    finally:
        server.stop()


def aws_env(moto, tmp_path, secret=None):
    key_id, real_secret = moto.key
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "us-west-2",
            "AWS_ENDPOINT_URL": moto.url, "AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret or real_secret}


def run(webhook_bin, env, *args):
    return subprocess.run([webhook_bin, "setup", *args], env=env, capture_output=True, text=True, timeout=60)


def admin(moto, service):
    return moto.client(service, *moto.key, region="us-west-2")
