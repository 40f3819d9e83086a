"""The Helm chart as the chart and image tests render it: names, `helm template`, and finding rendered objects."""
import pathlib
import subprocess
import sys

import yaml

CHART = pathlib.Path(__file__).resolve().parent.parent.parent / "charts" / "pod-identity-webhook"
RELEASE = "rel"
NAMESPACE = "piw"
TIMEOUT = 120  # seconds for one helm command
FULLNAME = "rel-pod-identity-webhook"
KUBE_VERSIONS = ["1.30.0", "1.35.0"]
# Kinds whose CRD schemas kubernetes-validate does not bundle; they are asserted on by hand in the chart tests.
CRD_GROUPS = ("cert-manager.io/", "monitoring.coreos.com/")
APP_VERSION = yaml.safe_load((CHART / "Chart.yaml").read_text())["appVersion"]


def render(helm, values, kube_version="1.30.0"):
    out = helm("template", RELEASE, str(CHART), "--namespace", NAMESPACE, "--kube-version", kube_version,
               values=values).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def find(objects, kind, name=None):
    found = [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]
    assert len(found) == 1, "expected one %s %s, found %d" % (kind, name or "", len(found))
    return found[0]


def container(objects):
    pod = find(objects, "Deployment")["spec"]["template"]["spec"]
    assert len(pod["containers"]) == 1
    return pod["containers"][0]


def validate_strictly(objects, kube_version, tmp_path):
    """kubernetes-validate --strict over the rendered objects the API server knows without CRDs; returns the
    objects checked and the validator's result."""
    core = [o for o in objects if not o["apiVersion"].startswith(CRD_GROUPS)]
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(yaml.safe_dump_all(core))
    validator = pathlib.Path(sys.executable).with_name("kubernetes-validate")
    result = subprocess.run([str(validator), "--strict", "-k", kube_version, str(manifest)],
                            capture_output=True, text=True, timeout=TIMEOUT)
    return core, result
