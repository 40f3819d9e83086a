"""HTTP/2 written frame by frame over TLS, for the tests that send what well-behaved libraries refuse to."""
import socket
import ssl
import struct
import time

import hpack

# Frame types, flags, error codes and settings (RFC 9113).
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = 0, 1, 2, 3, 4, 6, 7, 8, 9
END_STREAM, END_HEADERS, ACK = 0x1, 0x4, 0x1
NO_ERROR, PROTOCOL_ERROR, CANCEL, REFUSED_STREAM, ENHANCE_YOUR_CALM = 0x0, 0x1, 0x8, 0x7, 0xB
SETTINGS_HEADER_TABLE_SIZE, SETTINGS_INITIAL_WINDOW_SIZE = 0x1, 0x4
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def tls_socket(webhook, alpn=("h2", "http/1.1"), timeout=10):
    context = ssl.create_default_context(cafile=webhook.ca)
    context.set_alpn_protocols(list(alpn))
    raw = socket.create_connection(("127.0.0.1", webhook.port), timeout=timeout)
    return context.wrap_socket(raw, server_hostname="localhost")


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


class H2:
    """HTTP/2 written frame by frame over TLS, for what well-behaved libraries refuse to send."""

    def __init__(self, webhook, settings=()):
        self.sock = tls_socket(webhook, alpn=("h2",))
        assert self.sock.selected_alpn_protocol() == "h2"
        self.encoder = hpack.Encoder()
        self.buffer = b""
        payload = b"".join(struct.pack(">HI", key, value) for key, value in settings)
        self.send(PREFACE + frame(SETTINGS, 0, 0, payload))

    def block(self, method="GET", path="/healthz", extra=()):
        return self.encoder.encode([(":method", method), (":scheme", "https"), (":path", path),
                                    (":authority", "localhost")] + list(extra))

    def send(self, data):
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            return False  # the server may have closed already: what it sent is still readable

    def frames(self, until, timeout=10.0):
        """Frames read until `until(frames)`, the connection closes, or `timeout`."""
        deadline = time.monotonic() + timeout
        frames = []
        while time.monotonic() < deadline:
            while len(self.buffer) >= 9:
                length = int.from_bytes(self.buffer[:3], "big")
                if len(self.buffer) < 9 + length:
                    break
                stream = int.from_bytes(self.buffer[5:9], "big") & 0x7FFFFFFF
                frames.append((self.buffer[3], self.buffer[4], stream, self.buffer[9:9 + length]))
                self.buffer = self.buffer[9 + length:]
            if until(frames):
                return frames
            self.sock.settimeout(0.25)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except (ConnectionResetError, ssl.SSLError, OSError):
                return frames
            if not chunk:
                return frames
            self.buffer += chunk
        return frames

    def goaway_code(self, timeout=10.0):
        frames = self.frames(lambda fs: any(f[0] == GOAWAY for f in fs), timeout)
        codes = [struct.unpack(">II", f[3][:8])[1] for f in frames if f[0] == GOAWAY]
        return codes[0] if codes else None

    def close(self):
        self.sock.close()
