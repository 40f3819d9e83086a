"""`webhook setup issuer` against moto's S3 (signature checking on): the discovery document and JWKS uploaded with
the bytes `webhook oidc discovery`/`jwks` print, application/json, public-read on exactly those objects; a second run
changes nothing; Block Public Access named; the fetch-back over HTTPS from the issuer URL."""
import http.server
import ssl
import subprocess
import threading

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from test_setup_moto import admin, aws_env, moto, run  # noqa: F401

ISSUER = "https://oidc.example.com/id/C1"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
KEYS = ("id/C1/.well-known/openid-configuration", "id/C1/openid/v1/jwks")


@pytest.fixture()
def public_key(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "sa.pub"
    path.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return str(path)


def printed(webhook_bin, *args):
    return subprocess.run([webhook_bin, "oidc", *args], capture_output=True, check=True).stdout


def issuer(webhook_bin, env, public_key, *args, url=ISSUER):
    return run(webhook_bin, env, "issuer", "--issuer", url, "--bucket", "irsa-c1", "--public-key", public_key, *args)


def public_read(s3, key):
    grants = s3.get_object_acl(Bucket="irsa-c1", Key=key)["Grants"]
    return any(g["Grantee"].get("URI") == ALL_USERS and g["Permission"] == "READ" for g in grants)


def test_issuer_documents_are_uploaded_public_read_then_left_alone(webhook_bin, moto, tmp_path, public_key):
    env = aws_env(moto, tmp_path)
    first = issuer(webhook_bin, env, public_key)
    assert first.returncode == 0, first.stderr
    assert "CreateBucket: irsa-c1 in us-west-2" in first.stdout
    s3 = admin(moto, "s3")
    expected = {KEYS[0]: printed(webhook_bin, "discovery", "--issuer", ISSUER, "--public-key", public_key),
                KEYS[1]: printed(webhook_bin, "jwks", "--public-key", public_key)}
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket="irsa-c1")["Contents"]) == sorted(KEYS)
    for key, body in expected.items():
        stored = s3.get_object(Bucket="irsa-c1", Key=key)
        assert stored["Body"].read() == body and stored["ContentType"] == "application/json"
        assert public_read(s3, key)
    assert "skipped: fetching https://oidc.example.com/id/C1/.well-known/openid-configuration back" in first.stdout
    second = issuer(webhook_bin, env, public_key)
    assert second.returncode == 0, second.stderr
    assert "PutObject" not in second.stdout and "CreateBucket" not in second.stdout
    assert second.stdout.count("unchanged: s3://irsa-c1/") == 2, second.stdout


def test_dry_run_creates_no_bucket(webhook_bin, moto, tmp_path, public_key):
    result = issuer(webhook_bin, aws_env(moto, tmp_path), public_key, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "would call S3 CreateBucket: irsa-c1" in result.stdout and '"jwks_uri": "https://oidc.example.com/id/C1/openid/v1/jwks"' in result.stdout
    assert admin(moto, "s3").list_buckets()["Buckets"] == []


def test_block_public_access_is_named_with_what_to_change(webhook_bin, moto, tmp_path, public_key):
    s3 = admin(moto, "s3")
    s3.create_bucket(Bucket="irsa-c1", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    s3.put_public_access_block(Bucket="irsa-c1", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
    result = issuer(webhook_bin, aws_env(moto, tmp_path), public_key)
    assert result.returncode != 0
    assert "bucket irsa-c1: Block Public Access has BlockPublicAcls on" in result.stderr, result.stderr
    assert "KeyCount" in s3.list_objects_v2(Bucket="irsa-c1") and s3.list_objects_v2(Bucket="irsa-c1")["KeyCount"] == 0


@pytest.fixture()
def issuer_site(moto, certs):
    """An HTTPS server on 127.0.0.1 in front of the bucket (as CloudFront or S3's website endpoint would be);
    `stale` makes it serve other bytes."""
    s3 = admin(moto, "s3")

    class Site(http.server.BaseHTTPRequestHandler):
        stale = False

        def do_GET(self):
            try:
                body = s3.get_object(Bucket="irsa-c1", Key=self.path.lstrip("/"))["Body"].read()
            except Exception:
                self.send_error(404)
                return
            body = b"{}" if Site.stale else body
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certs / "tls.crt"), str(certs / "tls.key"))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}/id/C1", Site
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_fetch_back_over_https_compares_the_bytes(webhook_bin, moto, tmp_path, public_key, certs, issuer_site):
    url, site = issuer_site
    env = dict(aws_env(moto, tmp_path), SSL_CERT_FILE=str(certs / "ca.crt"))
    result = issuer(webhook_bin, env, public_key, url=url)
    assert result.returncode == 0, result.stderr
    assert f"verified: {url}/.well-known/openid-configuration serves the uploaded bytes" in result.stdout, result.stdout
    assert f"verified: {url}/openid/v1/jwks serves the uploaded bytes" in result.stdout
    site.stale = True
    stale = issuer(webhook_bin, env, public_key, url=url)
    assert stale.returncode != 0
    assert f"{url}/openid/v1/jwks answers HTTP 200 with other bytes" in stale.stderr, stale.stderr
