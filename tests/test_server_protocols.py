"""The serving core through `webhook serve`, with real clients: curl, openssl s_client, h2load, httpx, and raw
sockets / raw HTTP/2 frames for abuse (slowloris, oversized heads, rapid reset, CONTINUATION and PING floods,
too many streams). Every wait is bounded."""
import email.utils
import re
import signal
import socket
import ssl
import struct
import subprocess
import time

import hpack
import httpx
import pytest

from raw_h2 import (ACK, CANCEL, CONTINUATION, END_HEADERS, END_STREAM, ENHANCE_YOUR_CALM, GOAWAY, H2, HEADERS,
                    NO_ERROR, PING, PROTOCOL_ERROR, REFUSED_STREAM, RST_STREAM, SETTINGS, frame, tls_socket)
from helpers.admission import SERVICE_ACCOUNTS



@pytest.fixture
def manifests(tmp_path):
    path = tmp_path / "sa.yaml"
    path.write_text(SERVICE_ACCOUNTS)
    return str(path)


@pytest.fixture
def webhook(start_webhook, manifests):
    return start_webhook("--service-accounts", manifests, "--read-header-timeout", "2s",
                         "--max-request-bytes", "100000")


def read_until_closed(sock, limit=1 << 20, timeout=10):
    """Everything the server sends until it closes (bounded in size and time); (bytes, closed)."""
    sock.settimeout(timeout)
    data = b""
    try:
        while len(data) < limit:
            chunk = sock.recv(65536)
            if not chunk:
                return data, True
            data += chunk
    except (ConnectionResetError, ssl.SSLError):
        return data, True
    except socket.timeout:
        return data, False
    return data, False


# --- Protocols, versions, ALPN -------------------------------------------------------------------------------

def curl(webhook, *args):
    return subprocess.run(["curl", "-sS", "--cacert", webhook.ca, "--max-time", "10", "-o", "/dev/null",
                           "-w", "%{http_version} %{response_code}"] + list(args),
                          capture_output=True, text=True, timeout=30)


def test_curl_gets_http2_by_alpn_and_http11_when_asked(webhook):
    assert curl(webhook, "--http2", webhook.url + "/healthz").stdout == "2 200"
    assert curl(webhook, "--http1.1", webhook.url + "/healthz").stdout == "1.1 200"
    assert curl(webhook, "--no-alpn", webhook.url + "/healthz").stdout == "1.1 200"


def test_openssl_alpn_prefers_h2_and_refuses_tls11(webhook):
    def s_client(*args):
        return subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % webhook.port] + list(args),
                              input="", capture_output=True, text=True, errors="replace", timeout=20)
    assert "ALPN protocol: h2" in s_client("-alpn", "http/1.1,h2").stdout
    assert "ALPN protocol: http/1.1" in s_client("-alpn", "http/1.1").stdout
    old = s_client("-tls1_1")
    assert old.returncode != 0 and "protocol version" in old.stdout + old.stderr


def test_tls13_minimum_refuses_tls12(start_webhook, manifests):
    webhook = start_webhook("--service-accounts", manifests, "--tls-min-version", "1.3")
    assert curl(webhook, "--tls-max", "1.2", webhook.url + "/healthz").returncode != 0
    assert curl(webhook, "--tlsv1.3", webhook.url + "/healthz").stdout == "2 200"


def test_httpx_http2_and_http11_keep_alive(webhook):
    context = ssl.create_default_context(cafile=webhook.ca)
    with httpx.Client(http2=True, verify=context, timeout=10) as client:
        versions = {client.get(webhook.url + "/healthz").http_version for _ in range(20)}
        assert versions == {"HTTP/2"}
    with httpx.Client(http2=False, verify=context, timeout=10) as client:
        responses = [client.get(webhook.url + "/healthz") for _ in range(20)]
        assert {r.http_version for r in responses} == {"HTTP/1.1"}
        assert all(r.status_code == 200 for r in responses)


def test_h2load_runs_without_failures(webhook):
    result = subprocess.run(["h2load", "-n", "2000", "-c", "8", "-m", "16", webhook.url + "/healthz"],
                            capture_output=True, text=True, timeout=120)
    assert "2000 succeeded, 0 failed, 0 errored" in result.stdout, result.stdout + result.stderr


def test_plain_metrics_port_speaks_http11(webhook):
    result = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_version} %{response_code}",
                             webhook.metrics_url + "/metrics"], capture_output=True, text=True, timeout=30)
    assert result.stdout == "1.1 200"


# --- HTTP/1.1 abuse over TLS ---------------------------------------------------------------------------------

def test_slowloris_head_is_cut_off_by_the_header_timeout(webhook):
    sock = tls_socket(webhook, alpn=("http/1.1",))
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
    started = time.monotonic()
    data, closed = read_until_closed(sock, timeout=15)
    assert closed and data == b""
    assert time.monotonic() - started < 10  # --read-header-timeout 2s, checked every 250 ms


def test_tls_handshake_that_never_starts_is_cut_off(webhook):
    raw = socket.create_connection(("127.0.0.1", webhook.port), timeout=15)
    data, closed = read_until_closed(raw, timeout=15)
    assert closed and data == b""


@pytest.mark.parametrize("request_bytes,status", [
    (b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n", b"431"),
    (b"\x00\x01garbage\r\n\r\n", b"400"),
    (b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", b"400"),
    (b"POST /mutate HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nnothex\r\n", b"400"),
    (b"POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100001\r\n\r\n", b"413"),
])
def test_bad_http11_requests_get_a_status_and_a_close(webhook, request_bytes, status):
    sock = tls_socket(webhook, alpn=("http/1.1",))
    sock.sendall(request_bytes)
    data, closed = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 " + status), data[:100]
    assert closed


def test_pipelined_requests_are_answered_in_order(webhook):
    sock = tls_socket(webhook, alpn=("http/1.1",))
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
                 b"GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n"
                 b"GET /livez HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    data, closed = read_until_closed(sock)
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", data)
    assert statuses == [b"200", b"404", b"200"] and closed


def test_oversized_body_gets_413_with_curl_over_http11_and_http2(webhook, tmp_path):
    body = tmp_path / "big.json"
    body.write_bytes(b"x" * 300000)
    for version in ("--http1.1", "--http2"):
        result = curl(webhook, version, "-H", "content-type: application/json", "--data-binary", "@%s" % body,
                      webhook.url + "/mutate")
        assert result.stdout.endswith(" 413"), (version, result.stdout, result.stderr)


# --- HTTP/2 abuse ----------------------------------------------------------------------------------------------

def test_rapid_reset_gets_goaway_enhance_your_calm(webhook):
    h2 = H2(webhook)
    burst = b""
    for index in range(1000):
        stream = 1 + 2 * index
        burst += frame(HEADERS, END_HEADERS | END_STREAM, stream, h2.block())
        burst += frame(RST_STREAM, 0, stream, struct.pack(">I", CANCEL))
    h2.send(burst)
    assert h2.goaway_code() == ENHANCE_YOUR_CALM
    h2.close()


def test_continuation_flood_gets_goaway_enhance_your_calm(webhook):
    h2 = H2(webhook)
    h2.send(frame(HEADERS, END_STREAM, 1, h2.block()))
    h2.send(b"".join(frame(CONTINUATION, 0, 1, b"") for _ in range(10000)))
    assert h2.goaway_code() == ENHANCE_YOUR_CALM
    h2.close()


def test_ping_flood_gets_goaway_enhance_your_calm(webhook):
    h2 = H2(webhook)
    h2.send(b"".join(frame(PING, 0, 0, struct.pack(">Q", n)) for n in range(5000)))
    assert h2.goaway_code() == ENHANCE_YOUR_CALM
    h2.close()


def test_streams_beyond_the_concurrency_limit_are_not_served(webhook):
    h2 = H2(webhook)
    # Acknowledge the server's SETTINGS first, as a real client does.
    frames = h2.frames(lambda fs: any(f[0] == SETTINGS and not f[1] & ACK for f in fs))
    settings = next(f[3] for f in frames if f[0] == SETTINGS and not f[1] & ACK)
    advertised = dict(struct.unpack(">HI", settings[i:i + 6]) for i in range(0, len(settings), 6))
    assert advertised[0x3] == 128  # SETTINGS_MAX_CONCURRENT_STREAMS
    h2.send(frame(SETTINGS, ACK, 0, b""))
    # 140 uploads that never finish their body: at most 128 may be open. nghttp2 refuses the excess with
    # REFUSED_STREAM before the SETTINGS ACK and with a connection PROTOCOL_ERROR after it (RFC 9113 5.1.2).
    h2.send(b"".join(frame(HEADERS, END_HEADERS, 1 + 2 * i, h2.block("POST", "/mutate"))
                     for i in range(140)))
    frames = h2.frames(lambda fs: any(f[0] == GOAWAY for f in fs)
                       or sum(1 for f in fs if f[0] == RST_STREAM) >= 12, timeout=10)
    resets = {f[2]: struct.unpack(">I", f[3])[0] for f in frames if f[0] == RST_STREAM}
    goaways = [struct.unpack(">II", f[3][:8]) for f in frames if f[0] == GOAWAY]
    if goaways:
        last_stream, code = goaways[0]
        assert code == PROTOCOL_ERROR and last_stream <= 2 * 128 - 1
    else:
        assert len(resets) >= 12 and all(stream > 2 * 128 - 1 for stream in resets)
        assert set(resets.values()) <= {REFUSED_STREAM, PROTOCOL_ERROR}
    h2.close()


def test_http2_header_list_over_the_limit_gets_431(webhook):
    h2 = H2(webhook)
    block = h2.block(extra=[("x-big", "b" * 70000)])
    # Split into frames of at most 16 KiB (the default SETTINGS_MAX_FRAME_SIZE).
    chunks = [block[i:i + 16384] for i in range(0, len(block), 16384)]
    data = frame(HEADERS, END_STREAM, 1, chunks[0])
    for index, chunk in enumerate(chunks[1:], start=1):
        data += frame(CONTINUATION, END_HEADERS if index == len(chunks) - 1 else 0, 1, chunk)
    h2.send(data)
    frames = h2.frames(lambda fs: any(f[0] in (HEADERS, RST_STREAM, GOAWAY) and f[2] in (0, 1) for f in fs))
    answers = [f for f in frames if f[0] in (HEADERS, RST_STREAM, GOAWAY)]
    assert answers, frames
    kind, _, _, payload = answers[0]
    if kind == HEADERS:
        assert hpack.Decoder().decode(payload)[0] == (":status", "431")
    else:
        assert kind in (RST_STREAM, GOAWAY)  # refused before the block was decoded
    h2.close()


def test_http2_connection_without_a_request_is_closed_after_the_header_timeout(webhook):
    h2 = H2(webhook)  # preface and SETTINGS, then silence
    started = time.monotonic()
    h2.frames(lambda fs: False, timeout=15)  # returns when the server closes
    assert time.monotonic() - started < 10  # --read-header-timeout 2s
    h2.close()


def test_idle_http2_connection_gets_goaway_and_is_closed(start_webhook, manifests):
    webhook = start_webhook("--service-accounts", manifests, "--idle-timeout", "2s")
    h2 = H2(webhook)
    h2.send(frame(HEADERS, END_HEADERS | END_STREAM, 1, h2.block()))
    assert h2.frames(lambda fs: any(f[0] == HEADERS and f[2] == 1 for f in fs))
    started = time.monotonic()
    assert h2.goaway_code(timeout=15) == NO_ERROR
    assert time.monotonic() - started < 10
    h2.close()


def test_idle_http11_connection_is_closed(start_webhook, manifests):
    webhook = start_webhook("--service-accounts", manifests, "--idle-timeout", "2s")
    sock = tls_socket(webhook, alpn=("http/1.1",))
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
    started = time.monotonic()
    data, closed = read_until_closed(sock, timeout=15)
    assert data.startswith(b"HTTP/1.1 200") and closed
    assert time.monotonic() - started < 10


# --- Shutdown ----------------------------------------------------------------------------------------------------

def test_sigterm_sends_goaway_and_exits_in_time(webhook):
    h2 = H2(webhook)
    h2.send(frame(HEADERS, END_HEADERS | END_STREAM, 1, h2.block()))
    h2.frames(lambda fs: any(f[0] == HEADERS and f[2] == 1 for f in fs))
    webhook.proc.send_signal(signal.SIGTERM)
    assert h2.goaway_code(timeout=15) == NO_ERROR
    h2.close()
    assert webhook.proc.wait(timeout=20) == 0


# --- RFC 9113 5.1.1 and the Date field --------------------------------------------------------------------------

def test_http2_stream_id_lower_than_one_opened_is_goaway_protocol_error(webhook):
    h2 = H2(webhook)
    h2.send(frame(HEADERS, END_HEADERS | END_STREAM, 5, h2.block()))
    h2.send(frame(HEADERS, END_HEADERS | END_STREAM, 3, h2.block()))
    frames = h2.frames(lambda fs: any(f[0] == GOAWAY for f in fs))
    goaways = [struct.unpack(">II", f[3][:8]) for f in frames if f[0] == GOAWAY]
    assert goaways, frames
    last_stream, code = goaways[0]
    assert code == PROTOCOL_ERROR and last_stream == 5
    assert not any(f[0] == HEADERS and f[2] == 3 for f in frames)
    h2.close()


def assert_imf_fixdate(value):
    assert re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                        r"\d{4} \d\d:\d\d:\d\d GMT", value), value
    sent = email.utils.parsedate_to_datetime(value).timestamp()
    assert abs(sent - time.time()) < 60, value  # the wall clock's current second, not a stale or made-up one


@pytest.mark.parametrize("http2", [True, False])
def test_every_response_has_a_date_field(webhook, http2):
    with httpx.Client(http2=http2, http1=not http2, verify=webhook.ssl_context) as client:
        for path in ("/healthz", "/no-such-path"):
            response = client.get(webhook.url + path)
            assert response.http_version == ("HTTP/2" if http2 else "HTTP/1.1")
            assert len(response.headers.get_list("date")) == 1
            assert_imf_fixdate(response.headers["date"])


def test_server_refusals_have_a_date_field(webhook):
    with tls_socket(webhook, alpn=("http/1.1",)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
        data, _ = read_until_closed(sock)
    head = data.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("HTTP/1.1 400")
    dates = [line.split(": ", 1)[1] for line in head.split("\r\n")[1:] if line.lower().startswith("date:")]
    assert len(dates) == 1
    assert_imf_fixdate(dates[0])
