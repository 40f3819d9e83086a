"""`webhook mutate`: outputs, --explain, standard input and error reporting."""
import base64
import json
import subprocess

SA = """apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: shop
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app
"""
POD = """apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  serviceAccountName: app
  containers:
  - name: web
    image: nginx
    resources: {limits: {cpu: 1000m}}
"""


def run(webhook_bin, args, stdin=None):
    return subprocess.run([webhook_bin, "mutate"] + args, input=stdin, capture_output=True, text=True, timeout=60)


def write(tmp_path, text):
    path = tmp_path / "input.yaml"
    path.write_text(text)
    return str(path)


def test_pod_output_is_the_mutated_pod(webhook_bin, tmp_path):
    proc = run(webhook_bin, ["--aws-default-region", "eu-west-1", write(tmp_path, SA + "---\n" + POD)])
    assert proc.returncode == 0, proc.stderr
    pod = json.loads(proc.stdout)
    env = {e["name"]: e["value"] for e in pod["spec"]["containers"][0]["env"]}
    assert env["AWS_ROLE_ARN"] == "arn:aws:iam::111122223333:role/app"
    assert env["AWS_REGION"] == "eu-west-1"
    assert pod["spec"]["volumes"][0]["name"] == "aws-iam-token"
    assert pod["spec"]["containers"][0]["resources"]["limits"]["cpu"] == "1000m"


def test_patch_output_and_empty_patch_from_stdin(webhook_bin):
    proc = run(webhook_bin, ["-o", "patch", "-"], stdin=SA + "---\n" + POD)
    assert proc.returncode == 0, proc.stderr
    paths = [op["path"] for op in json.loads(proc.stdout)]
    assert paths == ["/spec/volumes", "/spec/containers/0/env", "/spec/containers/0/volumeMounts"]
    no_role = run(webhook_bin, ["-o", "patch", "-"], stdin=POD)
    assert no_role.returncode == 0 and json.loads(no_role.stdout) == []


def test_review_in_review_out_with_explain(webhook_bin, tmp_path):
    review = {"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview",
              "request": {"uid": "abc", "namespace": "shop", "operation": "CREATE",
                          "object": {"spec": {"serviceAccountName": "app", "containers": [{"name": "a"}]}}}}
    proc = run(webhook_bin, ["-o", "review", "--explain", write(tmp_path, SA + "---\n" + json.dumps(review))])
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["apiVersion"] == "admission.k8s.io/v1beta1" and out["response"]["uid"] == "abc"
    patch = json.loads(base64.b64decode(out["response"]["patch"]))
    assert len(patch) == 3
    assert "mode: webIdentity" in proc.stderr and "role: arn:aws:iam::111122223333:role/app" in proc.stderr


def test_container_credentials_config_is_read(webhook_bin, tmp_path):
    config = tmp_path / "cc.json"
    config.write_text(json.dumps({"identities": [{"namespace": "shop", "serviceAccount": "app"}]}))
    proc = run(webhook_bin, ["--watch-container-credentials-config", str(config), write(tmp_path, SA + "---\n" + POD)])
    assert proc.returncode == 0, proc.stderr
    pod = json.loads(proc.stdout)
    assert pod["metadata"]["labels"] == {"eks.amazonaws.com/pod-identity": "enabled"}
    assert 79200 <= pod["spec"]["volumes"][0]["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"] <= 86400


def test_errors_name_the_document_and_print_nothing(webhook_bin, tmp_path):
    cases = [
        (POD + "---\n" + POD, "document 2 (Pod shop/web"),
        ("kind: Deployment\nmetadata: {name: d}\n", "document 1 (Deployment d"),
        (SA, "no Pod or AdmissionReview"),
        (SA + "---\n{not json", "document 2 (line 8): invalid JSON: expected a string key in object at line 9"),
        ("kind: Pod\nspec: {containers: 3}\n", "spec.containers: expected an array"),
        ('{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1"}', "has no request"),
    ]
    for text, message in cases:
        proc = run(webhook_bin, [write(tmp_path, text)])
        assert proc.returncode != 0, text
        assert proc.stdout == ""
        assert message in proc.stderr, (message, proc.stderr)


def test_bad_flags_and_missing_files(webhook_bin, tmp_path):
    proc = run(webhook_bin, ["--compose-role-arn", write(tmp_path, POD)])
    assert proc.returncode != 0 and proc.stdout == "" and "--aws-account-id" in proc.stderr
    proc = run(webhook_bin, [str(tmp_path / "missing.yaml")])
    assert proc.returncode != 0 and "missing.yaml" in proc.stderr
    proc = run(webhook_bin, ["--watch-container-credentials-config", str(tmp_path / "nope.json"), write(tmp_path, POD)])
    assert proc.returncode != 0 and "nope.json" in proc.stderr


CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata: {name: pod-identity-webhook, namespace: %s}
data:
  config: '{"shop/app": {"RoleARN": "arn:aws:iam::111122223333:role/from-configmap"}}'
"""
UNANNOTATED_SA = """apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: shop}
"""


def test_serve_args_are_accepted_and_watch_config_map_reads_only_its_namespace(webhook_bin, tmp_path):
    """A Deployment's `serve` args work unchanged; --watch-config-map --namespace picks the ConfigMap the server
    would watch, and one in another namespace is ignored with a warning."""
    serve_args = ["--cert=/etc/webhook/certs/tls.crt", "--port=10443", "--tls-min-version=1.3", "--resync-period=60s",
                  "--service-account-lookup-grace-period=500ms", "--log-format=json", "--watch-config-map"]
    manifest = write(tmp_path, CONFIGMAP % "eks" + "---\n" + UNANNOTATED_SA + "---\n" + POD)
    watched = run(webhook_bin, ["-o", "patch", *serve_args, "--namespace=eks", manifest])
    assert watched.returncode == 0, watched.stderr
    assert "from-configmap" in watched.stdout
    elsewhere = run(webhook_bin, ["-o", "patch", "--explain", *serve_args, "--namespace=kube-system", manifest])
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert json.loads(elsewhere.stdout) == []
    assert "ConfigMap eks/pod-identity-webhook ignored" in elsewhere.stderr


def test_service_accounts_flag_adds_the_servers_manifests(webhook_bin, tmp_path):
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(SA)
    proc = run(webhook_bin, ["-o", "patch", "--service-accounts", str(accounts), write(tmp_path, POD)])
    assert proc.returncode == 0, proc.stderr
    assert "arn:aws:iam::111122223333:role/app" in proc.stdout


def test_explain_names_each_added_decision(webhook_bin, tmp_path):
    sa = SA.replace("    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app\n",
                    "    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app\n"
                    "    eks.amazonaws.com/target-role-arn: arn:aws:iam::444455556666:role/data\n"
                    "    eks.amazonaws.com/region: us-east-2\n")
    proc = run(webhook_bin, ["-o", "patch", "--explain", "--inject-role-session-name", write(tmp_path, sa + "---\n" + POD)])
    assert proc.returncode == 0, proc.stderr
    assert "role chain: arn:aws:iam::111122223333:role/app -> arn:aws:iam::444455556666:role/data" in proc.stderr
    assert "region: us-east-2 (service account annotation eks.amazonaws.com/region)" in proc.stderr
    assert "role session name: the pod's name via fieldRef metadata.name (--inject-role-session-name)" in proc.stderr
