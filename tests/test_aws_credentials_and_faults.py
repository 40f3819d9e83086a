"""The credential chain (each source alone, and precedence) and fault handling (retries within the deadline,
4xx never retried, an unreachable endpoint named) of the AWS client, through `webhook setup oidc-provider --dry-run`,
which reads (STS GetCallerIdentity, IAM GetOpenIDConnectProvider) and writes nothing."""
import datetime
import http.server
import json
import os
import subprocess
import threading
import time
import urllib.parse

import pytest

from helpers.loopback_endpoint import free_port
from helpers.credentials_endpoint import CredentialsEndpoint
from helpers.instance_metadata import InstanceMetadataEndpoint
from helpers.moto_server import MotoServer
from helpers.setup_env import ISSUER, THUMBPRINT


def base_env(tmp_path, endpoint):
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "AWS_REGION": "us-west-2", "AWS_ENDPOINT_URL": endpoint,
            "AWS_EC2_METADATA_DISABLED": "true"}


def dry_run(webhook_bin, env):
    return subprocess.run([webhook_bin, "setup", "oidc-provider", "--dry-run", "--issuer", ISSUER, "--thumbprint", THUMBPRINT],
                          env=env, capture_output=True, text=True, timeout=60)


def test_profile_in_the_shared_credentials_file(webhook_bin, moto, tmp_path):
    key_id, secret = moto.key
    credentials = tmp_path / "creds"
    credentials.write_text(f"[ops]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n")
    env = dict(base_env(tmp_path, moto.url), AWS_SHARED_CREDENTIALS_FILE=str(credentials), AWS_PROFILE="ops")
    result = dry_run(webhook_bin, env)
    assert result.returncode == 0, result.stderr
    assert "credentials from shared files (profile ops)" in result.stdout


def test_environment_wins_over_the_profile(webhook_bin, moto, tmp_path):
    key_id, secret = moto.key
    credentials = tmp_path / "creds"
    credentials.write_text("[default]\naws_access_key_id = AKIDWRONG\naws_secret_access_key = wrong\n")
    env = dict(base_env(tmp_path, moto.url), AWS_SHARED_CREDENTIALS_FILE=str(credentials),
               AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret)
    result = dry_run(webhook_bin, env)
    assert result.returncode == 0, result.stderr
    assert "credentials from environment" in result.stdout


def test_role_arn_with_source_profile_assumes_the_role_through_sts(webhook_bin, tmp_path):
    # moto's policy evaluation denies sts:AssumeRole even to an Allow-* user once checks are on: a moto without checks.
    server = MotoServer(0, tmp_path / "moto.log")
    try:
        iam = server.client("iam", region="us-west-2")
        role_arn = iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        (tmp_path / "config").write_text(f"[profile deploy]\nrole_arn = {role_arn}\nsource_profile = base\nrole_session_name = ci\n")
        (tmp_path / "creds").write_text("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n")
        env = dict(base_env(tmp_path, server.url), AWS_CONFIG_FILE=str(tmp_path / "config"),
                   AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "creds"), AWS_PROFILE="deploy")
        result = dry_run(webhook_bin, env)
        assert result.returncode == 0, result.stderr
        assert "caller: arn:aws:sts::123456789012:assumed-role/deployer/ci" in result.stdout
    finally:
        server.stop()


def test_container_credentials_with_the_authorization_token_file(webhook_bin, moto, tmp_path):
    key_id, secret = moto.key
    token_file = tmp_path / "token"
    token_file.write_text("projected-token-value")
    endpoint = CredentialsEndpoint(str(token_file), lambda: {"AccessKeyId": key_id, "SecretAccessKey": secret,
                                                             "Token": None, "Expiration": "2099-01-01T00:00:00Z"}).start()
    try:
        env = dict(base_env(tmp_path, moto.url), AWS_CONTAINER_CREDENTIALS_FULL_URI=endpoint.url,
                   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(token_file))
        result = dry_run(webhook_bin, env)
        assert result.returncode == 0, result.stderr
        assert "credentials from container credentials" in result.stdout
        assert endpoint.requests and all(authorized for _, authorized in endpoint.requests)
        assert "projected-token-value" not in result.stdout + result.stderr
    finally:
        endpoint.stop()


def test_instance_metadata_v2_is_the_last_source(webhook_bin, moto, tmp_path):
    """With no other source, the instance role's credentials come from IMDSv2: a session token first, then the role
    name and its credentials, each GET carrying the token (an IMDS that refuses v1 answers nothing else)."""
    key_id, secret = moto.key
    imds = InstanceMetadataEndpoint("node-role", lambda: {"AccessKeyId": key_id, "SecretAccessKey": secret,
                                                          "Token": None, "Expiration": "2099-01-01T00:00:00Z"}).start()
    try:
        env = dict(base_env(tmp_path, moto.url), AWS_EC2_METADATA_DISABLED="false",
                   AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.url)
        result = dry_run(webhook_bin, env)
        assert result.returncode == 0, result.stderr
        assert "credentials from instance metadata" in result.stdout
        assert imds.requests[0][:2] == ("PUT", "/latest/api/token")
        assert all(status == 200 for _, _, status in imds.requests), imds.requests
        assert ("GET", "/latest/meta-data/iam/security-credentials/node-role", 200) in imds.requests
        assert imds.session_token not in result.stdout + result.stderr
    finally:
        imds.stop()


@pytest.mark.parametrize("expires_in, fetches", [(3600, 1), (120, 2)])
def test_temporary_credentials_are_cached_and_refreshed_ahead_of_expiry(webhook_bin, moto, tmp_path, expires_in, fetches):
    """Two AWS calls per run: credentials valid for an hour are fetched once; credentials within the five-minute
    refresh window are fetched again before the second call."""
    key_id, secret = moto.key
    token_file = tmp_path / "token"
    token_file.write_text("projected-token-value")
    expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=expires_in)
    endpoint = CredentialsEndpoint(str(token_file), lambda: {"AccessKeyId": key_id, "SecretAccessKey": secret, "Token": None,
                                                             "Expiration": expiry.strftime("%Y-%m-%dT%H:%M:%SZ")}).start()
    try:
        env = dict(base_env(tmp_path, moto.url), AWS_CONTAINER_CREDENTIALS_FULL_URI=endpoint.url,
                   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(token_file))
        result = dry_run(webhook_bin, env)
        assert result.returncode == 0, result.stderr
        assert len(endpoint.requests) == fetches
    finally:
        endpoint.stop()


def test_web_identity_through_motos_sts(webhook_bin, tmp_path):
    # moto cannot check signatures and accept unsigned AssumeRoleWithWebIdentity at once: a moto without checks.
    server = MotoServer(0, tmp_path / "moto.log")
    try:
        token = tmp_path / "token"
        token.write_text("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YTpiIn0.c2ln\n")
        env = dict(base_env(tmp_path, server.url), AWS_ROLE_ARN="arn:aws:iam::123456789012:role/irsa",
                   AWS_WEB_IDENTITY_TOKEN_FILE=str(token), AWS_ROLE_SESSION_NAME="setup-test")
        result = dry_run(webhook_bin, env)
        assert result.returncode == 0, result.stderr
        assert "caller: arn:aws:sts::123456789012:assumed-role/irsa/setup-test" in result.stdout
        missing = dry_run(webhook_bin, dict(env, AWS_WEB_IDENTITY_TOKEN_FILE=str(tmp_path / "nope")))
        assert missing.returncode != 0 and str(tmp_path / "nope") in missing.stderr
    finally:
        server.stop()


class FaultyAWS:
    """Answers STS/IAM Query calls: the first `faults` calls get `fault` (status, code), then success."""

    def __init__(self, fault, faults, provider=False):
        self.fault, self.faults, self.calls, self.provider, self.bodies = fault, faults, [], provider, []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                action = urllib.parse.parse_qs(body).get("Action", [""])[0]
                outer.calls.append(action)
                if len(outer.calls) <= outer.faults:
                    status, code = outer.fault
                    self.answer(status, f"<ErrorResponse><Error><Code>{code}</Code><Message>injected</Message></Error>"
                                        f"<RequestId>req-{len(outer.calls)}</RequestId></ErrorResponse>")
                elif action == "GetOpenIDConnectProvider" and outer.provider:
                    self.answer(200, "<GetOpenIDConnectProviderResponse><GetOpenIDConnectProviderResult><Url>oidc.example.com/id/C1</Url>"
                                     "<ClientIDList><member>sts.amazonaws.com</member></ClientIDList>"
                                     f"<ThumbprintList><member>{THUMBPRINT}</member></ThumbprintList>"
                                     "</GetOpenIDConnectProviderResult></GetOpenIDConnectProviderResponse>")
                elif action == "AddClientIDToOpenIDConnectProvider":
                    outer.bodies.append(urllib.parse.parse_qs(body))
                    self.answer(200, "<AddClientIDToOpenIDConnectProviderResponse/>")
                elif action == "GetCallerIdentity":
                    self.answer(200, "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/x</Arn>"
                                     "<Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>")
                else:
                    self.answer(404, "<ErrorResponse><Error><Code>NoSuchEntity</Code><Message>none</Message></Error></ErrorResponse>")

            def answer(self, status, text):
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


KEYS = {"AWS_ACCESS_KEY_ID": "AKIDFAULT", "AWS_SECRET_ACCESS_KEY": "secret"}


@pytest.mark.parametrize("fault", [(400, "Throttling"), (400, "RequestLimitExceeded"), (429, "TooManyRequestsException"),
                                   (503, "ServiceUnavailable"), (500, "InternalFailure")])
def test_throttling_and_server_errors_are_retried(webhook_bin, tmp_path, fault):
    aws = FaultyAWS(fault, faults=2)
    try:
        result = dry_run(webhook_bin, dict(base_env(tmp_path, aws.url), **KEYS))
        assert result.returncode == 0, result.stderr
        assert aws.calls == ["GetCallerIdentity"] * 3 + ["GetOpenIDConnectProvider"]
    finally:
        aws.stop()


@pytest.mark.parametrize("fault", [(403, "AccessDenied"), (400, "ValidationError"), (403, "SignatureDoesNotMatch")])
def test_client_errors_are_not_retried_and_are_named(webhook_bin, tmp_path, fault):
    aws = FaultyAWS(fault, faults=1)
    try:
        result = dry_run(webhook_bin, dict(base_env(tmp_path, aws.url), **KEYS))
        assert result.returncode != 0
        assert aws.calls == ["GetCallerIdentity"]
        assert f"sts GetCallerIdentity ({aws.url}): {fault[1]}: injected (HTTP {fault[0]}, request id req-1)" in result.stderr
    finally:
        aws.stop()


def test_an_unreachable_endpoint_fails_naming_it(webhook_bin, tmp_path):
    port = free_port()  # nothing listens there
    start = time.monotonic()
    result = dry_run(webhook_bin, dict(base_env(tmp_path, f"http://127.0.0.1:{port}"), **KEYS))
    assert result.returncode != 0
    assert f"127.0.0.1:{port}" in result.stderr and "GetCallerIdentity" in result.stderr, result.stderr
    assert time.monotonic() - start < 60


def test_missing_client_ids_are_added_to_an_existing_provider(webhook_bin, tmp_path):
    # moto 5.2 has no AddClientIDToOpenIDConnectProvider (HTTP 500): a fake IAM that knows the provider.
    aws = FaultyAWS((500, "unused"), faults=0, provider=True)
    try:
        args = ["--client-id", "sts.amazonaws.com", "--client-id", "my-tool", "--thumbprint", THUMBPRINT]
        result = subprocess.run([webhook_bin, "setup", "oidc-provider", "--issuer", ISSUER, *args],
                                env=dict(base_env(tmp_path, aws.url), **KEYS), capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert aws.calls == ["GetCallerIdentity", "GetOpenIDConnectProvider", "AddClientIDToOpenIDConnectProvider"]
        assert aws.bodies[0]["ClientID"] == ["my-tool"]
        assert aws.bodies[0]["OpenIDConnectProviderArn"] == ["arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/C1"]
    finally:
        aws.stop()
