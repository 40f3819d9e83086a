"""End to end with real AWS SDKs: `webhook mutate` injects a Pod's identity, the test plays kubelet (writes the
projected token where the injected volume mount puts it), then boto3 and the `aws` CLI run with NOTHING but the
injected environment (plus PATH, an empty HOME and the local STS endpoint) and must obtain credentials:
- web identity: AssumeRoleWithWebIdentity against a moto STS server on 127.0.0.1;
- container credentials (EKS Pod Identity): a local credentials endpoint that accepts only the pod's token as its
  Authorization header and hands out credentials that moto issued for the pod's role.
In both cases `sts get-caller-identity` must return the assumed role."""
import datetime
import json
import pathlib
import subprocess
import sys
import time

import boto3
import jwt
import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric import rsa

from helpers.credentials_endpoint import CredentialsEndpoint
from helpers.moto_server import MotoServer

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-west-2"
NAMESPACE = "apps"
ISSUER = "https://oidc.example.test/cluster-1"
VENV_BIN = pathlib.Path(sys.executable).parent
SDK_TIMEOUT = 90  # seconds per SDK run; a broken chain fails well before


@pytest.fixture(scope="module")
def moto_sts(tmp_path_factory):
    """A moto server (STS) on 127.0.0.1, port 0; its URL goes into AWS_ENDPOINT_URL_STS."""
    server = MotoServer(0, tmp_path_factory.mktemp("moto") / "moto.log")
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def projected_token(signing_key, service_account, audience):
    """A token shaped like kube-apiserver's projected ServiceAccount token (moto does not check signatures;
    the container-credentials endpoint compares it byte for byte)."""
    now = int(time.time())
    claims = {"aud": [audience], "exp": now + 3600, "iat": now, "nbf": now, "iss": ISSUER,
              "sub": "system:serviceaccount:%s:%s" % (NAMESPACE, service_account),
              "kubernetes.io": {"namespace": NAMESPACE, "serviceaccount": {"name": service_account, "uid": "e2e"}}}
    return jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": "e2e"})


def manifest(tmp_path, service_account, annotations):
    documents = [
        {"apiVersion": "v1", "kind": "ServiceAccount",
         "metadata": {"name": service_account, "namespace": NAMESPACE, "annotations": annotations}},
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "app", "namespace": NAMESPACE},
         "spec": {"serviceAccountName": service_account,
                  "containers": [{"name": "app", "image": "public.ecr.aws/aws-cli/aws-cli:latest"}]}},
    ]
    path = tmp_path / "manifest.yaml"
    path.write_text(yaml.safe_dump_all(documents))
    return path


def mutate(webhook_bin, manifest_path, *flags):
    result = subprocess.run([webhook_bin, "mutate", "-o", "pod", str(manifest_path), *flags],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, "webhook mutate failed:\n" + result.stderr
    pods = [doc for doc in yaml.safe_load_all(result.stdout) if isinstance(doc, dict) and doc.get("kind", "Pod") == "Pod"]
    assert len(pods) == 1, "expected one Pod on stdout, got:\n" + result.stdout
    return pods[0]


def injected_env(pod):
    container = pod["spec"]["containers"][0]
    return {item["name"]: item["value"] for item in container.get("env", [])}


def kubelet_token_path(pod, volume_name):
    """Where kubelet writes the projected token: the container's mount of `volume_name`, at the projected path.
    Returns the projection and that path (its directory created)."""
    volume = next(v for v in pod["spec"]["volumes"] if v["name"] == volume_name)
    source = volume["projected"]["sources"][0]["serviceAccountToken"]
    mount = next(m for m in pod["spec"]["containers"][0]["volumeMounts"] if m["name"] == volume_name)
    assert mount.get("readOnly") is True
    path = pathlib.Path(mount["mountPath"]) / source["path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    return source, path


def sdk_env(pod_env, tmp_path, sts_url):
    """Only what the webhook injected, plus what any process has (PATH, HOME) and the local STS endpoint."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = dict(pod_env)
    env.update({"PATH": "%s:/usr/bin:/bin" % VENV_BIN, "HOME": str(home), "AWS_ENDPOINT_URL_STS": sts_url})
    return env


BOTO3_SCRIPT = """
import json, boto3
session = boto3.Session()
credentials = session.get_credentials()
identity = session.client("sts").get_caller_identity()
print(json.dumps({"method": credentials.method, "arn": identity["Arn"], "account": identity["Account"]}))
"""


def run_boto3(env):
    result = subprocess.run([sys.executable, "-c", BOTO3_SCRIPT], env=env, capture_output=True, text=True,
                            timeout=SDK_TIMEOUT)
    assert result.returncode == 0, "boto3 failed:\n" + result.stderr
    return json.loads(result.stdout)


def run_aws_cli(env):
    return subprocess.run([str(VENV_BIN / "aws"), "sts", "get-caller-identity", "--output", "json"], env=env,
                          capture_output=True, text=True, timeout=SDK_TIMEOUT)


def assumed_role_prefix(role):
    return "arn:aws:sts::%s:assumed-role/%s/" % (ACCOUNT, role)


# --- web identity (IRSA) ------------------------------------------------------------------------------

def test_web_identity_env_gets_credentials_with_boto3_and_aws_cli(webhook_bin, tmp_path, moto_sts, signing_key):
    role_arn = "arn:aws:iam::%s:role/s3-reader" % ACCOUNT
    mount_path = tmp_path / "kubelet" / "eks.amazonaws.com" / "serviceaccount"
    pod = mutate(webhook_bin, manifest(tmp_path, "s3-reader", {"eks.amazonaws.com/role-arn": role_arn}),
                 "--token-mount-path", str(mount_path), "--aws-default-region", REGION, "--sts-regional-endpoint=true")

    env = injected_env(pod)
    source, token_path = kubelet_token_path(pod, "aws-iam-token")
    assert source["audience"] == "sts.amazonaws.com"
    token_path.write_text(projected_token(signing_key, "s3-reader", source["audience"]))
    assert env["AWS_ROLE_ARN"] == role_arn
    assert env["AWS_WEB_IDENTITY_TOKEN_FILE"] == str(token_path)
    assert env["AWS_REGION"] == REGION and env["AWS_DEFAULT_REGION"] == REGION
    assert env["AWS_STS_REGIONAL_ENDPOINTS"] == "regional"

    identity = run_boto3(sdk_env(env, tmp_path, moto_sts))
    assert identity["method"] == "assume-role-with-web-identity"
    assert identity["arn"].startswith(assumed_role_prefix("s3-reader"))
    assert identity["account"] == ACCOUNT

    cli = run_aws_cli(sdk_env(env, tmp_path, moto_sts))
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["Arn"].startswith(assumed_role_prefix("s3-reader"))


def test_web_identity_without_the_token_file_gets_no_credentials(webhook_bin, tmp_path, moto_sts):
    """The SDK really reads the injected token path: with nothing written there it fails."""
    mount_path = tmp_path / "kubelet" / "eks.amazonaws.com" / "serviceaccount"
    pod = mutate(webhook_bin, manifest(tmp_path, "s3-reader", {"eks.amazonaws.com/role-arn":
                                                               "arn:aws:iam::%s:role/s3-reader" % ACCOUNT}),
                 "--token-mount-path", str(mount_path), "--aws-default-region", REGION)
    cli = run_aws_cli(sdk_env(injected_env(pod), tmp_path, moto_sts))
    assert cli.returncode != 0
    assert "token" in cli.stderr.lower()


# --- container credentials (EKS Pod Identity) ---------------------------------------------------------

@pytest.fixture
def pod_identity_agent(tmp_path, moto_sts):
    """The credentials endpoint, issuing credentials for `pod-identity-role` from moto's STS."""
    role_arn = "arn:aws:iam::%s:role/pod-identity-role" % ACCOUNT
    sts = boto3.client("sts", endpoint_url=moto_sts, region_name=REGION,
                       aws_access_key_id="agent", aws_secret_access_key="agent")

    def issue():
        credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="eks-apps-app")["Credentials"]
        return {"AccessKeyId": credentials["AccessKeyId"], "SecretAccessKey": credentials["SecretAccessKey"],
                "Token": credentials["SessionToken"], "AccountId": ACCOUNT,
                "Expiration": credentials["Expiration"].astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}

    mount_path = tmp_path / "kubelet" / "pods.eks.amazonaws.com" / "serviceaccount"
    endpoint = CredentialsEndpoint(mount_path / "eks-pod-identity-token", issue).start()
    yield endpoint, mount_path
    endpoint.stop()


def mutate_for_pod_identity(webhook_bin, tmp_path, endpoint, mount_path):
    identities = tmp_path / "identities.json"
    identities.write_text(json.dumps({"identities": [{"namespace": NAMESPACE, "serviceAccount": "agent-user"}]}))
    return mutate(webhook_bin, manifest(tmp_path, "agent-user", {}),
                  "--watch-container-credentials-config", str(identities),
                  "--container-credentials-full-uri", endpoint.url,
                  "--container-credentials-token-mount-path", str(mount_path),
                  "--aws-default-region", REGION)


def test_container_credentials_env_gets_credentials_with_boto3_and_aws_cli(webhook_bin, tmp_path, moto_sts,
                                                                         signing_key, pod_identity_agent):
    endpoint, mount_path = pod_identity_agent
    pod = mutate_for_pod_identity(webhook_bin, tmp_path, endpoint, mount_path)
    assert pod["metadata"]["labels"]["eks.amazonaws.com/pod-identity"] == "enabled"

    env = injected_env(pod)
    source, token_path = kubelet_token_path(pod, "eks-pod-identity-token")
    assert source["audience"] == "pods.eks.amazonaws.com"
    token_path.write_text(projected_token(signing_key, "agent-user", source["audience"]))
    assert env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] == endpoint.url
    assert env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] == str(token_path)
    assert "AWS_ROLE_ARN" not in env

    identity = run_boto3(sdk_env(env, tmp_path, moto_sts))
    assert identity["method"] == "container-role"
    assert identity["arn"].startswith(assumed_role_prefix("pod-identity-role"))
    cli = run_aws_cli(sdk_env(env, tmp_path, moto_sts))
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["Arn"].startswith(assumed_role_prefix("pod-identity-role"))
    assert endpoint.authorized_requests() >= 2  # one per SDK process


def test_container_credentials_endpoint_refuses_another_token(webhook_bin, tmp_path, moto_sts, signing_key,
                                                              pod_identity_agent):
    """The endpoint's check is real: an SDK sending anything but the token file's content gets nothing."""
    endpoint, mount_path = pod_identity_agent
    pod = mutate_for_pod_identity(webhook_bin, tmp_path, endpoint, mount_path)
    env = injected_env(pod)
    _, token_path = kubelet_token_path(pod, "eks-pod-identity-token")
    token_path.write_text(projected_token(signing_key, "agent-user", "pods.eks.amazonaws.com"))
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = str(tmp_path / "other-token")
    (tmp_path / "other-token").write_text(projected_token(signing_key, "intruder", "pods.eks.amazonaws.com"))
    cli = run_aws_cli(sdk_env(env, tmp_path, moto_sts))
    assert cli.returncode != 0
    assert endpoint.authorized_requests() == 0 and endpoint.requests


# --- cross-account role chaining (target-role-arn) -----------------------------------------------------

def kubelet_downward_file(pod, volume_name):
    """Where kubelet writes the downwardAPI item of the token's projected volume, and the annotation it projects."""
    volume = next(v for v in pod["spec"]["volumes"] if v["name"] == volume_name)
    [item] = next(s for s in volume["projected"]["sources"] if "downwardAPI" in s)["downwardAPI"]["items"]
    field = item["fieldRef"]["fieldPath"]
    assert field.startswith("metadata.annotations['") and field.endswith("']")
    mount = next(m for m in pod["spec"]["containers"][0]["volumeMounts"] if m["name"] == volume_name)
    return pathlib.Path(mount["mountPath"]) / item["path"], pod["metadata"]["annotations"][field[len("metadata.annotations['"):-2]]


def test_target_role_chain_ends_as_the_target_role_with_boto3(webhook_bin, tmp_path, moto_sts, signing_key):
    """The container gets no web-identity variables, only AWS_CONFIG_FILE/AWS_PROFILE; the config file reaches it
    through the pod annotation projected beside the token; boto3 assumes the web-identity role, then the target."""
    source_role = "arn:aws:iam::%s:role/irsa-source" % ACCOUNT
    target_account = "444455556666"
    target_role = "arn:aws:iam::%s:role/data-reader" % target_account
    mount_path = tmp_path / "kubelet" / "eks.amazonaws.com" / "serviceaccount"
    pod = mutate(webhook_bin, manifest(tmp_path, "chained", {"eks.amazonaws.com/role-arn": source_role,
                                                              "eks.amazonaws.com/target-role-arn": target_role,
                                                              "eks.amazonaws.com/external-id": "tenant-42"}),
                 "--token-mount-path", str(mount_path), "--aws-default-region", REGION)

    env = injected_env(pod)
    assert "AWS_ROLE_ARN" not in env and "AWS_WEB_IDENTITY_TOKEN_FILE" not in env
    assert env["AWS_PROFILE"] == "irsa-target"
    source, token_path = kubelet_token_path(pod, "aws-iam-token")
    token_path.write_text(projected_token(signing_key, "chained", source["audience"]))
    config_path, config = kubelet_downward_file(pod, "aws-iam-token")
    assert env["AWS_CONFIG_FILE"] == str(config_path)
    config_path.write_text(config)
    assert "external_id = tenant-42" in config

    identity = run_boto3(sdk_env(env, tmp_path, moto_sts))
    assert identity["method"] == "assume-role"
    assert identity["arn"].startswith("arn:aws:sts::%s:assumed-role/data-reader/" % target_account), identity
    assert identity["account"] == target_account


def test_target_role_chain_needs_the_projected_config(webhook_bin, tmp_path, moto_sts, signing_key):
    """Without the projected config file the SDK finds no profile: the chain really comes from that file."""
    mount_path = tmp_path / "kubelet" / "eks.amazonaws.com" / "serviceaccount"
    pod = mutate(webhook_bin, manifest(tmp_path, "chained", {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::%s:role/irsa-source" % ACCOUNT,
        "eks.amazonaws.com/target-role-arn": "arn:aws:iam::444455556666:role/data-reader"}),
        "--token-mount-path", str(mount_path))
    source, token_path = kubelet_token_path(pod, "aws-iam-token")
    token_path.write_text(projected_token(signing_key, "chained", source["audience"]))
    result = subprocess.run([sys.executable, "-c", BOTO3_SCRIPT], env=sdk_env(injected_env(pod), tmp_path, moto_sts),
                            capture_output=True, text=True, timeout=SDK_TIMEOUT)
    assert result.returncode != 0
    assert "irsa-target" in result.stderr
