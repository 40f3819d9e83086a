"""`webhook setup role --annotate` and `webhook setup kubeflow` annotating ServiceAccounts through the Kubernetes API
(a merge PATCH to a fake API server found through the kubeconfig), with moto (signature checking on) as AWS."""
import pytest

from helpers.fake_kube_api import FakeKubeAPI
from helpers.setup_env import ISSUER, THUMBPRINT, aws_env, run

KEY = "eks.amazonaws.com/role-arn"


def service_account(namespace, name, annotations=None):
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"namespace": namespace, "name": name, "annotations": annotations or {}}}


@pytest.fixture()
def cluster(tmp_path):
    with FakeKubeAPI(writable=True) as api:
        path = tmp_path / "kubeconfig"
        path.write_text(api.kubeconfig())
        api.kubeconfig_path = str(path)
        yield api


def patches(api):
    return [r for r in api.requests if r[0] == "PATCH"]


def role(webhook_bin, moto, tmp_path, cluster, name="app"):
    return run(webhook_bin, aws_env(moto, tmp_path), "role", "--role-name", "app", "--issuer", ISSUER, "--namespace", "team-a",
               "--service-account", name, "--annotate", "--kubeconfig", cluster.kubeconfig_path)


def test_annotate_sets_the_role_arn_by_merge_patch_once(webhook_bin, moto, tmp_path, cluster):
    cluster.put(service_account("team-a", "app", {"keep": "me"}))
    first = role(webhook_bin, moto, tmp_path, cluster)
    assert first.returncode == 0, first.stderr
    path = "/api/v1/namespaces/team-a/serviceaccounts/app"
    assert patches(cluster) == [("PATCH", path, "application/merge-patch+json",
                                 {"metadata": {"annotations": {KEY: "arn:aws:iam::123456789012:role/app"}}})]
    assert cluster.objects[path]["metadata"]["annotations"] == {"keep": "me", KEY: "arn:aws:iam::123456789012:role/app"}
    second = role(webhook_bin, moto, tmp_path, cluster)
    assert second.returncode == 0, second.stderr
    assert "unchanged: ServiceAccount team-a/app already has" in second.stdout and len(patches(cluster)) == 1


def test_annotate_names_a_missing_service_account(webhook_bin, moto, tmp_path, cluster):
    result = role(webhook_bin, moto, tmp_path, cluster, name="nobody")
    assert result.returncode != 0
    assert "ServiceAccount team-a/nobody does not exist" in result.stderr, result.stderr
    assert patches(cluster) == []


def test_kubeflow_annotates_the_service_accounts_that_exist(webhook_bin, moto, tmp_path, cluster):
    for name in ("kf-admin", "alb-ingress-controller", "profiles-controller-service-account", "kf-user"):
        cluster.put(service_account("kubeflow", name))
    result = run(webhook_bin, aws_env(moto, tmp_path), "kubeflow", "--cluster-name", "C1", "--issuer", ISSUER,
                 "--thumbprint", THUMBPRINT, "--kubeconfig", cluster.kubeconfig_path)
    assert result.returncode == 0, result.stderr
    annotations = {path.rsplit("/", 1)[1]: obj["metadata"]["annotations"].get(KEY) for path, obj in cluster.objects.items()}
    assert annotations == {"kf-admin": "arn:aws:iam::123456789012:role/kf-admin-C1",
                           "alb-ingress-controller": "arn:aws:iam::123456789012:role/kf-admin-C1",
                           "profiles-controller-service-account": "arn:aws:iam::123456789012:role/kf-admin-C1",
                           "kf-user": "arn:aws:iam::123456789012:role/kf-user-C1"}
    assert "skipped: ServiceAccount kubeflow/fluentd does not exist" in result.stdout, result.stdout


def test_kubeflow_without_a_cluster_says_so_and_prints_the_commands(webhook_bin, moto, tmp_path):
    result = run(webhook_bin, aws_env(moto, tmp_path), "kubeflow", "--cluster-name", "C1", "--issuer", ISSUER, "--thumbprint", THUMBPRINT)
    assert result.returncode == 0, result.stderr
    assert "skipped: ServiceAccount annotations (no cluster reachable: " in result.stdout, result.stdout
    assert f"kubectl -n kubeflow annotate --overwrite serviceaccount kf-user {KEY}=arn:aws:iam::123456789012:role/kf-user-C1" in result.stdout
