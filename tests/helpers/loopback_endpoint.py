"""The part every small test endpoint shares: a threaded HTTP server on 127.0.0.1 (a port of its own), started
and stopped by the test."""
import http.server
import threading


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
