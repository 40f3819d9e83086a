"""SigV4: the project's signer (through the hidden `webhook aws-sign` diagnostic) against botocore's
SigV4Auth / S3SigV4Auth, AWS's own implementation, for many generated requests at a fixed time."""
import base64
import datetime
import json
import random
import subprocess
from urllib.parse import quote

import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

FIXED = datetime.datetime(2026, 12, 1, 12, 34, 56)
EPOCH = int(FIXED.replace(tzinfo=datetime.timezone.utc).timestamp())
SEGMENTS = ["a", "with space", "ünïcødé", "100%", "a+b", "x=y&z", "tilde~dash-_.", "*star*", "semi;colon", "", "日本"]
QUERY_KEYS = ["Action", "a", "a", "empty", "", "space key", "plus+", "ü", "Version"]
QUERY_VALUES = ["", "1", "two words", "a+b", "100%", "é", "x=y", "/slash/"]
LARGE_BODY = random.Random(1).randbytes(256 * 1024)


def generate(count=400, seed=13):
    rng = random.Random(seed)
    cases = []
    for i in range(count):
        s3 = i % 3 == 0
        service = "s3" if s3 else rng.choice(["iam", "sts", "service"])
        segments = [rng.choice(SEGMENTS) for _ in range(rng.randint(0, 4))]
        raw_path = "/" + "/".join(segments)
        if not s3 and rng.random() < 0.3:
            raw_path = "//" + raw_path.lstrip("/") + "/./x/../"
        path = quote(raw_path, safe="/-_.~")
        query = [(rng.choice(QUERY_KEYS), rng.choice(QUERY_VALUES)) for _ in range(rng.randint(0, 4))]
        headers = []
        for name, value in rng.sample([("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                                       ("X-Amz-Meta-Note", "  inner   spaces\tand tab  "),
                                       ("x-custom", "a,b"), ("User-Agent", "not signed"),
                                       ("X-Amz-Target", "Service.Operation")], rng.randint(0, 3)):
            headers.append((name, value))
        body = rng.choice([b"", b"Action=GetRole&RoleName=r", "ünïcødé body".encode(), LARGE_BODY])
        token = rng.choice([None, "FQoGZXIvYXdzEXAMPLE//token+with/slashes="])
        scheme = rng.choice(["https", "http"])
        host = rng.choice(["example.amazonaws.com", "127.0.0.1:5000", "bucket.s3.us-west-2.amazonaws.com"])
        cases.append(dict(method=rng.choice(["GET", "POST", "PUT", "DELETE", "HEAD"]), scheme=scheme, host=host, path=path,
                          query=query, headers=headers, body=body, service=service,
                          region=rng.choice(["us-east-1", "eu-west-1", "cn-north-1"]), token=token))
    return cases


def botocore_sign(case):
    credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", case["token"])
    url = f'{case["scheme"]}://{case["host"]}{case["path"]}'
    if case["query"]:
        url += "?" + "&".join(f'{quote(k, safe="-_.~")}={quote(v, safe="-_.~")}' for k, v in case["query"])
    request = AWSRequest(method=case["method"], url=url, data=case["body"], headers=dict(case["headers"]))
    auth_class = S3SigV4Auth if case["service"] == "s3" else SigV4Auth
    auth_class(credentials, case["service"], case["region"]).add_auth(request)
    return url, request.headers


@pytest.fixture(scope="module")
def signed_by_webhook(webhook_bin):
    cases = generate()
    payload = [dict(method=c["method"], host=c["host"].removesuffix(":443") if c["scheme"] == "https" else c["host"],
                    path=c["path"], query=[list(p) for p in c["query"]], headers=[list(h) for h in c["headers"]],
                    body=base64.b64encode(c["body"]).decode(), service=c["service"], region=c["region"],
                    access_key_id="AKIDEXAMPLE", secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                    session_token=c["token"], time=EPOCH) for c in cases]
    result = subprocess.run([webhook_bin, "aws-sign"], input=json.dumps(payload).encode(), capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    return cases, json.loads(result.stdout)


def test_authorization_equals_botocores_for_every_generated_request(signed_by_webhook, monkeypatch):
    monkeypatch.setattr("botocore.auth.get_current_datetime", lambda: FIXED)
    cases, outputs = signed_by_webhook
    assert len(outputs) == len(cases) == 400
    kinds = {(c["service"] == "s3", bool(c["query"]), bool(c["token"]), len(c["body"]) > 1000) for c in cases}
    assert len(kinds) == 16, "the generator covers every combination of S3, query, token and large body"
    for index, (case, output) in enumerate(zip(cases, outputs)):
        url, expected = botocore_sign(case)
        ours = {name.lower(): value for name, value in output["headers"]}
        context = f"case {index}: {case['method']} {url} ({case['service']}, token={bool(case['token'])}, {len(case['body'])} bytes)"
        assert ours["authorization"] == expected["Authorization"], context
        assert ours["x-amz-date"] == expected["X-Amz-Date"], context
        if case["service"] == "s3":
            assert ours["x-amz-content-sha256"] == expected["X-Amz-Content-SHA256"], context
        else:
            assert "x-amz-content-sha256" not in ours, context
        if case["token"]:
            assert ours["x-amz-security-token"] == case["token"], context
        assert url.endswith(output["target"]), context


def test_a_wrong_secret_gives_another_signature(webhook_bin, monkeypatch):
    monkeypatch.setattr("botocore.auth.get_current_datetime", lambda: FIXED)
    request = dict(method="POST", host="iam.amazonaws.com", path="/", query=[], headers=[], body="",
                   service="iam", region="us-east-1", access_key_id="AKIDEXAMPLE", secret_access_key="wrong", time=EPOCH)
    out = subprocess.run([webhook_bin, "aws-sign"], input=json.dumps([request]).encode(), capture_output=True, timeout=30)
    ours = dict((n.lower(), v) for n, v in json.loads(out.stdout)[0]["headers"])
    _, expected = botocore_sign(dict(method="POST", scheme="https", host="iam.amazonaws.com", path="/", query=[], headers=[],
                                     body=b"", service="iam", region="us-east-1", token=None))
    assert ours["authorization"] != expected["Authorization"]
