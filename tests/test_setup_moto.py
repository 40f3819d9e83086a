"""`webhook setup oidc-provider` and `webhook setup role` against moto's server with signature checking on;
results read back with boto3 and the aws CLI."""
import json
import subprocess
import sys

from helpers.setup_env import ISSUER, PROVIDER_ARN, THUMBPRINT, admin, aws_env, run


def test_oidc_provider_is_created_once_then_left_alone(webhook_bin, moto, tmp_path):
    env = aws_env(moto, tmp_path)
    first = run(webhook_bin, env, "oidc-provider", "--issuer", ISSUER, "--thumbprint", THUMBPRINT)
    assert first.returncode == 0, first.stderr
    assert "CreateOpenIDConnectProvider" in first.stdout
    provider = admin(moto, "iam").get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN)
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]
    assert provider["ThumbprintList"] == [THUMBPRINT]
    assert {"Key": "managed-by", "Value": "pod-identity-webhook"} in provider["Tags"]
    second = run(webhook_bin, env, "oidc-provider", "--issuer", ISSUER, "--thumbprint", THUMBPRINT)
    assert second.returncode == 0, second.stderr
    assert "\nunchanged: " + PROVIDER_ARN in second.stdout and "Create" not in second.stdout, second.stdout
    assert second.stdout.startswith("caller: arn:aws:iam::123456789012:user/admin (credentials from environment"), second.stdout
    cli = subprocess.run([sys.executable, "-m", "awscli", "iam", "list-open-id-connect-providers", "--endpoint-url", moto.url, "--output", "json"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    assert [p["Arn"] for p in json.loads(cli.stdout)["OpenIDConnectProviderList"]] == [PROVIDER_ARN]


def test_dry_run_writes_nothing(webhook_bin, moto, tmp_path):
    env = aws_env(moto, tmp_path)
    result = run(webhook_bin, env, "role", "--dry-run", "--role-name", "app", "--issuer", ISSUER,
                 "--namespace", "team-a", "--service-account", "app")
    assert result.returncode == 0, result.stderr
    assert "would call IAM CreateRole" in result.stdout and "system:serviceaccount:team-a:app" in result.stdout
    assert admin(moto, "iam").list_roles()["Roles"] == []
    provider = run(webhook_bin, env, "oidc-provider", "--dry-run", "--issuer", ISSUER, "--thumbprint", THUMBPRINT)
    assert provider.returncode == 0 and "would call IAM CreateOpenIDConnectProvider" in provider.stdout
    assert admin(moto, "iam").list_open_id_connect_providers()["OpenIDConnectProviderList"] == []


def test_role_is_created_then_merged_keeping_what_was_there(webhook_bin, moto, tmp_path):
    env = aws_env(moto, tmp_path)
    iam = admin(moto, "iam")
    policy_arn = iam.create_policy(PolicyName="read", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))["Policy"]["Arn"]
    created = run(webhook_bin, env, "role", "--role-name", "app", "--issuer", ISSUER, "--namespace", "team-a",
                  "--service-account", "app", "--policy-arn", policy_arn)
    assert created.returncode == 0, created.stderr
    document = iam.get_role(RoleName="app")["Role"]["AssumeRolePolicyDocument"]
    statement = document["Statement"][0]
    assert statement["Principal"]["Federated"] == PROVIDER_ARN
    assert statement["Condition"]["StringEquals"] == {"oidc.example.com/id/C1:sub": "system:serviceaccount:team-a:app",
                                                      "oidc.example.com/id/C1:aud": "sts.amazonaws.com"}
    assert [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="app")["AttachedPolicies"]] == [policy_arn]

    # Someone adds a statement of their own; the next subject must keep it.
    document["Statement"].insert(0, {"Sid": "Mine", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                     "Action": "sts:AssumeRole"})
    iam.update_assume_role_policy(RoleName="app", PolicyDocument=json.dumps(document))
    merged = run(webhook_bin, env, "role", "--role-name", "app", "--issuer", ISSUER, "--namespace", "team-b",
                 "--service-account", "app", "--policy-arn", policy_arn)
    assert merged.returncode == 0, merged.stderr
    after = iam.get_role(RoleName="app")["Role"]["AssumeRolePolicyDocument"]
    assert after["Statement"][0]["Sid"] == "Mine"
    assert after["Statement"][1]["Condition"]["StringEquals"]["oidc.example.com/id/C1:sub"] == [
        "system:serviceaccount:team-a:app", "system:serviceaccount:team-b:app"]

    again = run(webhook_bin, env, "role", "--role-name", "app", "--issuer", ISSUER, "--namespace", "team-b",
                "--service-account", "app", "--policy-arn", policy_arn)
    assert again.returncode == 0, again.stderr
    assert "UpdateAssumeRolePolicy" not in again.stdout and "AttachRolePolicy" not in again.stdout
    assert again.stdout.count("unchanged:") == 2, again.stdout


def test_over_the_quota_is_refused_naming_role_and_sizes(webhook_bin, moto, tmp_path):
    env = aws_env(moto, tmp_path)
    result = run(webhook_bin, env, "role", "--role-name", "app", "--issuer", ISSUER, "--namespace", "team-a",
                 "--service-account", "app", "--trust-policy-quota", "100")
    assert result.returncode != 0
    assert "role app" in result.stderr and "over the quota of 100" in result.stderr
    assert admin(moto, "iam").list_roles()["Roles"] == []


def test_a_wrong_secret_is_a_clear_signature_error(webhook_bin, moto, tmp_path):
    result = run(webhook_bin, aws_env(moto, tmp_path, secret="not-the-secret"), "oidc-provider", "--issuer", ISSUER,
                 "--thumbprint", THUMBPRINT)
    assert result.returncode != 0
    assert "SignatureDoesNotMatch" in result.stderr and "sts GetCallerIdentity" in result.stderr, result.stderr
    assert "not-the-secret" not in result.stderr + result.stdout
