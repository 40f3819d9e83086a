"""`webhook setup issuer` against moto's S3 (signature checking on): the discovery document and JWKS uploaded with
the bytes `webhook oidc discovery`/`jwks` print, application/json, publicly readable through one bucket-policy statement
on exactly those objects (also with ACLs disabled); other statements kept; a second run changes nothing; Block Public
Access named; the fetch-back over HTTPS from the issuer URL."""
import http.server
import json
import ssl
import subprocess
import threading

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from helpers.loopback_endpoint import QuietHandler
from helpers.setup_env import ISSUER, admin, aws_env, run

KEYS = ("id/C1/.well-known/openid-configuration", "id/C1/openid/v1/jwks")
OURS = {"Sid": "PodIdentityWebhookIssuerRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": [f"arn:aws:s3:::irsa-c1/{key}" for key in KEYS]}
FOREIGN = {"Sid": "TeamReadsLogs", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
           "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::irsa-c1/logs/*", "arn:aws:s3:::irsa-c1"]}


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


def statements(s3):
    """The bucket policy read back: moto with signature checking on answers an unsigned GET with HTTP 500 (no
    Authorization header), so what anonymous readers get is asserted through the policy AWS would evaluate."""
    return json.loads(s3.get_bucket_policy(Bucket="irsa-c1")["Policy"])["Statement"]


def existing_bucket(moto, **options):
    s3 = admin(moto, "s3")
    s3.create_bucket(Bucket="irsa-c1", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}, **options)
    return s3


def test_issuer_documents_are_uploaded_publicly_readable_then_left_alone(webhook_bin, moto, tmp_path, public_key):
    env = aws_env(moto, tmp_path)
    first = issuer(webhook_bin, env, public_key)
    assert first.returncode == 0, first.stderr
    assert "CreateBucket: irsa-c1 in us-west-2" in first.stdout
    s3 = admin(moto, "s3")
    assert s3.get_public_access_block(Bucket="irsa-c1")["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}
    expected = {KEYS[0]: printed(webhook_bin, "discovery", "--issuer", ISSUER, "--public-key", public_key),
                KEYS[1]: printed(webhook_bin, "jwks", "--public-key", public_key)}
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket="irsa-c1")["Contents"]) == sorted(KEYS)
    for key, body in expected.items():
        stored = s3.get_object(Bucket="irsa-c1", Key=key)
        assert stored["Body"].read() == body and stored["ContentType"] == "application/json"
    assert statements(s3) == [OURS]
    assert "skipped: fetching https://oidc.example.com/id/C1/.well-known/openid-configuration back" in first.stdout
    second = issuer(webhook_bin, env, public_key)
    assert second.returncode == 0, second.stderr
    assert "PutObject" not in second.stdout and "CreateBucket" not in second.stdout and "PutBucketPolicy" not in second.stdout
    assert second.stdout.count("unchanged: s3://irsa-c1/") == 2, second.stdout
    assert "unchanged: bucket irsa-c1 policy already has statement PodIdentityWebhookIssuerRead" in second.stdout
    assert statements(s3) == [OURS]


def test_bucket_with_acls_disabled_is_made_readable_by_its_policy(webhook_bin, moto, tmp_path, public_key):
    s3 = existing_bucket(moto, ObjectOwnership="BucketOwnerEnforced")
    result = issuer(webhook_bin, aws_env(moto, tmp_path), public_key)
    assert result.returncode == 0, result.stderr
    assert "PutBucketPolicy: irsa-c1 statement PodIdentityWebhookIssuerRead" in result.stdout, result.stdout
    assert statements(s3) == [OURS]


def test_foreign_policy_statement_is_kept(webhook_bin, moto, tmp_path, public_key):
    s3 = existing_bucket(moto)
    s3.put_bucket_policy(Bucket="irsa-c1", Policy=json.dumps({"Version": "2012-10-17", "Statement": [FOREIGN]}))
    result = issuer(webhook_bin, aws_env(moto, tmp_path), public_key)
    assert result.returncode == 0, result.stderr
    assert statements(s3) == [FOREIGN, OURS]


def test_outdated_own_statement_is_replaced_in_place(webhook_bin, moto, tmp_path, public_key):
    s3 = existing_bucket(moto)
    outdated = dict(OURS, Resource="arn:aws:s3:::irsa-c1/old/openid/v1/jwks")
    s3.put_bucket_policy(Bucket="irsa-c1", Policy=json.dumps({"Version": "2012-10-17", "Statement": [outdated, FOREIGN]}))
    result = issuer(webhook_bin, aws_env(moto, tmp_path), public_key)
    assert result.returncode == 0, result.stderr
    assert statements(s3) == [OURS, FOREIGN]


def test_dry_run_prints_the_bucket_policy(webhook_bin, moto, tmp_path, public_key):
    s3 = existing_bucket(moto)
    result = issuer(webhook_bin, aws_env(moto, tmp_path), public_key, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "would call S3 PutBucketPolicy: irsa-c1\n" in result.stdout and '"Sid": "PodIdentityWebhookIssuerRead"' in result.stdout
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchBucketPolicy"):
        s3.get_bucket_policy(Bucket="irsa-c1")


def test_dry_run_creates_no_bucket(webhook_bin, moto, tmp_path, public_key):
    result = issuer(webhook_bin, aws_env(moto, tmp_path), public_key, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "would call S3 PutPublicAccessBlock: irsa-c1 BlockPublicPolicy=false" in result.stdout
    assert "would call S3 CreateBucket: irsa-c1" in result.stdout and '"jwks_uri": "https://oidc.example.com/id/C1/openid/v1/jwks"' in result.stdout
    assert admin(moto, "s3").list_buckets()["Buckets"] == []


def test_block_public_policy_is_named_with_what_to_change(webhook_bin, moto, tmp_path, public_key):
    s3 = existing_bucket(moto)
    s3.put_public_access_block(Bucket="irsa-c1", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": False})
    result = issuer(webhook_bin, aws_env(moto, tmp_path), public_key)
    assert result.returncode != 0
    assert "bucket irsa-c1: Block Public Access has BlockPublicPolicy on" in result.stderr, result.stderr
    assert "turn BlockPublicPolicy off for this bucket" in result.stderr
    assert "KeyCount" in s3.list_objects_v2(Bucket="irsa-c1") and s3.list_objects_v2(Bucket="irsa-c1")["KeyCount"] == 0


@pytest.fixture()
def issuer_site(moto, certs):
    """An HTTPS server on 127.0.0.1 in front of the bucket (as CloudFront or S3's website endpoint would be);
    `stale` makes it serve other bytes."""
    s3 = admin(moto, "s3")

    class Site(QuietHandler):
        stale = False

        def do_GET(self):
            try:
                body = s3.get_object(Bucket="irsa-c1", Key=self.path.lstrip("/"))["Body"].read()
            except Exception:
                self.send_error(404)
                return
            self.reply(200, b"{}" if Site.stale else body, "application/json")

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
