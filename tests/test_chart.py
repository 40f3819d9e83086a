"""The Helm chart in charts/pod-identity-webhook: lint, render every variant, validate the objects against the
Kubernetes 1.30 and 1.35 schemas, assert each deployment requirement on the rendered objects, and check that the
binary's `serve --dry-run` accepts exactly the arguments the chart renders."""
import base64
import json
import pathlib
import re
import subprocess
import sys

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from helpers.chart import validate_strictly, APP_VERSION, CHART, FULLNAME, KUBE_VERSIONS, NAMESPACE, RELEASE, TIMEOUT, container, find, render
from helpers.fake_kube_api import FakeKubeAPI

ROOT = pathlib.Path(__file__).resolve().parent.parent


def ca_pem(certs):
    return (certs / "ca.crt").read_text()


def variants(certs):
    """Every rendered variant the chart supports, by name."""
    return {
        "selfSigned": {},
        "certManager": {"tls": {"mode": "certManager"}},
        "secret": {"tls": {"mode": "secret", "secretName": "my-webhook-tls", "caBundle": ca_pem(certs)}},
        "watchConfigMap": {"watchConfigMap": True},
        "everything": EVERYTHING,
    }


# Every structured value set away from its default, to show each flag is reachable and rendered as given.
EVERYTHING = {
    "watchConfigMap": True,
    "server": {
        "bindAddress": "::", "port": 10443, "metricsPort": 10999, "tlsMinVersion": "1.3",
        "tlsCipherSuites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES256-GCM-SHA384"],
        "shutdownDelaySeconds": 7, "logLevel": "debug", "logFormat": "text", "maxRequestBytes": 1048576,
        "readHeaderTimeout": "5s", "idleTimeout": "90s", "maxConcurrentStreams": 64,
        "enableDebuggingHandlers": True,
    },
    "kubernetes": {"apiServerURL": "https://10.0.0.1:443", "resyncPeriod": "2m",
                   "serviceAccountLookupGracePeriod": "500ms"},
    "mutation": {
        "annotationPrefix": "example.com", "tokenAudience": "example-audience",
        "tokenMountPath": "/var/run/secrets/example/serviceaccount", "tokenExpiration": 3600,
        "awsDefaultRegion": "eu-west-1", "stsRegionalEndpoint": True,
        "composeRoleArn": {"enabled": True, "partition": "aws-cn", "accountId": "123456789012"},
        "injectRoleSessionName": True, "endpointUrl": "https://sts.minio.example:9000", "allowNonAwsAccountId": True,
        "containerCredentials": {
            "configFile": "/etc/webhook/pod-identity/config.json", "audience": "example-pods",
            "tokenMountPath": "/var/run/secrets/example-pods/serviceaccount", "tokenVolumeName": "example-token",
            "tokenPath": "example-token", "fullUri": "http://169.254.170.99/v1/credentials",
        },
    },
    "extraVolumes": [{"name": "pod-identity", "configMap": {"name": "pod-identity-config"}}],
    "extraVolumeMounts": [{"name": "pod-identity", "mountPath": "/etc/webhook/pod-identity", "readOnly": True}],
    "extraArgs": ["--logtostderr", "-v=2"],
    "terminationGracePeriodSeconds": 45,
    "webhook": {"failurePolicy": "Fail", "timeoutSeconds": 5, "excludeNamespaces": ["monitoring"],
                "optInLabel": "eks.amazonaws.com/use-pod-identity-webhook",
                "namespaceSelectorExpressions": [{"key": "team", "operator": "Exists"}],
                "objectSelectorExpressions": [{"key": "app", "operator": "NotIn", "values": ["legacy"]}]},
    "metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "prometheus"}}},
}

# The flag each structured value of EVERYTHING must render (flags.md: every `webhook serve` flag).
EVERYTHING_FLAGS = [
    "--cert=/etc/webhook/certs/tls.crt", "--key=/etc/webhook/certs/tls.key",
    "--bind-address=::", "--port=10443", "--metrics-port=10999", "--tls-min-version=1.3",
    "--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,ECDHE-RSA-AES256-GCM-SHA384",
    "--shutdown-delay=7s", "--log-level=debug", "--log-format=text", "--max-request-bytes=1048576",
    "--read-header-timeout=5s", "--idle-timeout=90s", "--max-concurrent-streams=64",
    "--enable-debugging-handlers",
    "--kube-api=https://10.0.0.1:443", "--resync-period=2m", "--service-account-lookup-grace-period=500ms",
    "--watch-config-map", "--namespace=%s" % NAMESPACE,
    "--annotation-prefix=example.com", "--token-audience=example-audience",
    "--token-mount-path=/var/run/secrets/example/serviceaccount", "--token-expiration=3600",
    "--aws-default-region=eu-west-1", "--sts-regional-endpoint",
    "--compose-role-arn", "--aws-partition=aws-cn", "--aws-account-id=123456789012",
    "--inject-role-session-name", "--endpoint-url=https://sts.minio.example:9000", "--allow-non-aws-account-id",
    "--watch-container-credentials-config=/etc/webhook/pod-identity/config.json",
    "--container-credentials-audience=example-pods",
    "--container-credentials-token-mount-path=/var/run/secrets/example-pods/serviceaccount",
    "--container-credentials-token-volume-name=example-token",
    "--container-credentials-token-path=example-token",
    "--container-credentials-full-uri=http://169.254.170.99/v1/credentials",
]
# `webhook serve` flags with no structured value, and why: they stay reachable through extraArgs.
FLAGS_ONLY_THROUGH_EXTRA_ARGS = {
    "--service-accounts": "development source; excludes the Kubernetes API source",
    "--kubeconfig": "out-of-cluster only; the pod uses its in-cluster ServiceAccount",
    "--in-cluster": "upstream compatibility, default true",
    "--service-name": "upstream compatibility, ignored",
    "--tls-secret": "upstream compatibility, ignored",
    "--logtostderr": "upstream compatibility, ignored",
    "-v": "upstream compatibility, ignored",
    "--dry-run": "a validation tool; the pod would exit",
}


# ---------------------------------------------------------------------------------------------------------
# helm, run in private HELM_* homes


def kinds(objects):
    return sorted(o["kind"] for o in objects)


def args_of(objects):
    return container(objects)["args"]


def webhook_of(objects):
    hooks = find(objects, "MutatingWebhookConfiguration")["webhooks"]
    assert len(hooks) == 1
    return hooks[0]


def duration_seconds(text):
    match = re.fullmatch(r"(\d+)s", text)
    assert match, "expected a whole-second duration, got %r" % text
    return int(match.group(1))


@pytest.fixture(scope="module")
def rendered(helm, certs):
    """name -> rendered objects, for every variant."""
    return {name: render(helm, values) for name, values in variants(certs).items()}


VARIANT_NAMES = ["selfSigned", "certManager", "secret", "watchConfigMap", "everything"]


# ---------------------------------------------------------------------------------------------------------
# lint, schema and validation


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_helm_lint_strict(helm, certs, variant):
    result = helm("lint", "--strict", str(CHART), "--namespace", NAMESPACE, values=variants(certs)[variant])
    assert "0 chart(s) failed" in result.stdout


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_rendered_objects_validate_strictly(helm, certs, tmp_path, variant, kube_version):
    objects = render(helm, variants(certs)[variant], kube_version)
    core, result = validate_strictly(objects, kube_version, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    passed = [line for line in result.stdout.splitlines() if " passed for resource " in line]
    assert len(passed) == len(core), result.stdout + result.stderr


def test_validator_rejects_an_unknown_field(helm, tmp_path):
    """The validation above is real: an unknown field in a rendered Deployment fails it."""
    objects = render(helm, {})
    deployment = find(objects, "Deployment")
    deployment["spec"]["template"]["spec"]["containers"][0]["notAField"] = True
    manifest = tmp_path / "bad.yaml"
    manifest.write_text(yaml.safe_dump(deployment))
    validator = pathlib.Path(sys.executable).with_name("kubernetes-validate")
    result = subprocess.run([str(validator), "--strict", "-k", "1.30.0", str(manifest)],
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode != 0


@pytest.mark.parametrize("values, message", [
    ({"unknownValue": 1}, "unknownValue"),
    ({"server": {"portt": 1}}, "portt"),
    ({"webhook": {"timeoutSeconds": 11}}, "timeoutSeconds"),
    ({"webhook": {"failurePolicy": "Maybe"}}, "failurePolicy"),
    ({"tls": {"mode": "secret"}}, "secretName"),
    ({"tls": {"mode": "secret", "secretName": "x"}}, "caBundle"),
    ({"tls": {"mode": "acme"}}, "mode"),
    ({"mutation": {"tokenExpiration": 599}}, "tokenExpiration"),
    ({"server": {"readHeaderTimeout": "ten seconds"}}, "readHeaderTimeout"),
    ({"terminationGracePeriodSeconds": 15}, "terminationGracePeriodSeconds"),
    ({"mutation": {"composeRoleArn": {"enabled": True}}}, "accountId"),
    ({"webhook": {"excludeKubeSystem": False, "failurePolicy": "Fail"}}, "excludeKubeSystem"),
    ({"server": {"metricsPort": 8443}}, "metricsPort"),
    ({"replicaCount": 1}, "minAvailable"),
    ({"tls": {"mode": "secret", "secretName": "x", "caBundle": "bm90IGEgY2VydGlmaWNhdGU="}}, "caBundle"),
])
def test_bad_values_are_refused_naming_the_value(helm, values, message):
    result = helm("template", RELEASE, str(CHART), "--namespace", NAMESPACE, values=values, check=False)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr


def test_schema_is_strict_everywhere():
    """Every chart-defined object refuses unknown keys; the only open objects are string maps (labels,
    annotations) and Kubernetes types passed through as they are (Kubernetes validates those)."""
    schema = json.loads((CHART / "values.schema.json").read_text())
    pass_through = {"values.global", "values.affinity", "values.tolerations[]", "values.extraVolumes[]",
                    "values.extraVolumeMounts[]", "values.extraEnv[]"}
    open_objects = set()

    def walk(node, path):
        if node.get("type") == "object":
            if "properties" in node:
                assert node.get("additionalProperties") is False, "%s accepts unknown keys" % path
            elif not isinstance(node.get("additionalProperties"), dict):
                open_objects.add(path)
        for key, child in node.get("properties", {}).items():
            walk(child, "%s.%s" % (path, key))
        if isinstance(node.get("items"), dict):
            walk(node["items"], path + "[]")
    walk(schema, "values")
    assert open_objects == pass_through


def test_every_value_is_documented_and_in_the_schema():
    """Each key of values.yaml has a comment right above it and a schema entry."""
    schema = json.loads((CHART / "values.schema.json").read_text())
    lines = (CHART / "values.yaml").read_text().splitlines()
    undocumented, unschemed = [], []
    stack = []  # (indent, key)
    for number, line in enumerate(lines):
        match = re.match(r"^( *)([A-Za-z][A-Za-z0-9_]*):", line)
        if not match:
            continue
        indent, key = len(match.group(1)), match.group(2)
        stack = [(i, k) for i, k in stack if i < indent] + [(indent, key)]
        previous = next((lines[j] for j in range(number - 1, -1, -1) if lines[j].strip()), "")
        if not previous.strip().startswith("#") or len(previous) - len(previous.lstrip()) != indent:
            undocumented.append("%d: %s" % (number + 1, ".".join(k for _, k in stack)))
        node = schema
        for _, k in stack:
            extra = node.get("additionalProperties")  # maps such as resources.requests
            node = node.get("properties", {}).get(k) or (extra if isinstance(extra, dict) else None)
            if node is None:
                unschemed.append(".".join(k for _, k in stack))
                break
    assert not undocumented, "values without a comment above them: %s" % undocumented
    assert not unschemed, "values missing from values.schema.json: %s" % unschemed


# ---------------------------------------------------------------------------------------------------------
# the Deployment and what keeps it available


def test_deployment_is_highly_available(rendered):
    objects = rendered["selfSigned"]
    deployment = find(objects, "Deployment", FULLNAME)
    assert deployment["spec"]["replicas"] == 2
    pod = deployment["spec"]["template"]["spec"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert pod["priorityClassName"] == "system-cluster-critical"
    [spread] = pod["topologySpreadConstraints"]
    assert spread["topologyKey"] == "kubernetes.io/hostname"
    assert spread["maxSkew"] == 1
    assert spread["labelSelector"]["matchLabels"].items() <= labels.items()
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0

    pdb = find(objects, "PodDisruptionBudget", FULLNAME)
    assert pdb["spec"]["minAvailable"] == 1
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"] == pdb["spec"]["selector"]["matchLabels"]


def test_pod_runs_locked_down(rendered):
    objects = rendered["selfSigned"]
    pod = find(objects, "Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    security = container(objects)["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    assert security["seccompProfile"] == {"type": "RuntimeDefault"}


def test_ports_probes_and_resources(rendered):
    objects = rendered["selfSigned"]
    main = container(objects)
    ports = {p["name"]: p["containerPort"] for p in main["ports"]}
    assert ports == {"https": 8443, "metrics": 9999}
    assert "--port=8443" in main["args"] and "--metrics-port=9999" in main["args"]
    for probe, path in (("livenessProbe", "/livez"), ("readinessProbe", "/readyz")):
        get = main[probe]["httpGet"]
        assert (get["path"], get["port"], get["scheme"]) == (path, "metrics", "HTTP"), probe
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(main["resources"][kind]), kind

    service = find(objects, "Service", FULLNAME)
    by_name = {p["name"]: p for p in service["spec"]["ports"]}
    assert (by_name["https"]["port"], by_name["https"]["targetPort"]) == (443, "https")
    assert (by_name["metrics"]["port"], by_name["metrics"]["targetPort"]) == (9999, "metrics")
    assert service["spec"]["selector"].items() <= find(objects, "Deployment")["spec"]["template"]["metadata"]["labels"].items()


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_grace_period_outlasts_shutdown_delay_and_in_flight_requests(rendered, variant):
    objects = rendered[variant]
    pod = find(objects, "Deployment")["spec"]["template"]["spec"]
    delays = [a.split("=", 1)[1] for a in args_of(objects) if a.startswith("--shutdown-delay=")]
    assert len(delays) == 1
    in_flight = webhook_of(objects)["timeoutSeconds"]  # the API server abandons a request after this
    assert pod["terminationGracePeriodSeconds"] > duration_seconds(delays[0]) + in_flight


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_certificate_secret_is_mounted_read_only_where_cert_and_key_point(rendered, variant):
    objects = rendered[variant]
    pod = find(objects, "Deployment")["spec"]["template"]["spec"]
    [mount] = [m for m in container(objects)["volumeMounts"] if m["mountPath"] == "/etc/webhook/certs"]
    assert mount["readOnly"] is True
    [volume] = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    expected = "my-webhook-tls" if variant == "secret" else FULLNAME + "-tls"
    assert volume["secret"]["secretName"] == expected
    args = args_of(objects)
    assert "--cert=/etc/webhook/certs/tls.crt" in args
    assert "--key=/etc/webhook/certs/tls.key" in args


# ---------------------------------------------------------------------------------------------------------
# RBAC


def test_cluster_role_only_reads_service_accounts(rendered):
    objects = rendered["selfSigned"]
    role = find(objects, "ClusterRole", FULLNAME)
    assert role["rules"] == [{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["get", "list", "watch"]}]
    binding = find(objects, "ClusterRoleBinding", FULLNAME)
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": FULLNAME}
    account = find(objects, "ServiceAccount")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": account["metadata"]["name"],
                                    "namespace": NAMESPACE}]
    assert find(objects, "Deployment")["spec"]["template"]["spec"]["serviceAccountName"] == account["metadata"]["name"]


def test_no_configmap_access_without_watch_config_map(rendered):
    objects = rendered["selfSigned"]
    assert "Role" not in kinds(objects) and "RoleBinding" not in kinds(objects)
    args = args_of(objects)
    assert not any(a.startswith(("--watch-config-map", "--namespace")) for a in args)


def test_watch_config_map_adds_a_namespaced_role_and_the_flags(rendered):
    objects = rendered["watchConfigMap"]
    role = find(objects, "Role")
    assert role["metadata"]["namespace"] == NAMESPACE
    # list/watch cannot be narrowed with resourceNames, so the namespace is the boundary
    assert role["rules"] == [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"]}]
    binding = find(objects, "RoleBinding")
    assert binding["metadata"]["namespace"] == NAMESPACE
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                  "name": role["metadata"]["name"]}
    assert binding["subjects"][0]["name"] == find(objects, "ServiceAccount")["metadata"]["name"]
    args = args_of(objects)
    assert "--watch-config-map" in args
    assert "--namespace=%s" % NAMESPACE in args
    # the cluster-wide role stays read-only on serviceaccounts
    assert find(objects, "ClusterRole")["rules"][0]["resources"] == ["serviceaccounts"]


# ---------------------------------------------------------------------------------------------------------
# Service, metrics


def test_prometheus_annotations_point_at_the_metrics_port(rendered):
    service = find(rendered["selfSigned"], "Service")
    annotations = service["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == "9999"  # upstream pointed this at 443
    assert annotations["prometheus.io/scheme"] == "http"
    assert annotations["prometheus.io/path"] == "/metrics"
    moved = find(rendered["everything"], "Service")
    assert moved["metadata"]["annotations"]["prometheus.io/port"] == "10999"


def test_service_monitor_is_optional_and_scrapes_the_metrics_port(rendered):
    assert "ServiceMonitor" not in kinds(rendered["selfSigned"])
    objects = rendered["everything"]
    monitor = find(objects, "ServiceMonitor")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["labels"]["release"] == "prometheus"
    [endpoint] = monitor["spec"]["endpoints"]
    assert (endpoint["port"], endpoint["scheme"], endpoint["path"]) == ("metrics", "http", "/metrics")
    service = find(objects, "Service")
    assert "metrics" in {p["name"] for p in service["spec"]["ports"]}
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert monitor["spec"]["namespaceSelector"] == {"matchNames": [NAMESPACE]}


# ---------------------------------------------------------------------------------------------------------
# MutatingWebhookConfiguration


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_webhook_registration(rendered, variant):
    objects = rendered[variant]
    hook = webhook_of(objects)
    assert hook["admissionReviewVersions"] == ["v1", "v1beta1"]
    assert hook["sideEffects"] == "None"
    assert hook["reinvocationPolicy"] == "IfNeeded"
    assert 1 <= hook["timeoutSeconds"] <= 10
    assert hook["rules"] == [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"],
                              "resources": ["pods"], "scope": "Namespaced"}]
    assert {"key": "eks.amazonaws.com/skip-pod-identity-webhook", "operator": "DoesNotExist"} \
        in hook["objectSelector"]["matchExpressions"]
    excluded = [e for e in hook["namespaceSelector"]["matchExpressions"] if e["key"] == "kubernetes.io/metadata.name"]
    assert len(excluded) == 1 and excluded[0]["operator"] == "NotIn"
    assert {"kube-system", NAMESPACE} <= set(excluded[0]["values"])
    service = hook["clientConfig"]["service"]
    assert (service["name"], service["namespace"], service["path"], service["port"]) == \
        (FULLNAME, NAMESPACE, "/mutate", 443)
    assert find(objects, "Service", service["name"])


def test_webhook_defaults_are_safe(rendered):
    hook = webhook_of(rendered["selfSigned"])
    assert hook["failurePolicy"] == "Ignore"
    assert hook["timeoutSeconds"] == 10
    # No opt-in label by default: every pod is sent, as upstream.
    assert [e["key"] for e in hook["objectSelector"]["matchExpressions"]] == ["eks.amazonaws.com/skip-pod-identity-webhook"]


def test_webhook_settings_and_selector_additions(rendered):
    hook = webhook_of(rendered["everything"])
    assert hook["failurePolicy"] == "Fail"
    assert hook["timeoutSeconds"] == 5
    [excluded] = [e for e in hook["namespaceSelector"]["matchExpressions"] if e["key"] == "kubernetes.io/metadata.name"]
    assert excluded["values"] == ["kube-system", NAMESPACE, "monitoring"]
    assert {"key": "team", "operator": "Exists"} in hook["namespaceSelector"]["matchExpressions"]
    objects_expr = hook["objectSelector"]["matchExpressions"]
    assert {"key": "eks.amazonaws.com/skip-pod-identity-webhook", "operator": "DoesNotExist"} in objects_expr
    assert {"key": "app", "operator": "NotIn", "values": ["legacy"]} in objects_expr
    # webhook.optInLabel: fail-closed opt-in, only pods labelled "true" are sent.
    assert {"key": "eks.amazonaws.com/use-pod-identity-webhook", "operator": "In", "values": ["true"]} in objects_expr


def test_release_in_kube_system_excludes_it_once(helm):
    result = helm("template", RELEASE, str(CHART), "--namespace", "kube-system")
    objects = [d for d in yaml.safe_load_all(result.stdout) if d]
    [excluded] = [e for e in webhook_of(objects)["namespaceSelector"]["matchExpressions"]
                  if e["key"] == "kubernetes.io/metadata.name"]
    assert excluded["values"] == ["kube-system"]


def test_kube_system_can_be_included_but_never_the_release_namespace(helm):
    objects = render(helm, {"webhook": {"excludeKubeSystem": False, "excludeNamespaces": ["other"]}})
    [excluded] = [e for e in webhook_of(objects)["namespaceSelector"]["matchExpressions"]
                  if e["key"] == "kubernetes.io/metadata.name"]
    assert excluded["values"] == [NAMESPACE, "other"]


# ---------------------------------------------------------------------------------------------------------
# certificates, per tls.mode


def load_cert(pem):
    return x509.load_pem_x509_certificate(pem if isinstance(pem, bytes) else pem.encode())


def test_self_signed_mode_makes_a_ca_and_a_serving_certificate_for_the_service(rendered):
    objects = rendered["selfSigned"]
    secret = find(objects, "Secret", FULLNAME + "-tls")
    assert secret["type"] == "kubernetes.io/tls"
    data = {k: base64.b64decode(v) for k, v in secret["data"].items()}
    assert set(data) == {"ca.crt", "tls.crt", "tls.key"}  # the CA key is not kept
    ca, cert = load_cert(data["ca.crt"]), load_cert(data["tls.crt"])
    cert.verify_directly_issued_by(ca)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    assert sorted(names) == sorted([FULLNAME, "%s.%s" % (FULLNAME, NAMESPACE), "%s.%s.svc" % (FULLNAME, NAMESPACE),
                                    "%s.%s.svc.cluster.local" % (FULLNAME, NAMESPACE)])
    key = serialization.load_pem_private_key(data["tls.key"], password=None)
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()
    hook = webhook_of(objects)
    assert base64.b64decode(hook["clientConfig"]["caBundle"]) == data["ca.crt"]
    assert "cert-manager.io/inject-ca-from" not in find(objects, "MutatingWebhookConfiguration")["metadata"].get("annotations", {})


def render_against(helm, api, tmp_path):
    """`helm template --dry-run=server` against the fake API server, so the chart's `lookup` sees its objects."""
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(api.kubeconfig())
    env = dict(helm.env, KUBECONFIG=str(kubeconfig))
    result = subprocess.run([str(helm.binary), "template", RELEASE, str(CHART), "--namespace", NAMESPACE,
                             "--dry-run=server", "--disable-openapi-validation"],
                            capture_output=True, text=True, env=env, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def as_installed(obj):
    """The object as helm leaves it in a cluster (helm refuses to adopt objects without these)."""
    obj = json.loads(json.dumps(obj))
    obj["metadata"].setdefault("labels", {})["app.kubernetes.io/managed-by"] = "Helm"
    obj["metadata"].setdefault("annotations", {}).update(
        {"meta.helm.sh/release-name": RELEASE, "meta.helm.sh/release-namespace": NAMESPACE})
    return obj


def test_self_signed_certificate_is_kept_across_upgrades(helm, tmp_path):
    with FakeKubeAPI() as api:
        first = render_against(helm, api, tmp_path)
        secret = find(first, "Secret", FULLNAME + "-tls")
        assert ("GET", api.path_of(secret)) in api.requests  # the chart looked for an existing one
        # nothing stored yet: every render makes a new CA, so keeping it is the lookup's doing
        assert find(render_against(helm, api, tmp_path), "Secret")["data"] != secret["data"]

        api.put(as_installed(secret))  # what `helm install` would have created
        upgraded = render_against(helm, api, tmp_path)
        assert find(upgraded, "Secret")["data"] == secret["data"]
        assert webhook_of(upgraded)["clientConfig"]["caBundle"] == secret["data"]["ca.crt"]


def test_incomplete_self_signed_secret_is_replaced(helm, tmp_path):
    with FakeKubeAPI() as api:
        secret = find(render(helm, {}), "Secret", FULLNAME + "-tls")
        broken = as_installed(secret)
        del broken["data"]["tls.key"]
        api.put(broken)
        rendered_again = find(render_against(helm, api, tmp_path), "Secret")
        assert set(rendered_again["data"]) == {"ca.crt", "tls.crt", "tls.key"}
        assert rendered_again["data"]["ca.crt"] != secret["data"]["ca.crt"]


def test_cert_manager_mode_builds_a_ca_chain_and_injects_it(rendered):
    objects = rendered["certManager"]
    assert "Secret" not in kinds(objects)  # cert-manager writes it
    issuers = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Issuer"}
    certificates = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Certificate"}
    assert set(issuers) == {FULLNAME + "-selfsigned", FULLNAME + "-ca"}
    assert set(certificates) == {FULLNAME + "-ca", FULLNAME}
    assert issuers[FULLNAME + "-selfsigned"]["spec"] == {"selfSigned": {}}
    ca_cert = certificates[FULLNAME + "-ca"]["spec"]
    assert ca_cert["isCA"] is True
    assert ca_cert["issuerRef"]["name"] == FULLNAME + "-selfsigned"
    assert issuers[FULLNAME + "-ca"]["spec"] == {"ca": {"secretName": ca_cert["secretName"]}}
    serving = certificates[FULLNAME]["spec"]
    assert serving["issuerRef"]["name"] == FULLNAME + "-ca"
    assert serving["secretName"] == FULLNAME + "-tls"
    assert set(serving["dnsNames"]) == {FULLNAME, "%s.%s" % (FULLNAME, NAMESPACE), "%s.%s.svc" % (FULLNAME, NAMESPACE),
                                        "%s.%s.svc.cluster.local" % (FULLNAME, NAMESPACE)}
    for obj in list(issuers.values()) + list(certificates.values()):
        assert obj["apiVersion"] == "cert-manager.io/v1"
        assert obj["metadata"]["namespace"] == NAMESPACE
    configuration = find(objects, "MutatingWebhookConfiguration")
    assert configuration["metadata"]["annotations"]["cert-manager.io/inject-ca-from"] == "%s/%s" % (NAMESPACE, FULLNAME)
    assert "caBundle" not in configuration["webhooks"][0]["clientConfig"]  # the cainjector fills it


def test_secret_mode_uses_the_given_secret_and_ca(rendered, helm, certs):
    objects = rendered["secret"]
    assert "Secret" not in kinds(objects) and "Certificate" not in kinds(objects)
    hook = webhook_of(objects)
    assert base64.b64decode(hook["clientConfig"]["caBundle"]).decode().strip() == ca_pem(certs).strip()
    # a caBundle given already base64-encoded is used as is
    encoded = base64.b64encode(ca_pem(certs).encode()).decode()
    again = render(helm, {"tls": {"mode": "secret", "secretName": "my-webhook-tls", "caBundle": encoded}})
    assert webhook_of(again)["clientConfig"]["caBundle"] == encoded


# ---------------------------------------------------------------------------------------------------------
# flags: every `webhook serve` flag is reachable, and the binary accepts what the chart renders


def test_every_serve_flag_is_reachable_from_values(rendered):
    args = args_of(rendered["everything"])
    assert args[0] == "serve"
    missing = [flag for flag in EVERYTHING_FLAGS if flag not in args]
    assert not missing, "flags not rendered from values: %s" % missing
    # extraArgs come last, in order, so they can override anything above
    assert args[-2:] == ["--logtostderr", "-v=2"]
    # every flag is rendered exactly once
    names = [a.split("=", 1)[0] for a in args[1:]]
    assert len(names) == len(set(names)), names
    reached = {f.split("=", 1)[0] for f in EVERYTHING_FLAGS} | set(FLAGS_ONLY_THROUGH_EXTRA_ARGS)
    assert "--tls-cert" not in reached and "--cert" in reached  # aliases need no second value


def test_extra_volumes_reach_the_pod(rendered):
    objects = rendered["everything"]
    pod = find(objects, "Deployment")["spec"]["template"]["spec"]
    assert {"name": "pod-identity", "configMap": {"name": "pod-identity-config"}} in pod["volumes"]
    assert {"name": "pod-identity", "mountPath": "/etc/webhook/pod-identity", "readOnly": True} \
        in container(objects)["volumeMounts"]


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_binary_dry_run_accepts_the_rendered_args(rendered, webhook_bin, variant):
    args = args_of(rendered[variant])
    assert args[0] == "serve"
    result = subprocess.run([webhook_bin, "serve", "--dry-run", *args[1:]],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, "webhook serve --dry-run refused the chart's args:\n%s" % result.stderr
    configuration = json.loads(result.stdout)
    assert configuration, "the dry run printed an empty configuration"


def test_binary_dry_run_refuses_a_bad_rendered_flag(rendered, webhook_bin):
    """The dry-run check above has teeth: a misspelt flag in the same position fails it."""
    args = args_of(rendered["selfSigned"]) + ["--shutdown-delay=soon"]
    result = subprocess.run([webhook_bin, "serve", "--dry-run", *args[1:]],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "shutdown-delay" in result.stderr


def test_binary_reads_each_rendered_value_as_meant(rendered, webhook_bin):
    """The effective configuration `--dry-run` prints carries every value of EVERYTHING (not just "no error")."""
    args = args_of(rendered["everything"])
    result = subprocess.run([webhook_bin, "serve", "--dry-run", *args[1:]], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    effective = json.loads(result.stdout)
    server, accounts, mutation = effective["server"], effective["serviceAccounts"], effective["mutation"]
    expected = {
        "bindAddress": (server["bindAddress"], "::"), "port": (server["port"], 10443),
        "metricsPort": (server["metricsPort"], 10999), "tlsMinVersion": (server["tlsMinVersion"], "1.3"),
        "tlsCipherSuites": (server["tlsCipherSuites"], EVERYTHING["server"]["tlsCipherSuites"]),
        "shutdownDelay": (server["shutdownDelay"], "7s"), "maxRequestBytes": (server["maxRequestBytes"], 1048576),
        "readHeaderTimeout": (server["readHeaderTimeout"], "5s"),
        "maxConcurrentStreams": (server["maxConcurrentStreams"], 64),
        "enableDebuggingHandlers": (server["enableDebuggingHandlers"], True),
        "logLevel": (effective["logging"]["level"], "debug"), "logFormat": (effective["logging"]["format"], "text"),
        "apiServer": (accounts["source"]["apiServer"], "https://10.0.0.1:443"),
        "namespace": (accounts["namespace"], NAMESPACE), "watchConfigMap": (accounts["watchConfigMap"], True),
        "lookupGracePeriod": (accounts["lookupGracePeriod"], "500ms"),
        "annotationPrefix": (mutation["annotationPrefix"], "example.com"),
        "tokenAudience": (mutation["tokenAudience"], "example-audience"),
        "tokenExpiration": (mutation["tokenExpiration"], 3600),
        "awsDefaultRegion": (mutation["awsDefaultRegion"], "eu-west-1"),
        "stsRegionalEndpoint": (mutation["stsRegionalEndpoint"], True),
        "composeRoleARN": (mutation["composeRoleARN"], {"partition": "aws-cn", "accountID": "123456789012"}),
        "injectRoleSessionName": (mutation["injectRoleSessionName"], True),
        "endpointURL": (mutation["endpointURL"], "https://sts.minio.example:9000"),
        "allowNonAWSAccountID": (mutation["allowNonAWSAccountID"], True),
        "containerCredentials.audience": (mutation["containerCredentials"]["audience"], "example-pods"),
        "containerCredentials.fullURI": (mutation["containerCredentials"]["fullURI"],
                                         "http://169.254.170.99/v1/credentials"),
        "containerCredentialsConfig": (effective["containerCredentialsConfig"],
                                       "/etc/webhook/pod-identity/config.json"),
    }
    wrong = {name: pair for name, pair in expected.items() if pair[0] != pair[1]}
    assert not wrong, "effective value != chart value: %s" % wrong


DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize("image, expected", [
    ({}, "pod-identity-webhook:" + APP_VERSION),  # what `make image` tags (tests/test_image.py runs it)
    ({"repository": "registry.example.com/piw", "tag": "0.2.0"}, "registry.example.com/piw:0.2.0"),
    ({"repository": "registry.example.com/piw", "tag": "0.2.0", "digest": DIGEST}, "registry.example.com/piw@" + DIGEST),
])
def test_image_reference(helm, image, expected):
    assert container(render(helm, {"image": image}))["image"] == expected
