"""The part every small test endpoint shares: a threaded HTTP server on 127.0.0.1 (a port of its own), started
and stopped by the test, and a request handler that answers with whole bodies and writes no access log."""
import http.server
import json
import socket
import threading


def free_port():
    """A port that was free a moment ago. Only for servers that cannot bind port 0 and say which port they got
    (the webhook can: WebhookProcess reads its bound ports from its log)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class QuietHandler(http.server.BaseHTTPRequestHandler):
    def reply(self, status, data, content_type=None):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def reply_json(self, status, body):
        self.reply(status, json.dumps(body).encode(), "application/json")

    def log_message(self, *args):
        pass


class LoopbackEndpoint:
    def __init__(self):
        self._lock = threading.Lock()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def origin(self):
        return "http://127.0.0.1:%d" % self._server.server_address[1]

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def _handler(self):
        raise NotImplementedError
