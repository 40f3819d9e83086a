"""Shared fixtures for the integration tests: the built binary, certificates, the webhook process, helm.
Shared plain helpers live in tests/helpers/ (`from helpers.admission import review`); no test module imports
another."""
import itertools
import os
import re
import ssl
import subprocess
import pathlib
import time

import pytest
import yaml

from helpers import get_helm
from helpers.chart import TIMEOUT

# Fixtures that belong to one family of tests live beside its helpers; registered here, so a test names them as
# arguments without importing them.
pytest_plugins = ["helpers.kube_source", "helpers.setup_env", "helpers.trust_controller_env"]

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def webhook_bin():
    path = os.environ.get("WEBHOOK_BIN", str(ROOT / ".build" / "debug" / "webhook"))
    if not os.path.exists(path):
        pytest.fail("no webhook binary at %s: run `swift build` first" % path)
    return path


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    """A fresh CA and serving certificate (localhost, 127.0.0.1) for this test session."""
    out = tmp_path_factory.mktemp("certs")
    subprocess.run([str(ROOT / "certs" / "generate.sh"), str(out)], check=True, capture_output=True)
    return out


@pytest.fixture
def fake_api(certs):
    """The fake Kubernetes API server (tests/helpers/fake_apiserver.py) on 127.0.0.1, with its default token."""
    from helpers.fake_apiserver import FakeAPIServer
    server = FakeAPIServer(str(certs / "tls.crt"), str(certs / "tls.key")).start()
    yield server
    server.stop()


class WebhookEndpoints:
    """The URLs of a webhook serving on 127.0.0.1 `port` (TLS) and `metrics_port` (plain HTTP), and its readiness."""

    @property
    def url(self):
        return "https://127.0.0.1:%d" % self.port

    @property
    def metrics_url(self):
        return "http://127.0.0.1:%d" % self.metrics_port

    def readyz(self):
        import urllib.request
        import urllib.error
        try:
            with urllib.request.urlopen(self.metrics_url + "/readyz", timeout=2) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
        except OSError:
            return None


# "server listening address=127.0.0.1:43117 ... tls=true" (text) or "address":"127.0.0.1:43117",..."tls":"true" (json).
LISTENING = re.compile(r'server listening.*?address"?[=:]"?(\S+?):(\d+)"?[\s,].*?tls"?[=:]"?(true|false)')
_log_numbers = itertools.count()


class WebhookProcess(WebhookEndpoints):
    """The real `webhook serve` binary on 127.0.0.1, its logs captured to a file. It binds port 0 for both
    listeners (unless args say otherwise); `port` and `metrics_port` are read from its "server listening" lines."""

    def __init__(self, binary, certs, args, tmp_path, wait_ready=True, env=None):
        self.log_path = tmp_path / ("webhook-%d.log" % next(_log_numbers))
        self.ca = str(certs / "ca.crt")
        self.ssl_context = ssl.create_default_context(cafile=self.ca)
        self._ports = {}
        cmd = [binary, "serve",
               "--cert", str(certs / "tls.crt"), "--key", str(certs / "tls.key"),
               "--bind-address", "127.0.0.1"]
        if not any(a == "--port" or a.startswith("--port=") for a in args):
            cmd += ["--port", "0"]
        if not any(a == "--metrics-port" or a.startswith("--metrics-port=") for a in args):
            cmd += ["--metrics-port", "0"]
        cmd += list(args)
        if "--shutdown-delay" not in args:
            cmd += ["--shutdown-delay", "0s"]  # tests that measure the drain set their own
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        if wait_ready:
            self.wait_for(lambda: self.readyz() == 200, "the webhook to become ready")

    @property
    def port(self):
        """The TLS listener's bound port (waits for the webhook to log it)."""
        return self._bound_port(tls=True)

    @property
    def metrics_port(self):
        """The plain-HTTP listener's bound port (waits for the webhook to log it)."""
        return self._bound_port(tls=False)

    def _bound_port(self, tls, timeout=20.0):
        deadline = time.monotonic() + timeout
        while tls not in self._ports:
            for match in LISTENING.finditer(self.logs()):
                self._ports[match.group(3) == "true"] = int(match.group(2))
            if tls in self._ports:
                break
            if self.proc.poll() is not None:
                pytest.fail("webhook exited (%s) before listening:\n%s" % (self.proc.returncode, self.logs()))
            if time.monotonic() > deadline:
                pytest.fail("timed out after %.0fs waiting for the webhook to listen:\n%s" % (timeout, self.logs()))
            time.sleep(0.02)
        return self._ports[tls]

    def wait_for(self, predicate, what, timeout=20.0):
        """Polls `predicate` until true; fails with the server's log when it does not happen in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail("webhook exited (%s) while waiting for %s:\n%s" % (self.proc.returncode, what, self.logs()))
            if predicate():
                return
            time.sleep(0.05)
        pytest.fail("timed out after %.0fs waiting for %s:\n%s" % (timeout, what, self.logs()))

    def logs(self):
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self, sig=None, timeout=30):
        import signal as signals
        if self.proc.poll() is None:
            self.proc.send_signal(sig or signals.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode


@pytest.fixture
def start_webhook(webhook_bin, certs, tmp_path):
    """Starts `webhook serve` with extra args; every process started is stopped after the test."""
    started = []

    def start(*args, wait_ready=True, cert_dir=None, env=None):
        process = WebhookProcess(webhook_bin, cert_dir or certs, args, tmp_path, wait_ready=wait_ready, env=env)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture(scope="session")
def helm(tmp_path_factory):
    """`helm` (installed on first use) in private HELM_* homes, never against a real cluster."""
    try:
        binary = get_helm.ensure_helm()
    except get_helm.HelmInstallError as error:
        pytest.fail("cannot install helm: %s" % error)
    home = tmp_path_factory.mktemp("helm-home")
    env = dict(os.environ)
    for name in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
        env[name] = str(home / name.lower())
    env["KUBECONFIG"] = str(home / "no-cluster")  # never a real cluster

    def run(*args, values=None, check=True):
        command = [str(binary), *args]
        if values is not None:
            path = home / ("values-%d.yaml" % len(list(home.glob("values-*.yaml"))))
            path.write_text(yaml.safe_dump(values))
            command += ["--values", str(path)]
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=TIMEOUT)
        if check and result.returncode != 0:
            pytest.fail("%s failed (%d):\n%s" % (" ".join(args[:2]), result.returncode, result.stderr))
        return result

    run.env = env
    run.binary = binary
    return run
