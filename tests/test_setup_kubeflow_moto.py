"""`webhook setup kubeflow` against moto's server with signature checking on: exactly kfctl's provider, roles, trust
policies, tags and inline policies (with the tag value kfctl meant), a second run that changes nothing, and a teardown
that deletes only what it created."""
import json

import pytest

from helpers.setup_env import ISSUER, PROVIDER_ARN, THUMBPRINT, admin, aws_env, run
ADMIN_SUBJECTS = ["system:serviceaccount:kubeflow:" + name
                  for name in ("kf-admin", "alb-ingress-controller", "profiles-controller-service-account", "fluentd")]
ALB_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "elasticloadbalancing:*", "Resource": "*"}]}


@pytest.fixture()
def alb_policy(tmp_path):
    path = tmp_path / "iam_alb_ingress_policy.json"
    path.write_text(json.dumps(ALB_POLICY))
    return str(path)


def kubeflow(webhook_bin, moto, tmp_path, *args):
    return run(webhook_bin, aws_env(moto, tmp_path), "kubeflow", "--cluster-name", "C1", "--issuer", ISSUER,
               "--thumbprint", THUMBPRINT, *args)


def subjects(iam, role):
    statement, = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"]["Federated"] == PROVIDER_ARN
    assert statement["Condition"]["StringEquals"]["oidc.example.com/id/C1:aud"] == "sts.amazonaws.com"
    value = statement["Condition"]["StringEquals"]["oidc.example.com/id/C1:sub"]
    return value if isinstance(value, list) else [value]


def test_kubeflow_leaves_exactly_the_provider_roles_tags_and_policies(webhook_bin, moto, tmp_path, alb_policy):
    first = kubeflow(webhook_bin, moto, tmp_path, "--admin-policy", alb_policy)
    assert first.returncode == 0, first.stderr
    iam = admin(moto, "iam")
    assert [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]] == [PROVIDER_ARN]
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN)
    assert provider["ClientIDList"] == ["sts.amazonaws.com"] and provider["ThumbprintList"] == [THUMBPRINT]
    assert {"Key": "kubeflow/cluster-name", "Value": "C1"} in provider["Tags"]
    assert sorted(r["RoleName"] for r in iam.list_roles()["Roles"]) == ["kf-admin-C1", "kf-user-C1"]
    assert subjects(iam, "kf-admin-C1") == ADMIN_SUBJECTS
    assert subjects(iam, "kf-user-C1") == ["system:serviceaccount:kubeflow:kf-user"]
    for role in ("kf-admin-C1", "kf-user-C1"):
        assert {"Key": "kubeflow/cluster-name", "Value": "C1"} in iam.list_role_tags(RoleName=role)["Tags"]
    assert iam.list_role_policies(RoleName="kf-admin-C1")["PolicyNames"] == ["iam_alb_ingress_policy"]
    assert iam.get_role_policy(RoleName="kf-admin-C1", PolicyName="iam_alb_ingress_policy")["PolicyDocument"] == ALB_POLICY
    assert iam.list_role_policies(RoleName="kf-user-C1")["PolicyNames"] == []
    assert "kubectl -n kubeflow annotate --overwrite serviceaccount fluentd eks.amazonaws.com/role-arn=arn:aws:iam::123456789012:role/kf-admin-C1" in first.stdout


def test_a_second_run_changes_nothing(webhook_bin, moto, tmp_path, alb_policy):
    assert kubeflow(webhook_bin, moto, tmp_path, "--admin-policy", alb_policy).returncode == 0
    second = kubeflow(webhook_bin, moto, tmp_path, "--admin-policy", alb_policy)
    assert second.returncode == 0, second.stderr
    for write in ("Create", "Update", "Put", "Add"):
        assert write not in second.stdout, second.stdout
    assert second.stdout.count("\nunchanged: ") == 4, second.stdout  # provider, two trust policies, one inline policy


def test_dry_run_prints_the_plan_and_writes_nothing(webhook_bin, moto, tmp_path, alb_policy):
    result = kubeflow(webhook_bin, moto, tmp_path, "--dry-run", "--admin-policy", alb_policy)
    assert result.returncode == 0, result.stderr
    for call in ("would call IAM CreateOpenIDConnectProvider", "would call IAM CreateRole: role kf-admin-C1",
                 "would call IAM PutRolePolicy: role kf-admin-C1 inline policy iam_alb_ingress_policy",
                 "would call IAM CreateRole: role kf-user-C1", '"elasticloadbalancing:*"'):
        assert call in result.stdout, result.stdout
    iam = admin(moto, "iam")
    assert iam.list_roles()["Roles"] == [] and iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []


def test_v1_1_names_hold_the_region(webhook_bin, moto, tmp_path):
    result = kubeflow(webhook_bin, moto, tmp_path, "--role-names", "v1.1")
    assert result.returncode == 0, result.stderr
    assert sorted(r["RoleName"] for r in admin(moto, "iam").list_roles()["Roles"]) == ["kf-admin-us-west-2-C1", "kf-user-us-west-2-C1"]


def test_teardown_deletes_what_it_created(webhook_bin, moto, tmp_path, alb_policy):
    assert kubeflow(webhook_bin, moto, tmp_path, "--admin-policy", alb_policy).returncode == 0
    result = kubeflow(webhook_bin, moto, tmp_path, "--teardown")
    assert result.returncode == 0, result.stderr
    assert "DeleteRolePolicy: role kf-admin-C1 inline policy iam_alb_ingress_policy" in result.stdout
    iam = admin(moto, "iam")
    assert iam.list_roles()["Roles"] == [] and iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []
    again = kubeflow(webhook_bin, moto, tmp_path, "--teardown")
    assert again.returncode == 0 and "Delete" not in again.stdout, again.stdout


def test_teardown_keeps_a_provider_and_a_role_it_did_not_create(webhook_bin, moto, tmp_path):
    iam = admin(moto, "iam")
    iam.create_open_id_connect_provider(Url=ISSUER, ClientIDList=["sts.amazonaws.com"], ThumbprintList=[THUMBPRINT])
    theirs = {"Version": "2012-10-17", "Statement": [{"Sid": "Theirs", "Effect": "Allow", "Principal": {"Federated": PROVIDER_ARN},
              "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"oidc.example.com/id/C1:aud": "sts.amazonaws.com"}}}]}
    iam.create_role(RoleName="kf-user-C1", AssumeRolePolicyDocument=json.dumps(theirs))
    assert kubeflow(webhook_bin, moto, tmp_path).returncode == 0
    assert subjects(iam, "kf-user-C1") == ["system:serviceaccount:kubeflow:kf-user"]  # merged into their statement
    result = kubeflow(webhook_bin, moto, tmp_path, "--teardown")
    assert result.returncode == 0, result.stderr
    assert "kept: " + PROVIDER_ARN + " was not created by setup kubeflow" in result.stdout, result.stdout
    assert "kept: role kf-user-C1 was not created by setup kubeflow" in result.stdout, result.stdout
    assert [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]] == [PROVIDER_ARN]
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["kf-user-C1"]
