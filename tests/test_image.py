"""The container image, run the way the chart runs it.

The image under test is the one the chart names with its default values (`make image` builds it; `make test-image`
builds it, then runs these tests). Each container gets the rendered Deployment's args, the certificate Secret mounted
read-only at the chart's path with the chart's file mode and fsGroup, the ServiceAccount token mounted where the
kubelet puts it (for the in-cluster Kubernetes API source, a fake API server here), the chart's securityContext
(read-only root filesystem, uid/gid, every capability dropped, no privilege escalation), and the host network with
the chart's bind address and ports set to 127.0.0.1 and free ports. The engine is scripts/container-engine's.
"""
import base64
import hashlib
import io
import json
import os
import pathlib
import shutil
import ssl
import subprocess
import tarfile
import time

import httpx
import jsonpatch
import pytest

from conftest import ROOT, WebhookEndpoints
from helpers.loopback_endpoint import free_port
from helpers.fake_apiserver import FakeAPIServer
from helpers.chart import APP_VERSION, NAMESPACE as RELEASE_NAMESPACE, container, find, render
from helpers.admission import review
from helpers.certificates import der, make_certs, serving_certificate

ENGINE = str(ROOT / "scripts" / "container-engine")
RELEASE_BIN = pathlib.Path(os.environ.get("WEBHOOK_RELEASE_BIN", ROOT / ".build-image" / "webhook"))
TOKEN = "image-test-token"
NAMESPACE, ACCOUNT = "apps", "reader"
ROLE = "arn:aws:iam::111122223333:role/image-test"
SHUTDOWN_DELAY = 2                     # server.shutdownDelaySeconds for these runs, in seconds
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"  # where the kubelet mounts the pod's token
DEADLINE = 30.0                        # bound of every poll; a healthy container answers in well under a second
ENGINE_TIMEOUT = 300

# What the design lets into the image; anything else, a shell or a package manager above all, fails the test.
PACKAGES = {"base-files", "ca-certificates", "libc6", "libgcc-s1", "libnghttp2-14", "libssl3", "libstdc++6"}
DATA_FILES = {"etc/ssl/certs/ca-certificates.crt", "etc/passwd", "etc/group", "etc/nsswitch.conf",
              "usr/lib/os-release"}
EXCLUDED_PROGRAMS = {"sh", "bash", "dash", "ash", "busybox", "su", "env", "apt", "apt-get", "dpkg", "dpkg-query",
                     "apk", "microdnf", "yum", "rpm", "pip", "python3", "perl", "curl", "wget", "openssl"}


def engine(*args, check=True, timeout=ENGINE_TIMEOUT):
    result = subprocess.run([ENGINE, *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        pytest.fail("container-engine %s failed (%d):\n%s" % (" ".join(args[:2]), result.returncode, result.stderr))
    return result


ENGINE_NAME = engine("--which").stdout.strip()


def poll(predicate, what, deadline=DEADLINE, failed=lambda: None):
    """Polls `predicate` until true; `failed` returns a reason to stop early (e.g. the container exited)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        reason = failed()
        if reason:
            pytest.fail("%s while waiting for %s" % (reason, what))
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail("timed out after %.0fs waiting for %s" % (deadline, what))


# ---------------------------------------------------------------------------------------------------------
# the image the chart names, and its files


@pytest.fixture(scope="module")
def chart_image(helm):
    return container(render(helm, {}))["image"]


@pytest.fixture(scope="module")
def image(chart_image):
    """`inspect` of the chart's default image; it must have been built (make image)."""
    result = engine("image", "inspect", chart_image, check=False)
    if result.returncode != 0:
        pytest.fail("no image %s (the chart's default): build it with `make image`\n%s" % (chart_image, result.stderr))
    [inspected] = json.loads(result.stdout)
    return inspected


@pytest.fixture(scope="module")
def image_files(chart_image, tmp_path_factory):
    """path -> (TarInfo, content of regular files) over the image's layers, as `save` writes them."""
    archive = tmp_path_factory.mktemp("image") / "image.tar"
    engine("save", "--output", str(archive), chart_image)
    files = {}
    with tarfile.open(archive) as outer:
        manifest = json.load(outer.extractfile("manifest.json"))
        [entry] = manifest
        for layer in entry["Layers"]:
            with tarfile.open(fileobj=io.BytesIO(outer.extractfile(layer).read())) as inner:
                for member in inner.getmembers():
                    content = inner.extractfile(member).read() if member.isfile() else None
                    files[member.name.lstrip("./")] = (member, content)
    return files


def test_chart_default_image_is_the_one_make_image_builds(chart_image, image, capsys):
    assert chart_image == "pod-identity-webhook:%s" % APP_VERSION
    labels = image["Config"]["Labels"]
    assert labels["org.opencontainers.image.version"] == APP_VERSION
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert labels["org.opencontainers.image.revision"] in (head, head + "-dirty")
    assert {"org.opencontainers.image.source", "org.opencontainers.image.licenses"} <= labels.keys()
    assert labels["org.opencontainers.image.licenses"]
    with capsys.disabled():
        print("\nimage %s: %.1f MB" % (chart_image, image["Size"] / 1e6))


def test_version_in_the_image_matches_the_build(chart_image, image_files):
    in_image = engine("run", "--rm", "--pull=never", chart_image, "--version").stdout.strip()
    assert in_image == APP_VERSION
    assert RELEASE_BIN.exists(), "no release binary at %s (make image builds it)" % RELEASE_BIN
    built = subprocess.run([str(RELEASE_BIN), "--version"], capture_output=True, text=True).stdout.strip()
    assert in_image == built
    _, binary = image_files["usr/local/bin/webhook"]
    assert hashlib.sha256(binary).hexdigest() == hashlib.sha256(RELEASE_BIN.read_bytes()).hexdigest()


def test_image_user_and_entrypoint_are_the_charts(helm, image):
    objects = render(helm, {})
    pod = find(objects, "Deployment")["spec"]["template"]["spec"]
    assert image["Config"]["User"] == "%d:%d" % (pod["securityContext"]["runAsUser"], pod["securityContext"]["runAsGroup"])
    assert image["Config"]["Entrypoint"] == ["/usr/local/bin/webhook"]
    main = container(objects)
    assert "command" not in main, "the chart must keep the image's entrypoint"
    assert main["args"][0] == "serve"


def test_image_holds_the_binary_its_libraries_and_the_listed_data_only(image_files):
    regular = {path for path, (member, _) in image_files.items() if member.isfile()}
    libraries = {path for path in regular if ".so" in pathlib.PurePath(path).name}
    status = {path for path in regular if path.startswith("var/lib/dpkg/status.d/")}
    copyrights = {path for path in regular if path.startswith("usr/share/doc/") and path.endswith("/copyright")}
    unexpected = regular - {"usr/local/bin/webhook"} - libraries - status - copyrights - DATA_FILES
    assert not unexpected, "files the design does not allow: %s" % sorted(unexpected)

    # The libraries are exactly the binary's ldd closure, by name.
    closure = subprocess.run(["ldd", str(RELEASE_BIN)], capture_output=True, text=True, check=True).stdout
    needed = {line.split()[0 if line.split()[1:2] != ["=>"] else 2].rsplit("/", 1)[-1]
              for line in closure.splitlines() if "/" in line}
    assert {pathlib.PurePath(path).name for path in libraries} == needed

    # Packages: every one recorded for scanners and with its license, no other.
    assert {pathlib.PurePath(path).name for path in status} == PACKAGES
    assert {pathlib.PurePath(path).parent.name for path in copyrights} == PACKAGES

    # No program but the webhook: no shell, no package manager, nothing else executable.
    executables = {path for path in regular - libraries if image_files[path][0].mode & 0o111}
    assert executables == {"usr/local/bin/webhook"}
    names = {pathlib.PurePath(path).name for path, (member, _) in image_files.items() if not member.isdir()}
    assert not names & EXCLUDED_PROGRAMS, sorted(names & EXCLUDED_PROGRAMS)

    symlinks = {path: member.linkname for path, (member, _) in image_files.items() if member.issym()}
    assert symlinks == {"lib": "usr/lib", "lib64": "usr/lib64", "etc/os-release": "../usr/lib/os-release",
                        "usr/lib/ssl/cert.pem": "/etc/ssl/certs/ca-certificates.crt"}

    # OpenSSL's default trust store is the CA bundle.
    cert_pem, _ = image_files["usr/lib/ssl/cert.pem"]
    assert cert_pem.issym() and cert_pem.linkname == "/etc/ssl/certs/ca-certificates.crt"
    _, bundle = image_files["etc/ssl/certs/ca-certificates.crt"]
    assert bundle.count(b"-----BEGIN CERTIFICATE-----") > 100
    assert all(image_files[path][0].uid == 0 for path in image_files), "every file is root's, read-only to the user"


# ---------------------------------------------------------------------------------------------------------
# the container, started as the Deployment starts it


class SecretVolume:
    """A folder laid out as the kubelet writes a Secret volume: files are symlinks into `..data`, a symlink to a
    timestamped folder, swapped atomically on update. Files get the volume's defaultMode and the pod's fsGroup."""

    def __init__(self, path, mode, group):
        self.path, self.mode, self.group, self.generation = path, mode, group, 0
        path.mkdir()
        os.chmod(path, 0o755)

    def write(self, source):
        self.generation += 1
        target = self.path / ("..2026_12_01_%02d" % self.generation)
        target.mkdir()
        os.chmod(target, 0o755)
        for name in ("ca.crt", "tls.crt", "tls.key"):
            shutil.copy(source / name, target / name)
            os.chown(target / name, 0, self.group)
            os.chmod(target / name, self.mode)
        os.symlink(target.name, self.path / "..data_tmp")
        os.rename(self.path / "..data_tmp", self.path / "..data")
        for name in ("ca.crt", "tls.crt", "tls.key"):
            if not (self.path / name).is_symlink():
                os.symlink("..data/" + name, self.path / name)

    @property
    def ca(self):
        return str(self.path / "ca.crt")


class ImageWebhook(WebhookEndpoints):
    """The image running as the chart's Deployment runs it."""

    def __init__(self, image, deployment, volume, api, certs, tmp_path):
        pod = deployment["spec"]["template"]["spec"]
        [main] = pod["containers"]
        assert main["image"] == image
        self.volume = volume
        self.grace_period = pod["terminationGracePeriodSeconds"]
        self.port = main["ports"][0]["containerPort"]
        self.metrics_port = main["ports"][1]["containerPort"]
        self.name = "piw-test-%d" % self.port

        tokens = tmp_path / ("serviceaccount-%d" % self.port)
        tokens.mkdir()
        (tokens / "token").write_text(TOKEN)
        (tokens / "namespace").write_text(RELEASE_NAMESPACE)
        shutil.copy(certs / "ca.crt", tokens / "ca.crt")
        for entry in [tokens, *tokens.iterdir()]:
            os.chmod(entry, 0o755 if entry.is_dir() else 0o644)
        assert pod["automountServiceAccountToken"] is True

        [mount] = [m for m in main["volumeMounts"] if m["name"] == "certs"]
        assert mount["readOnly"] is True
        flags = ["--detach", "--name", self.name, "--pull=never", "--network=host",
                 "--volume=%s:%s:ro" % (volume.path, mount["mountPath"]),
                 "--volume=%s:%s:ro" % (tokens, SERVICE_ACCOUNT_DIR),
                 "--env=KUBERNETES_SERVICE_HOST=127.0.0.1", "--env=KUBERNETES_SERVICE_PORT=%d" % api.port]
        flags += self.security_flags(pod["securityContext"], main["securityContext"])
        for variable in main.get("env", []):
            flags.append("--env=%s=%s" % (variable["name"], variable["value"]))
        engine("run", *flags, image, *main["args"])

    @staticmethod
    def security_flags(pod_context, context):
        """The engine flags for the chart's securityContext; a setting with no translation here fails the test."""
        assert context == {"runAsNonRoot": True, "readOnlyRootFilesystem": True, "allowPrivilegeEscalation": False,
                           "privileged": False, "capabilities": {"drop": ["ALL"]},
                           "seccompProfile": {"type": "RuntimeDefault"}}, context
        assert set(pod_context) == {"runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup", "seccompProfile"}
        flags = ["--read-only", "--cap-drop=all", "--security-opt=no-new-privileges",
                 "--user=%d:%d" % (pod_context["runAsUser"], pod_context["runAsGroup"]),
                 "--group-add=%d" % pod_context["fsGroup"]]
        if ENGINE_NAME == "podman":
            flags.append("--read-only-tmpfs=false")  # podman would mount writable /tmp, /var/tmp and /run; a pod has none
        return flags  # seccomp RuntimeDefault: the engine's default profile

    def state(self):
        [inspected] = json.loads(engine("container", "inspect", self.name).stdout)
        return inspected["State"]

    def exited(self):
        state = self.state()
        if state["Status"] in ("exited", "stopped", "dead"):
            return "the container exited (%s):\n%s" % (state["ExitCode"], self.logs())
        return None

    def logs(self):
        result = engine("logs", self.name, check=False)
        return result.stdout + result.stderr

    def wait_for(self, predicate, what):
        poll(predicate, what, failed=self.exited)

    def mutate(self, http2):
        """POSTs an AdmissionReview for a pod of the annotated ServiceAccount, verifying TLS with the mounted CA;
        returns (HTTP version, the pod after the patch)."""
        body = review(sa=ACCOUNT, namespace=NAMESPACE)
        with httpx.Client(http1=not http2, http2=http2, timeout=15,
                          verify=ssl.create_default_context(cafile=self.volume.ca)) as client:
            response = client.post(self.url + "/mutate", json=body)
        assert response.status_code == 200, response.text
        answer = response.json()["response"]
        assert answer["allowed"] is True and answer["uid"] == body["request"]["uid"]
        patched = jsonpatch.apply_patch(body["request"]["object"], json.loads(base64.b64decode(answer["patch"])))
        return response.http_version, patched

    def remove(self):
        engine("rm", "--force", *(["--time=0"] if ENGINE_NAME == "podman" else []), self.name, check=False)


def role_of(pod):
    [app] = pod["spec"]["containers"]
    return {e["name"]: e.get("value") for e in app.get("env", [])}.get("AWS_ROLE_ARN")


@pytest.fixture
def api(certs):
    server = FakeAPIServer(str(certs / "tls.crt"), str(certs / "tls.key"), token=TOKEN).start()
    server.put_service_account(NAMESPACE, ACCOUNT, {"eks.amazonaws.com/role-arn": ROLE})
    yield server
    server.stop()


@pytest.fixture
def start(helm, chart_image, image, api, certs, tmp_path):
    """Starts the image as the chart's Deployment, with the chart's bind address and ports set to 127.0.0.1 and
    free ports; every container started is removed after the test."""
    started = []

    def run():
        port, metrics_port = free_port(), free_port()
        objects = render(helm, {"server": {"bindAddress": "127.0.0.1", "port": port, "metricsPort": metrics_port,
                                           "shutdownDelaySeconds": SHUTDOWN_DELAY}})
        deployment = find(objects, "Deployment")
        pod = deployment["spec"]["template"]["spec"]
        [volume_spec] = [v for v in pod["volumes"] if v["name"] == "certs"]
        volume = SecretVolume(tmp_path / ("secret-%d" % port), volume_spec["secret"]["defaultMode"],
                              pod["securityContext"]["fsGroup"])
        volume.write(certs)
        webhook = ImageWebhook(chart_image, deployment, volume, api, certs, tmp_path)
        started.append(webhook)
        webhook.wait_for(lambda: webhook.readyz() == 200, "/readyz to report 200")
        return webhook

    yield run
    for webhook in started:
        webhook.remove()


def test_serves_mutations_over_http2_and_http1_with_the_mounted_certificate(start):
    webhook = start()
    for http2, version in ((True, "HTTP/2"), (False, "HTTP/1.1")):
        served, pod = webhook.mutate(http2=http2)
        assert served == version
        assert role_of(pod) == ROLE, version
    metrics = httpx.get(webhook.metrics_url + "/metrics", timeout=5).text
    assert 'mutations_total{mode="sts_web_identity",result="mutated"} 2' in metrics
    assert 'pod_identity_webhook_pod_count{method="sts_web_identity"} 2' in metrics


def test_runs_as_pid_1_non_root_without_capabilities_on_a_read_only_root(start):
    webhook = start()
    pid = webhook.state()["Pid"]
    status = dict(line.split(":\t", 1) for line in pathlib.Path("/proc/%d/status" % pid).read_text().splitlines())
    assert status["NSpid"].split()[-1] == "1", "the webhook is PID 1 in its container"
    assert status["Uid"].split() == ["65532"] * 4 and status["Gid"].split() == ["65532"] * 4
    for capabilities in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        assert int(status[capabilities], 16) == 0, capabilities
    assert status["NoNewPrivs"].strip() == "1"
    mounts = {fields[4]: fields[5].split(",")
              for fields in (line.split() for line in pathlib.Path("/proc/%d/mountinfo" % pid).read_text().splitlines())}
    assert "ro" in mounts["/"], "root filesystem mounted %s" % mounts["/"]
    assert "ro" in mounts["/etc/webhook/certs"]
    # Nothing but the mounts is writable: a container without the mounts has no tmpfs either.
    assert not [path for path, options in mounts.items() if "rw" in options and path in ("/tmp", "/var/tmp", "/run")]


def test_certificate_swapped_in_the_mounted_volume_is_picked_up(start, tmp_path):
    webhook = start()
    assert serving_certificate(webhook.port) == der(webhook.volume.path / "tls.crt")
    renewed = make_certs(tmp_path / "renewed")  # a new CA too: only the swapped ca.crt verifies the new pair
    webhook.volume.write(renewed)
    webhook.wait_for(lambda: serving_certificate(webhook.port) == der(renewed / "tls.crt"), "the swapped certificate")
    served, pod = webhook.mutate(http2=True)
    assert served == "HTTP/2" and role_of(pod) == ROLE
    assert 'certificate_reloads_total{result="success"}' in httpx.get(webhook.metrics_url + "/metrics").text


def test_sigterm_turns_readiness_off_keeps_serving_through_the_delay_and_exits_0(start):
    webhook = start()
    signalled = time.monotonic()
    engine("kill", "--signal=TERM", webhook.name)
    webhook.wait_for(lambda: webhook.readyz() == 503, "/readyz to report 503")
    served, pod = webhook.mutate(http2=True)  # still serving while the endpoints drop the pod
    assert role_of(pod) == ROLE
    # The kubelet kills the container after the grace period; the webhook must be gone, with 0, before that.
    try:
        waited = engine("wait", webhook.name, timeout=webhook.grace_period)
    except subprocess.TimeoutExpired:
        pytest.fail("still running %ds after SIGTERM (the grace period):\n%s" % (webhook.grace_period, webhook.logs()))
    assert waited.stdout.strip() == "0", webhook.logs()
    assert time.monotonic() >= signalled + SHUTDOWN_DELAY, "exited before the shutdown delay was over"
