"""Log lines written off the event loops (issue 16): in order, all of them before a clean exit, valid JSON, and a
standard error nobody reads costs dropped (and counted) lines, never stalled admission."""
import json
import re
import signal
import subprocess
import threading
import time

import httpx
import pytest

from helpers.loopback_endpoint import free_port
from helpers.admission import SERVICE_ACCOUNTS, review as review_of

def admit(c, url, uid):
    body = json.dumps(review_of(uid=uid)).encode()
    r = c.post(url + "/mutate", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json()["response"]["uid"] == uid


@pytest.fixture
def manifests(tmp_path):
    path = tmp_path / "service-accounts.yaml"
    path.write_text(SERVICE_ACCOUNTS)
    return str(path)


def decision_uids(text):
    """The uids of the `admission decision` JSON lines, in the order they were written."""
    return [json.loads(line)["uid"] for line in text.splitlines() if '"admission decision"' in line]


def test_decision_lines_arrive_in_order_under_load(start_webhook, manifests):
    webhook = start_webhook("--service-accounts", manifests, "--log-format", "json")
    clients, per_client = 4, 100

    def send(client_index):
        with httpx.Client(http2=True, verify=webhook.ssl_context, timeout=10) as c:
            for n in range(per_client):
                admit(c, webhook.url, "c%d-%03d" % (client_index, n))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "the load did not finish in 120 s"
    # Written within the flush interval: poll until every line is there.
    webhook.wait_for(lambda: len(decision_uids(webhook.logs())) >= clients * per_client,
                     "%d decision lines" % (clients * per_client))
    uids = decision_uids(webhook.logs())
    assert len(uids) == clients * per_client, "a line was written twice"
    for i in range(clients):
        mine = [u for u in uids if u.startswith("c%d-" % i)]
        assert mine == sorted(mine), "client %d's decisions logged out of order: %s" % (i, mine[:20])
        assert len(mine) == per_client


def test_every_json_line_is_valid_json(start_webhook, manifests):
    webhook = start_webhook("--service-accounts", manifests, "--log-format", "json")
    with httpx.Client(http2=False, verify=webhook.ssl_context, timeout=10) as c:
        for n in range(20):
            admit(c, webhook.url, "json-%02d" % n)
        # A refused request logs a warning on the same path.
        r = c.post(webhook.url + "/mutate", content=b"{}", headers={"content-type": "text/plain"})
        assert r.status_code == 415
    webhook.wait_for(lambda: "unsupported content type" in webhook.logs(), "the refusal's warning")
    lines = webhook.logs().splitlines()
    for line in lines:
        entry = json.loads(line)  # raises on a torn or merged line
        assert {"time", "level", "logger", "msg"} <= entry.keys(), line
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["time"]), line
    assert decision_uids("\n".join(lines)) == ["json-%02d" % n for n in range(20)]
    warning = [json.loads(l) for l in lines if "unsupported content type" in l][0]
    assert warning["level"] == "warning" and warning["contentType"] == "text/plain"


def test_every_line_logged_before_sigterm_is_written(start_webhook, manifests):
    webhook = start_webhook("--service-accounts", manifests, "--log-format", "json")
    with httpx.Client(http2=True, verify=webhook.ssl_context, timeout=10) as c:
        for n in range(200):
            admit(c, webhook.url, "exit-%03d" % n)
    # No wait for the flush interval: the exit itself must write what is still buffered.
    assert webhook.stop() == 0
    text = webhook.log_path.read_text()
    assert decision_uids(text) == ["exit-%03d" % n for n in range(200)]
    assert json.loads(text.splitlines()[-1])["msg"] == "shut down gracefully"


def test_text_format_lines_are_written_too(start_webhook, manifests):
    webhook = start_webhook("--service-accounts", manifests, "--log-format", "text")
    with httpx.Client(http2=True, verify=webhook.ssl_context, timeout=10) as c:
        admit(c, webhook.url, "text-1")
    webhook.wait_for(lambda: "uid=text-1" in webhook.logs(), "the text decision line")
    line = [l for l in webhook.logs().splitlines() if "uid=text-1" in l][0]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO webhook: admission decision ", line), line


def dropped_lines(metrics_url):
    text = httpx.get(metrics_url + "/metrics", timeout=5).text
    match = re.search(r"^log_lines_dropped_total (\d+)", text, re.M)
    assert match, "no log_lines_dropped_total on /metrics"
    return int(match.group(1))


def test_unread_stderr_pipe_drops_lines_but_never_stalls_admission(webhook_bin, certs, manifests):
    port, metrics_port = free_port(), free_port()
    # Standard error into a pipe nobody reads: once its 64 KiB and the 16 KiB buffer are full, every
    # further line must be dropped, not waited for.
    process = subprocess.Popen(
        [webhook_bin, "serve", "--cert", str(certs / "tls.crt"), "--key", str(certs / "tls.key"),
         "--bind-address", "127.0.0.1", "--port", str(port), "--metrics-port", str(metrics_port),
         "--service-accounts", manifests, "--shutdown-delay", "0s", "--log-format", "json",
         "--log-buffer-bytes", "16384"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    metrics_url = "http://127.0.0.1:%d" % metrics_port
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, "the webhook exited (%s)" % process.returncode
            try:
                if httpx.get(metrics_url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "not ready in 30 s"
            time.sleep(0.05)
        assert dropped_lines(metrics_url) == 0
        # Each request answered within httpx's 10 s timeout (a stalled loop fails it); bounded in count.
        with httpx.Client(http2=True, verify=False, timeout=10) as c:
            sent = 0
            while dropped_lines(metrics_url) == 0:
                assert sent < 5000, "5000 decisions and no line dropped"
                for _ in range(50):
                    admit(c, "https://127.0.0.1:%d" % port, "pipe-%05d" % sent)
                    sent += 1
            first = dropped_lines(metrics_url)
            for n in range(100):
                admit(c, "https://127.0.0.1:%d" % port, "more-%03d" % n)
        assert dropped_lines(metrics_url) >= first + 100, "the decisions made while the pipe is full were not all counted"
        # The exit waits for the unread pipe only a bounded time.
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
