"""The TLS port's handshakes with openssl s_client: which key-exchange groups are offered, and TLS 1.2 session-ID
resumption after a clean and after an abrupt close. Every wait is bounded."""
import re
import subprocess
import time
import urllib.request

import pytest

SERVICE_ACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: tls-handshakes, namespace: default}
"""


@pytest.fixture
def webhook(start_webhook, tmp_path):
    path = tmp_path / "sa.yaml"
    path.write_text(SERVICE_ACCOUNT)
    return start_webhook("--service-accounts", str(path))


def s_client(webhook, *args):
    return subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % webhook.port] + list(args),
                          input="", capture_output=True, text=True, errors="replace", timeout=20)


# --- Key-exchange groups: X25519, P-256, P-384 (Go's set); no FFDHE, no X448 --------------------------------

@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
@pytest.mark.parametrize("group, temp_key", [("X25519", "X25519"), ("P-256", "prime256v1"), ("P-384", "secp384r1")])
def test_offered_group_is_negotiated(webhook, version, group, temp_key):
    result = s_client(webhook, version, "-groups", group)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Server Temp Key: (ECDH, )?%s" % temp_key, result.stdout), result.stdout


@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
@pytest.mark.parametrize("group", ["ffdhe8192", "ffdhe2048", "X448", "P-521"])
def test_group_outside_the_set_is_refused(webhook, version, group):
    result = s_client(webhook, version, "-groups", group)
    assert result.returncode != 0, result.stdout
    assert "Server Temp Key" not in result.stdout
    assert "handshake failure" in result.stdout + result.stderr


# --- TLS 1.2 session-ID resumption -----------------------------------------------------------------------------

def open_connections(webhook):
    with urllib.request.urlopen(webhook.metrics_url + "/metrics", timeout=5) as response:
        text = response.read().decode()
    match = re.search(r'^open_connections\{port="%d"\} (\d+)' % webhook.port, text, re.M)
    return int(match.group(1)) if match else 0


def new_session(webhook, session_file, close):
    """A full TLS 1.2 handshake without tickets (so only the server's session-ID cache can resume it),
    the session saved to `session_file`, then the client closes: `clean` sends close_notify (stdin ends),
    `abrupt` kills the client, so the kernel closes the socket without one."""
    command = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % webhook.port, "-tls1_2", "-no_ticket",
               "-sess_out", str(session_file)]
    if close == "clean":
        result = subprocess.run(command, input="", capture_output=True, text=True, errors="replace", timeout=20)
        assert "New, TLSv1.2" in result.stdout, result.stdout + result.stderr
    else:
        client = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            while not (session_file.exists() and session_file.stat().st_size > 0):
                assert client.poll() is None and time.monotonic() < deadline, "s_client saved no session"
                time.sleep(0.05)
        finally:
            client.kill()
            client.wait()
    # The server has seen the close (and freed the connection) before the session is offered again.
    webhook.wait_for(lambda: open_connections(webhook) == 0, "the server to close the first connection")


@pytest.mark.parametrize("close", ["clean", "abrupt"])
def test_tls12_session_id_is_resumed_after_the_first_connection_closes(webhook, tmp_path, close):
    session_file = tmp_path / "session.pem"
    new_session(webhook, session_file, close)
    resumed = s_client(webhook, "-tls1_2", "-no_ticket", "-sess_in", str(session_file))
    assert "Reused, TLSv1.2" in resumed.stdout, resumed.stdout + resumed.stderr
