"""`webhook oidc ...` and `webhook trust-policy`, checked by independent tools: Python `cryptography`
computes the expected kid, n, e, x, y; PyJWT and joserfc verify tokens shaped like kube-apiserver's
projected ServiceAccount tokens against the JWKS the binary printed; `openssl x509` gives the thumbprint."""
import base64
import datetime
import hashlib
import json
import subprocess
import time

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID
from joserfc import jwt as jose_jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

ISSUER = "https://oidc.example.test/cluster-1"
SUBJECT = "system:serviceaccount:kubeflow-alice:default-editor"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_int(value: int, width: int = 0) -> str:
    length = max(width, (value.bit_length() + 7) // 8)
    return b64url(value.to_bytes(length, "big"))


def expected_kid(public_key) -> str:
    """kube-apiserver's keyIDFromPublicKey: base64url(SHA-256(DER SubjectPublicKeyInfo)), unpadded."""
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return b64url(hashlib.sha256(der).digest())


def run(webhook_bin, *args):
    return subprocess.run([webhook_bin, *args], capture_output=True, text=True, timeout=30)


def run_json(webhook_bin, *args):
    result = run(webhook_bin, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def write_pem(path, key, private=False, public_format=serialization.PublicFormat.SubjectPublicKeyInfo,
              private_format=serialization.PrivateFormat.PKCS8):
    if private:
        data = key.private_bytes(serialization.Encoding.PEM, private_format, serialization.NoEncryption())
    else:
        data = key.public_key().public_bytes(serialization.Encoding.PEM, public_format)
    path.write_bytes(data)
    return str(path)


def projected_token_claims(**overrides):
    now = int(time.time())
    claims = {
        "aud": ["sts.amazonaws.com"], "exp": now + 3600, "iat": now, "nbf": now, "iss": ISSUER, "sub": SUBJECT,
        "kubernetes.io": {"namespace": "kubeflow-alice", "serviceaccount": {"name": "default-editor", "uid": "4b1c"}},
    }
    claims.update(overrides)
    return claims


def tamper(token: str) -> str:
    """Same header and signature, payload naming another ServiceAccount."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "system:serviceaccount:kube-system:admin"
    forged = b64url(json.dumps(claims, separators=(",", ":")).encode())
    return ".".join([header, forged, signature])


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


# --- jwks ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["pkix", "pkcs1", "pkcs8-private", "traditional-private"])
def test_rsa_jwk_matches_cryptography(webhook_bin, tmp_path, rsa_key, form):
    if form == "pkix":
        path = write_pem(tmp_path / "k.pem", rsa_key)
    elif form == "pkcs1":
        path = write_pem(tmp_path / "k.pem", rsa_key, public_format=serialization.PublicFormat.PKCS1)
    elif form == "pkcs8-private":
        path = write_pem(tmp_path / "k.pem", rsa_key, private=True)
    else:
        path = write_pem(tmp_path / "k.pem", rsa_key, private=True,
                         private_format=serialization.PrivateFormat.TraditionalOpenSSL)
    jwks = run_json(webhook_bin, "oidc", "jwks", "--public-key", path)
    numbers = rsa_key.public_key().public_numbers()
    assert jwks == {"keys": [{
        "use": "sig", "kty": "RSA", "kid": expected_kid(rsa_key.public_key()), "alg": "RS256",
        "n": b64url_int(numbers.n), "e": b64url_int(numbers.e),
    }]}
    assert list(jwks["keys"][0]) == ["use", "kty", "kid", "alg", "n", "e"]  # go-jose / kube-apiserver order


@pytest.mark.parametrize("private", [False, True])
def test_ec_p256_jwk_matches_cryptography(webhook_bin, tmp_path, private):
    # Try several keys: about 1 in 128 P-256 coordinates has a leading zero byte that must be kept.
    for index in range(8):
        key = ec.generate_private_key(ec.SECP256R1())
        path = write_pem(tmp_path / ("ec%d.pem" % index), key, private=private,
                         private_format=serialization.PrivateFormat.TraditionalOpenSSL)
        numbers = key.public_key().public_numbers()
        jwks = run_json(webhook_bin, "oidc", "jwks", "--public-key", path)
        assert jwks == {"keys": [{
            "use": "sig", "kty": "EC", "kid": expected_kid(key.public_key()), "crv": "P-256", "alg": "ES256",
            "x": b64url_int(numbers.x, 32), "y": b64url_int(numbers.y, 32),
        }]}


def test_rotation_several_keys_and_empty_kid_copies(webhook_bin, tmp_path, rsa_key, ec_key):
    old = write_pem(tmp_path / "old.pem", rsa_key)
    new = write_pem(tmp_path / "new.pem", ec_key)
    jwks = run_json(webhook_bin, "oidc", "jwks", "--public-key", old, "--public-key", new, "--include-empty-kid=true")
    kids = [key["kid"] for key in jwks["keys"]]
    assert kids == [expected_kid(rsa_key.public_key()), expected_kid(ec_key.public_key()), "", ""]
    assert jwks["keys"][2]["n"] == jwks["keys"][0]["n"] and jwks["keys"][3]["x"] == jwks["keys"][1]["x"]
    # Go-style false keeps them out.
    plain = run_json(webhook_bin, "oidc", "jwks", "--public-key", old, "--include-empty-kid=false")
    assert [key["kid"] for key in plain["keys"]] == [expected_kid(rsa_key.public_key())]


def test_pyjwt_verifies_rs256_projected_token_and_rejects_tampered(webhook_bin, tmp_path, rsa_key):
    jwks = run_json(webhook_bin, "oidc", "jwks", "--public-key", write_pem(tmp_path / "sa.pub", rsa_key))
    kid = expected_kid(rsa_key.public_key())
    token = jwt.encode(projected_token_claims(), rsa_key, algorithm="RS256", headers={"kid": kid})

    signing_key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, signing_key.key, algorithms=[signing_key.algorithm_name],
                        audience="sts.amazonaws.com", issuer=ISSUER)
    assert claims["sub"] == SUBJECT

    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(tamper(token), signing_key.key, algorithms=["RS256"], audience="sts.amazonaws.com", issuer=ISSUER)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(projected_token_claims(), other, algorithm="RS256", headers={"kid": kid})
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, signing_key.key, algorithms=["RS256"], audience="sts.amazonaws.com", issuer=ISSUER)


def test_joserfc_verifies_es256_token_and_rejects_tampered(webhook_bin, tmp_path, ec_key, rsa_key):
    jwks = run_json(webhook_bin, "oidc", "jwks", "--public-key", write_pem(tmp_path / "ec.pub", ec_key),
                    "--public-key", write_pem(tmp_path / "rsa.pub", rsa_key))
    key_set = KeySet.import_key_set(jwks)
    kid = expected_kid(ec_key.public_key())
    token = jwt.encode(projected_token_claims(), ec_key, algorithm="ES256", headers={"kid": kid})

    decoded = jose_jwt.decode(token, key_set, algorithms=["ES256"])
    assert decoded.header["kid"] == kid
    assert decoded.claims["sub"] == SUBJECT and decoded.claims["iss"] == ISSUER
    with pytest.raises(BadSignatureError):
        jose_jwt.decode(tamper(token), key_set, algorithms=["ES256"])


def test_kidless_token_verifies_against_empty_kid_copy(webhook_bin, tmp_path, rsa_key):
    """Tokens issued before kube-apiserver set `kid` carry none; the published empty-kid copy verifies them."""
    jwks = run_json(webhook_bin, "oidc", "jwks", "--public-key", write_pem(tmp_path / "sa.pub", rsa_key),
                    "--include-empty-kid")
    token = jwt.encode(projected_token_claims(), rsa_key, algorithm="RS256")
    assert "kid" not in jwt.get_unverified_header(token)
    kidless = [entry for entry in jwks["keys"] if entry["kid"] == ""]
    assert len(kidless) == 1
    key = jwt.PyJWK.from_dict(kidless[0]).key
    assert jwt.decode(token, key, algorithms=["RS256"], audience="sts.amazonaws.com")["sub"] == SUBJECT


def test_duplicate_keys_are_published_once(webhook_bin, tmp_path, rsa_key):
    public = write_pem(tmp_path / "sa.pub", rsa_key)
    private = write_pem(tmp_path / "sa.key", rsa_key, private=True)
    jwks = run_json(webhook_bin, "oidc", "jwks", "--public-key", public, "--public-key", private)
    assert len(jwks["keys"]) == 1


def test_several_keys_in_one_file(webhook_bin, tmp_path, rsa_key, ec_key):
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(b"".join(k.public_key().public_bytes(serialization.Encoding.PEM,
                                                              serialization.PublicFormat.SubjectPublicKeyInfo)
                                for k in (rsa_key, ec_key)))
    jwks = run_json(webhook_bin, "oidc", "jwks", "--public-key", str(bundle))
    assert [k["kid"] for k in jwks["keys"]] == [expected_kid(rsa_key.public_key()), expected_kid(ec_key.public_key())]


@pytest.mark.parametrize("content, message", [
    (b"hello, not a key\n", "not PEM"),
    (b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "is not a valid key"),
    ("p384", "unsupported EC curve secp384r1"),
    ("ed25519", "unsupported key type ED25519"),
    ("encrypted", "encrypted"),
    ("certificate", "unsupported PEM block 'CERTIFICATE'"),
])
def test_bad_key_files_fail_clearly(webhook_bin, tmp_path, content, message):
    path = tmp_path / "bad.pem"
    if content == "p384":
        write_pem(path, ec.generate_private_key(ec.SECP384R1()))
    elif content == "ed25519":
        write_pem(path, ed25519.Ed25519PrivateKey.generate())
    elif content == "encrypted":
        key = ec.generate_private_key(ec.SECP256R1())
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.BestAvailableEncryption(b"secret")))
    elif content == "certificate":
        path.write_bytes(self_signed_certificate("not-a-key").public_bytes(serialization.Encoding.PEM))
    else:
        path.write_bytes(content)
    result = run(webhook_bin, "oidc", "jwks", "--public-key", str(path))
    assert result.returncode != 0
    assert result.stdout == ""
    assert str(path) in result.stderr and message in result.stderr


def test_missing_key_file_and_missing_flag(webhook_bin, tmp_path):
    missing = str(tmp_path / "absent.pem")
    result = run(webhook_bin, "oidc", "jwks", "--public-key", missing)
    assert result.returncode != 0 and result.stdout == ""
    assert missing in result.stderr and "No such file" in result.stderr
    result = run(webhook_bin, "oidc", "jwks")
    assert result.returncode != 0 and "--public-key" in result.stderr


# --- discovery ----------------------------------------------------------------------------------------

def test_discovery_document_defaults(webhook_bin):
    document = run_json(webhook_bin, "oidc", "discovery", "--issuer", ISSUER)
    assert document == {
        "issuer": ISSUER,
        "jwks_uri": ISSUER + "/openid/v1/jwks",
        "authorization_endpoint": "urn:kubernetes:programmatic_authorization",
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss"],
    }


def test_discovery_algorithms_come_from_the_keys(webhook_bin, tmp_path, rsa_key, ec_key):
    ec_only = run_json(webhook_bin, "oidc", "discovery", "--issuer", ISSUER, "--jwks-uri", ISSUER + "/keys.json",
                       "--public-key", write_pem(tmp_path / "ec.pub", ec_key))
    assert ec_only["jwks_uri"] == ISSUER + "/keys.json"
    assert ec_only["id_token_signing_alg_values_supported"] == ["ES256"]
    both = run_json(webhook_bin, "oidc", "discovery", "--issuer", ISSUER,
                    "--public-key", write_pem(tmp_path / "rsa.pub", rsa_key),
                    "--public-key", str(tmp_path / "ec.pub"))
    assert both["id_token_signing_alg_values_supported"] == ["ES256", "RS256"]


@pytest.mark.parametrize("args, message", [
    (["--issuer", "http://oidc.example.test"], "must start with https://"),
    (["--issuer", "https://oidc.example.test/"], "trailing '/'"),
    (["--issuer", "https://oidc.example.test?x=1"], "no query or fragment"),
    (["--issuer", ISSUER, "--jwks-uri", "ftp://oidc.example.test/keys"], "--jwks-uri"),
])
def test_discovery_rejects_bad_urls(webhook_bin, args, message):
    result = run(webhook_bin, "oidc", "discovery", *args)
    assert result.returncode != 0 and result.stdout == ""
    assert message in result.stderr


# --- thumbprint ---------------------------------------------------------------------------------------

def self_signed_certificate(name, key=None, issuer_name=None, issuer_key=None):
    key = key or ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = time.time()
    builder = (x509.CertificateBuilder()
               .subject_name(subject).issuer_name(issuer_name or subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(datetime.datetime.fromtimestamp(now - 60, datetime.timezone.utc))
               .not_valid_after(datetime.datetime.fromtimestamp(now + 86400, datetime.timezone.utc)))
    return builder.sign(issuer_key or key, hashes.SHA256())


def openssl_sha1_fingerprint(path):
    out = subprocess.run(["openssl", "x509", "-in", str(path), "-noout", "-fingerprint", "-sha1"],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().split("=", 1)[1].replace(":", "").lower()


def test_thumbprint_matches_openssl(webhook_bin, tmp_path):
    path = tmp_path / "root.pem"
    path.write_bytes(self_signed_certificate("oidc-root").public_bytes(serialization.Encoding.PEM))
    result = run(webhook_bin, "oidc", "thumbprint", "--cert", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == openssl_sha1_fingerprint(path) + "\n"


def test_thumbprint_of_a_chain_is_the_top_certificate(webhook_bin, tmp_path):
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = self_signed_certificate("oidc-root", key=root_key)
    leaf = self_signed_certificate("oidc.example.test", issuer_name=root.subject, issuer_key=root_key)
    (tmp_path / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    chain = tmp_path / "chain.pem"
    chain.write_bytes(leaf.public_bytes(serialization.Encoding.PEM) + root.public_bytes(serialization.Encoding.PEM))
    result = run(webhook_bin, "oidc", "thumbprint", "--cert", str(chain))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == openssl_sha1_fingerprint(tmp_path / "root.pem")
    assert "oidc-root" in result.stderr  # says which certificate it used


def test_thumbprint_rejects_non_certificates(webhook_bin, tmp_path, rsa_key):
    path = write_pem(tmp_path / "key.pem", rsa_key)
    result = run(webhook_bin, "oidc", "thumbprint", "--cert", path)
    assert result.returncode != 0 and result.stdout == ""
    assert path in result.stderr and "CERTIFICATE" in result.stderr


# --- trust-policy -------------------------------------------------------------------------------------

def test_trust_policy_for_one_service_account(webhook_bin):
    policy = run_json(webhook_bin, "trust-policy", "--issuer", ISSUER, "--account-id", "123456789012",
                      "--namespace", "kubeflow-alice", "--service-account", "default-editor")
    provider = "oidc.example.test/cluster-1"
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/" + provider},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {provider + ":sub": SUBJECT, provider + ":aud": "sts.amazonaws.com"}},
        }],
    }


def test_trust_policy_for_a_namespace_with_partition_and_audience(webhook_bin):
    policy = run_json(webhook_bin, "trust-policy", "--issuer", ISSUER, "--account-id", "123456789012",
                      "--namespace", "team-a", "--all-service-accounts", "--audience", "sts.amazonaws.com.cn",
                      "--partition", "aws-cn")
    provider = "oidc.example.test/cluster-1"
    statement = policy["Statement"][0]
    assert statement["Principal"]["Federated"] == "arn:aws-cn:iam::123456789012:oidc-provider/" + provider
    assert statement["Condition"] == {
        "StringLike": {provider + ":sub": "system:serviceaccount:team-a:*"},
        "StringEquals": {provider + ":aud": "sts.amazonaws.com.cn"},
    }


@pytest.mark.parametrize("override, message", [
    ({"--account-id": "12345678901"}, "--account-id '12345678901': an AWS account ID is exactly 12 digits"),
    ({"--account-id": "1234567890ab"}, "--account-id"),
    ({"--issuer": "http://oidc.example.test"}, "--issuer 'http://oidc.example.test': must start with https://"),
    ({"--namespace": "Kubeflow"}, "--namespace 'Kubeflow'"),
    ({"--service-account": "default_editor"}, "--service-account 'default_editor'"),
    ({"--partition": "gcp"}, "--partition 'gcp'"),
    ({"--audience": ""}, "--audience"),
])
def test_trust_policy_validates_inputs(webhook_bin, override, message):
    options = {"--issuer": ISSUER, "--account-id": "123456789012", "--namespace": "ns", "--service-account": "sa"}
    options.update(override)
    args = [item for pair in options.items() for item in pair]
    result = run(webhook_bin, "trust-policy", *args)
    assert result.returncode != 0 and result.stdout == ""
    assert message in result.stderr


@pytest.mark.parametrize("extra", [[], ["--service-account", "sa", "--all-service-accounts"]])
def test_trust_policy_needs_exactly_one_subject(webhook_bin, extra):
    result = run(webhook_bin, "trust-policy", "--issuer", ISSUER, "--account-id", "123456789012",
                 "--namespace", "ns", *extra)
    assert result.returncode != 0 and result.stdout == ""
    assert "--all-service-accounts" in result.stderr


def test_trust_policy_names_the_provider_arn_iam_creates(webhook_bin, tmp_path):
    """moto's IAM builds the OIDC provider's ARN from the issuer URL (and takes the printed thumbprint); the trust
    policy's Federated principal must be exactly that ARN. (moto does not validate policy grammar, so this checks
    the ARN only; the statement's shape is asserted above.)"""
    import boto3
    from moto import mock_aws

    certificate = tmp_path / "root.pem"
    certificate.write_bytes(self_signed_certificate("oidc-root").public_bytes(serialization.Encoding.PEM))
    thumbprint = run(webhook_bin, "oidc", "thumbprint", "--cert", str(certificate)).stdout.strip()
    policy = run(webhook_bin, "trust-policy", "--issuer", ISSUER, "--account-id", "123456789012",
                 "--namespace", "kubeflow-alice", "--service-account", "default-editor").stdout
    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
        provider_arn = iam.create_open_id_connect_provider(
            Url=ISSUER, ClientIDList=["sts.amazonaws.com"], ThumbprintList=[thumbprint])["OpenIDConnectProviderArn"]
        role = iam.create_role(RoleName="kf-kubeflow-alice", AssumeRolePolicyDocument=policy)["Role"]
    statement = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Principal"]["Federated"] == provider_arn
