"""`webhook trust-controller` refuses bad flags before doing anything, naming the flag and the problem."""
import subprocess

import pytest

ROLE = ["--allowed-roles", "arn:aws:iam::123456789012:role/kf-*"]


@pytest.mark.parametrize("args, message", [
    (["--kubeflow-profiles"], "--allowed-roles is required"),
    (ROLE, "nothing to do: give --kubeflow-profiles, --annotated-service-accounts, or both"),
    (["--kubeflow-profiles", "--allowed-roles", "role/kf-*"], '--allowed-roles "role/kf-*": not an ARN glob (it starts with arn:)'),
    (["--kubeflow-profiles", "--allowed-roles", "arn:aws:iam::123456789012:role/{name}"], "the only placeholder is {namespace}"),
    (["--annotated-service-accounts", "--namespace-selector", "a in (b"] + ROLE, "--namespace-selector"),
    (["--kubeflow-profiles", "--resync-period", "0s"] + ROLE, "--resync-period must be at least 100ms"),
    (["--kubeflow-profiles", "--dry-run"] + ROLE, "--dry-run is for the setup commands"),
    (["--kubeflow-profiles", "--compact-namespace-prefix", "kf*"] + ROLE,
     '--compact-namespace-prefix "kf*": must be the start of a namespace name ([a-z0-9-]+)'),
], ids=["no allowed roles", "no source", "pattern not an ARN", "unknown placeholder", "bad selector", "zero resync", "dry run",
        "glob in a compact prefix"])
def test_bad_flags_are_named(webhook_bin, tmp_path, args, message):
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\nclusters: []\n")
    result = subprocess.run([webhook_bin, "trust-controller", "--issuer", "https://oidc.example.com", *args],
                            capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode != 0
    assert message in result.stderr, result.stderr
