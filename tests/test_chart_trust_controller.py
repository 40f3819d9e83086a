"""The chart with `trustController.enabled`: it renders and validates strictly, the controller gets its own
ServiceAccount (with its role annotation), minimal RBAC, a PDB and 2 replicas selected apart from the webhook's pods,
every value reaches a flag, and the binary accepts the rendered arguments."""
import subprocess

import pytest

from helpers.chart import validate_strictly, CHART, FULLNAME, KUBE_VERSIONS, NAMESPACE, find, render

NAME = FULLNAME + "-trust-controller"
ROLE_ANNOTATION = {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/trust-controller"}
ENABLED = {"trustController": {
    "enabled": True, "issuer": "https://oidc.example.com/id/C1",
    "allowedRoles": ["arn:aws:iam::123456789012:role/kf-{namespace}-*", "arn:aws:iam::123456789012:role/shared"],
    "annotatedServiceAccounts": True, "namespaceSelector": "irsa=managed", "resyncPeriod": "2m",
    "trustPolicyQuota": 4096, "compactNamespacePrefixes": ["kf-user-"], "region": "eu-west-1", "metricsPort": 9100,
    "serviceAccountAnnotations": ROLE_ANNOTATION,
}}


@pytest.fixture(scope="module")
def objects(helm):
    return render(helm, ENABLED)


def of(objects, kind):
    return find([o for o in objects if o["metadata"]["name"] == NAME], kind)


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
def test_renders_and_validates_strictly(helm, tmp_path, kube_version):
    objects = render(helm, ENABLED, kube_version)
    core, result = validate_strictly(objects, kube_version, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_off_by_default(helm):
    assert not [o for o in render(helm, {}) if o["metadata"]["name"] == NAME]


def test_two_replicas_with_a_pdb_selected_apart_from_the_webhook(objects):
    deployment = of(objects, "Deployment")
    assert deployment["spec"]["replicas"] == 2
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert of(objects, "PodDisruptionBudget")["spec"]["selector"]["matchLabels"] == selector
    webhook = find(objects, "Deployment", FULLNAME)["spec"]["selector"]["matchLabels"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert not all(pod_labels.get(k) == v for k, v in webhook.items()), "the webhook's selector would pick controller pods"


def test_own_service_account_with_the_role_annotation(objects):
    assert of(objects, "ServiceAccount")["metadata"]["annotations"] == ROLE_ANNOTATION
    assert of(objects, "Deployment")["spec"]["template"]["spec"]["serviceAccountName"] == NAME


def test_minimal_rbac(objects):
    rules = {(tuple(r["apiGroups"]), tuple(r["resources"])): sorted(r["verbs"]) for r in of(objects, "ClusterRole")["rules"]}
    assert rules == {(("",), ("serviceaccounts",)): ["get", "list", "patch", "watch"],
                     (("",), ("namespaces",)): ["get", "list", "watch"],
                     (("kubeflow.org",), ("profiles",)): ["get", "list", "watch"],
                     (("events.k8s.io",), ("events",)): ["create"]}
    role = of(objects, "Role")
    assert role["metadata"]["namespace"] == NAMESPACE
    assert all(r["apiGroups"] == ["coordination.k8s.io"] and r["resources"] == ["leases"] for r in role["rules"])


def test_every_value_reaches_a_flag_and_the_binary_accepts_them(objects, webhook_bin):
    container = of(objects, "Deployment")["spec"]["template"]["spec"]["containers"][0]
    args = container["args"]
    assert args == [
        "trust-controller", "--issuer=https://oidc.example.com/id/C1",
        "--allowed-roles=arn:aws:iam::123456789012:role/kf-{namespace}-*",
        "--allowed-roles=arn:aws:iam::123456789012:role/shared",
        "--kubeflow-profiles", "--annotated-service-accounts", "--namespace-selector=irsa=managed",
        "--resync-period=2m", "--trust-policy-quota=4096", "--compact-namespace-prefix=kf-user-", "--region=eu-west-1",
        "--namespace=%s" % NAMESPACE, "--metrics-port=9100", "--annotation-prefix=eks.amazonaws.com",
        "--log-level=info", "--log-format=json",
    ]
    assert container["env"][0]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
    result = subprocess.run([webhook_bin, *args, "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    parsed = subprocess.run([webhook_bin, *args, "--dry-run"], capture_output=True, text=True, timeout=30)
    assert "--dry-run is for the setup commands" in parsed.stderr, parsed.stderr  # every other flag parsed


@pytest.mark.parametrize("values, message", [
    ({"trustController": {"enabled": True, "allowedRoles": ["arn:aws:iam::1:role/x"]}}, "trustController.issuer is required"),
    ({"trustController": {"enabled": True, "issuer": "https://o"}}, "trustController.allowedRoles is required"),
    ({"trustController": {"enabled": True, "issuer": "https://o", "allowedRoles": ["role/x"]}}, "allowedRoles/0"),
], ids=["no issuer", "no allowed roles", "pattern not an ARN"])
def test_bad_values_are_refused(helm, values, message):
    result = helm("template", "rel", str(CHART), "--namespace", NAMESPACE, values=values, check=False)
    assert result.returncode != 0 and message in result.stderr, result.stderr
