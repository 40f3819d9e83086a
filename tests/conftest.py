"""Shared fixtures for the integration tests: the built binary, certificates and free ports."""
import os
import socket
import ssl
import subprocess
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Shared test helpers (fake servers, tool installers) live in tests/helpers, importable from every test module.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "helpers"))


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
    from fake_apiserver import FakeAPIServer
    server = FakeAPIServer(str(certs / "tls.crt"), str(certs / "tls.key")).start()
    yield server
    server.stop()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


class WebhookProcess(WebhookEndpoints):
    """The real `webhook serve` binary on 127.0.0.1, its logs captured to a file."""

    def __init__(self, binary, certs, args, tmp_path, wait_ready=True, env=None):
        self.port = free_port()
        self.metrics_port = free_port()
        self.log_path = tmp_path / ("webhook-%d.log" % self.port)
        self.ca = str(certs / "ca.crt")
        self.ssl_context = ssl.create_default_context(cafile=self.ca)
        cmd = [binary, "serve",
               "--cert", str(certs / "tls.crt"), "--key", str(certs / "tls.key"),
               "--bind-address", "127.0.0.1", "--port", str(self.port),
               "--metrics-port", str(self.metrics_port)] + list(args)
        if "--shutdown-delay" not in args:
            cmd += ["--shutdown-delay", "0s"]  # tests that measure the drain set their own
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        if wait_ready:
            self.wait_for(lambda: self.readyz() == 200, "the webhook to become ready")

    def wait_for(self, predicate, what, timeout=20.0):
        """Polls `predicate` until true; fails with the server's log when it does not happen in time."""
        import time
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail("webhook exited (%s) while waiting for %s:\n%s" % (self.proc.returncode, what, self.logs()))
            if predicate():
                return
            time.sleep(0.05)
        pytest.fail("timed out after %.0fs waiting for %s:\n%s" % (timeout, what, self.logs()))

    def logs(self):
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
