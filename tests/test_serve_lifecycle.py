"""Lifecycle of `webhook serve`: certificate reload under load, graceful shutdown under load."""
import json
import os
import shutil
import signal
import ssl
import subprocess
import threading
import time

import httpx
import pytest

from helpers.certificates import der, make_certs, serving_certificate
from helpers.admission import SERVICE_ACCOUNTS, review


class Load:
    """Sends admission requests on one HTTP/2 connection until stopped; records every outcome with its time."""

    def __init__(self, webhook, ca, max_requests=20000):
        self.webhook, self.ca, self.max_requests = webhook, ca, max_requests
        self.results = []  # (monotonic time, ok, detail)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        body = json.dumps(review()).encode()
        with httpx.Client(http2=True, verify=ssl.create_default_context(cafile=self.ca), timeout=5) as c:
            for _ in range(self.max_requests):
                if self._stop.is_set():
                    return
                try:
                    r = c.post(self.webhook.url + "/mutate", content=body, headers={"content-type": "application/json"})
                    self.results.append((time.monotonic(), r.status_code == 200, r.status_code))
                except httpx.HTTPError as e:
                    self.results.append((time.monotonic(), False, repr(e)))

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=30)

    def failures(self, until=None):
        return [r for r in self.results if not r[1] and (until is None or r[0] < until)]


@pytest.fixture
def manifests(tmp_path):
    path = tmp_path / "sa.yaml"
    path.write_text(SERVICE_ACCOUNTS)
    return path


def test_certificate_reload_under_load_keeps_serving(start_webhook, manifests, tmp_path):
    live = make_certs(tmp_path / "live")
    webhook = start_webhook("--service-accounts", str(manifests), cert_dir=live)
    ca = str(tmp_path / "live-ca.crt")
    shutil.copy(live / "ca.crt", ca)
    assert serving_certificate(webhook.port) == der(live / "tls.crt")
    load = Load(webhook, ca)
    try:
        # A new pair from the same CA, swapped in atomically (rename), as a careful operator does.
        fresh = tmp_path / "fresh"
        fresh.mkdir()
        for name in ("ca.crt", "ca.key"):
            shutil.copy(live / name, fresh / name)
        subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(fresh / "tls.key"),
                        "-out", str(fresh / "tls.csr"), "-subj", "/CN=localhost"], check=True, capture_output=True)
        (fresh / "ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        subprocess.run(["openssl", "x509", "-req", "-in", str(fresh / "tls.csr"), "-CA", str(fresh / "ca.crt"),
                        "-CAkey", str(fresh / "ca.key"), "-CAcreateserial", "-days", "2", "-extfile", str(fresh / "ext"),
                        "-out", str(fresh / "tls.crt")], check=True, capture_output=True)
        for name in ("tls.key", "tls.crt"):
            shutil.copy(fresh / name, live / (name + ".new"))
            os.rename(live / (name + ".new"), live / name)
        webhook.wait_for(lambda: serving_certificate(webhook.port) == der(fresh / "tls.crt"), "the new certificate")
    finally:
        load.stop()
    assert len(load.results) > 0
    assert load.failures() == []
    metrics = httpx.get(webhook.metrics_url + "/metrics").text
    assert 'certificate_reloads_total{result="success"}' in metrics


def test_secret_volume_symlink_swap_is_picked_up(start_webhook, manifests, tmp_path):
    """Kubernetes Secret volumes swap a `..data` symlink; the visible files are symlinks into it."""
    first = make_certs(tmp_path / "first")
    second = make_certs(tmp_path / "second")
    volume = tmp_path / "volume"
    volume.mkdir()
    shutil.copytree(first, volume / "..2026_01_01")
    os.symlink("..2026_01_01", volume / "..data")
    for name in ("tls.crt", "tls.key", "ca.crt"):
        os.symlink("..data/" + name, volume / name)
    webhook = start_webhook("--service-accounts", str(manifests), cert_dir=volume)
    assert serving_certificate(webhook.port) == der(first / "tls.crt")
    shutil.copytree(second, volume / "..2026_01_02")
    os.symlink("..2026_01_02", volume / "..data_tmp")
    os.rename(volume / "..data_tmp", volume / "..data")
    webhook.wait_for(lambda: serving_certificate(webhook.port) == der(second / "tls.crt"), "the swapped certificate")


def test_broken_new_pair_keeps_the_old_one(start_webhook, manifests, tmp_path):
    live = make_certs(tmp_path / "live")
    webhook = start_webhook("--service-accounts", str(manifests), cert_dir=live)
    original = der(live / "tls.crt")
    (live / "tls.crt").write_text("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
    webhook.wait_for(lambda: 'certificate_reloads_total{result="failure"}' in httpx.get(webhook.metrics_url + "/metrics").text,
                     "a failed reload to be counted")
    assert serving_certificate(webhook.port) == original
    with httpx.Client(http2=True, verify=ssl.create_default_context(cafile=str(live / "ca.crt"))) as c:
        assert c.get(webhook.url + "/healthz").status_code == 200
    # Log lines reach stderr within the log writer's flush interval, not at once.
    webhook.wait_for(lambda: "error" in webhook.logs().lower(), "the rejected pair to be logged")


def test_graceful_shutdown_under_load(start_webhook, manifests):
    delay = 2.0
    webhook = start_webhook("--service-accounts", str(manifests), "--shutdown-delay", "%gs" % delay)
    load = Load(webhook, webhook.ca)
    webhook.wait_for(lambda: len(load.results) >= 20, "load to start")
    signalled = time.monotonic()
    webhook.proc.send_signal(signal.SIGTERM)
    # Readiness flips at once so endpoints stop routing new traffic here...
    webhook.wait_for(lambda: webhook.readyz() == 503, "/readyz to report 503", timeout=delay)
    # ...while requests keep being served during the whole delay.
    webhook.wait_for(lambda: time.monotonic() > signalled + delay - 0.2, "the drain delay", timeout=delay + 1)
    during = [r for r in load.results if signalled <= r[0] < signalled + delay - 0.2]
    load.stop()
    code = webhook.proc.wait(timeout=30)
    assert code == 0, webhook.logs()
    assert len(during) > 0
    assert load.failures(until=signalled + delay - 0.2) == []
