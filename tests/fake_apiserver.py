"""A fake Kubernetes API server for the tests: HTTPS, HTTP/1.1, with real list/watch semantics.

It serves ServiceAccounts (cluster-wide list/watch, namespaced GET) and ConfigMaps (namespaced list/watch
with a metadata.name field selector). Every change gets the next resourceVersion and enters an event
history; a watch replays the history after its resourceVersion and then streams live events as chunked
JSON lines, with BOOKMARKs. Lists are paginated (limit/continue) over a snapshot taken at the first page.

Tests drive it in-process: add/modify/delete objects, compact the history (old resourceVersions then get
410 Gone), drop or expire open watches, hold watch delivery back (a lagging watch), slow responses down,
refuse credentials (401/403), and count requests.
"""
import base64
import json
import socket
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SA = "serviceaccounts"
CM = "configmaps"
KINDS = {SA: "ServiceAccount", CM: "ConfigMap"}


def status_body(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


class FakeAPIServer:
    def __init__(self, certfile, keyfile, token="good-token", page_limit=None):
        self.token = token
        self.page_limit = page_limit          # the server's own cap on a page, below the client's limit
        self.bookmark_interval = 1.0          # seconds between BOOKMARKs on an idle watch
        self.watch_errors_as_http = False     # 410 on a too-old watch as an HTTP status instead of an ERROR event
        self.forbid = False                   # answer 403 to every request
        self.list_delay = 0.0
        self.get_delay = 0.0
        self.hold_watches = False             # events are recorded but not delivered (a lagging watch)
        self.cond = threading.Condition()
        self.rv = 100
        self.compacted_rv = 0
        self.objects = {}                     # (resource, namespace, name) -> object
        self.history = []                     # (rv, resource, type, object)
        self.snapshots = {}                   # continue-token id -> (rv, [objects])
        self.epoch = 0                        # bumped to drop open watches
        self.expire_epoch = 0                 # bumped to send ERROR 410 to open watches
        self.requests = []                    # (method, path, query) of every request
        self.gets = {}                        # (namespace, name) -> direct GET count
        self.open_watches = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile)
        context.set_alpn_protocols(["http/1.1"])
        self._context = context
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle ---------------------------------------------------------------------------------
    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def url(self):
        return "https://127.0.0.1:%d" % self.port

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        with self.cond:
            self.epoch += 1
            self.cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    # --- state changes (thread-safe) ---------------------------------------------------------------
    def _record(self, resource, kind, obj):
        self.rv += 1
        obj = json.loads(json.dumps(obj))
        obj["metadata"]["resourceVersion"] = str(self.rv)
        key = (resource, obj["metadata"]["namespace"], obj["metadata"]["name"])
        if kind == "DELETED":
            self.objects.pop(key, None)
        else:
            self.objects[key] = obj
        self.history.append((self.rv, resource, kind, obj))
        self.cond.notify_all()
        return obj

    def put_service_account(self, namespace, name, annotations=None):
        """Adds or replaces a ServiceAccount (ADDED or MODIFIED)."""
        with self.cond:
            kind = "MODIFIED" if (SA, namespace, name) in self.objects else "ADDED"
            obj = {"kind": "ServiceAccount", "apiVersion": "v1",
                   "metadata": {"name": name, "namespace": namespace, "uid": "uid-%s-%s" % (namespace, name),
                                "annotations": dict(annotations or {})}}
            return self._record(SA, kind, obj)

    def delete_service_account(self, namespace, name):
        with self.cond:
            obj = self.objects[(SA, namespace, name)]
            return self._record(SA, "DELETED", obj)

    def put_config_map(self, namespace, name, data):
        with self.cond:
            kind = "MODIFIED" if (CM, namespace, name) in self.objects else "ADDED"
            obj = {"kind": "ConfigMap", "apiVersion": "v1",
                   "metadata": {"name": name, "namespace": namespace}, "data": dict(data)}
            return self._record(CM, kind, obj)

    def delete_config_map(self, namespace, name):
        with self.cond:
            obj = self.objects[(CM, namespace, name)]
            return self._record(CM, "DELETED", obj)

    def compact(self):
        """Forgets the history up to now, as etcd compaction does: older resourceVersions get 410 Gone."""
        with self.cond:
            self.compacted_rv = self.rv
            self.history = []
            self.snapshots = {}

    def drop_watches(self):
        """Closes every open watch connection abruptly (no final chunk)."""
        with self.cond:
            self.epoch += 1
            self.cond.notify_all()

    def expire_watches(self):
        """Sends an ERROR event (410 Expired) on every open watch, then ends it."""
        with self.cond:
            self.expire_epoch += 1
            self.cond.notify_all()

    def release_watches(self):
        with self.cond:
            self.hold_watches = False
            self.cond.notify_all()

    def count(self, predicate):
        with self.cond:
            return sum(1 for request in self.requests if predicate(*request))

    def list_count(self, resource):
        return self.count(lambda method, path, query: path.endswith("/" + resource) and "watch" not in query)

    def watch_count(self, resource):
        return self.count(lambda method, path, query: path.endswith("/" + resource) and "watch" in query)

    def get_count(self, namespace, name):
        with self.cond:
            return self.gets.get((namespace, name), 0)

    # --- request handling --------------------------------------------------------------------------
    def _handler_class(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                # The TLS handshake happens here, in the connection's own thread.
                self.request = api._context.wrap_socket(self.request, server_side=True)
                super().setup()

            def log_message(self, *args):
                pass

            def do_GET(self):
                api._serve(self)

        return Handler

    def _send_json(self, handler, code, body):
        data = json.dumps(body).encode()
        handler.send_response(code)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _serve(self, handler):
        parsed = urllib.parse.urlsplit(handler.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        path = parsed.path
        with self.cond:
            self.requests.append(("GET", path, query))
        if handler.headers.get("Authorization") != "Bearer " + self.token:
            return self._send_json(handler, 401, status_body(401, "Unauthorized", "Unauthorized"))
        if self.forbid:
            return self._send_json(handler, 403, status_body(
                403, "Forbidden", 'serviceaccounts is forbidden: User "system:serviceaccount:eks:webhook" cannot list '
                                  'resource "serviceaccounts" in API group "" at the cluster scope'))
        parts = path.strip("/").split("/")
        # /api/v1/serviceaccounts
        if parts == ["api", "v1", SA]:
            return self._collection(handler, SA, None, query)
        # /api/v1/namespaces/{ns}/{resource}[/{name}]
        if len(parts) in (5, 6) and parts[:3] == ["api", "v1", "namespaces"] and parts[4] in (SA, CM):
            namespace, resource = parts[3], parts[4]
            if len(parts) == 5:
                return self._collection(handler, resource, namespace, query)
            return self._get(handler, resource, namespace, parts[5])
        return self._send_json(handler, 404, status_body(404, "NotFound", "the server could not find the requested resource"))

    def _get(self, handler, resource, namespace, name):
        with self.cond:
            self.gets[(namespace, name)] = self.gets.get((namespace, name), 0) + 1
        if self.get_delay:
            time.sleep(self.get_delay)
        with self.cond:
            obj = self.objects.get((resource, namespace, name))
        if obj is None:
            return self._send_json(handler, 404, status_body(
                404, "NotFound", '%s "%s" not found' % (resource, name)))
        return self._send_json(handler, 200, obj)

    @staticmethod
    def _matches(obj, resource, wanted_resource, namespace, selector):
        if resource != wanted_resource:
            return False
        if namespace is not None and obj["metadata"]["namespace"] != namespace:
            return False
        if selector:
            field, _, value = selector.partition("=")
            if field != "metadata.name" or obj["metadata"]["name"] != value:
                return False
        return True

    def _collection(self, handler, resource, namespace, query):
        selector = query.get("fieldSelector")
        if query.get("fieldSelector") and not selector.startswith("metadata.name="):
            return self._send_json(handler, 400, status_body(400, "BadRequest", "unsupported field selector"))
        if query.get("watch") in ("true", "1"):
            return self._watch(handler, resource, namespace, selector, query)
        if self.list_delay:
            time.sleep(self.list_delay)
        limit = int(query.get("limit", "0") or 0)
        if self.page_limit:
            limit = min(limit, self.page_limit) if limit else self.page_limit
        with self.cond:
            token = query.get("continue")
            if token:
                snapshot_id, _, offset = base64.b64decode(token).decode().partition(":")
                if snapshot_id not in self.snapshots:
                    return self._send_json(handler, 410, status_body(
                        410, "Expired", "The provided continue parameter is too old to display a consistent list result."))
                list_rv, items = self.snapshots[snapshot_id]
                offset = int(offset)
            else:
                list_rv = self.rv
                items = sorted((obj for (res, _, _), obj in self.objects.items()
                                if self._matches(obj, res, resource, namespace, selector)),
                               key=lambda o: (o["metadata"]["namespace"], o["metadata"]["name"]))
                offset = 0
                snapshot_id = str(len(self.snapshots) + 1) + "-" + str(list_rv)
                self.snapshots[snapshot_id] = (list_rv, items)
        page = items[offset:offset + limit] if limit else items[offset:]
        metadata = {"resourceVersion": str(list_rv)}
        if limit and offset + limit < len(items):
            metadata["continue"] = base64.b64encode(("%s:%d" % (snapshot_id, offset + limit)).encode()).decode()
        body = {"kind": KINDS[resource] + "List", "apiVersion": "v1", "metadata": metadata, "items": page}
        return self._send_json(handler, 200, body)

    def _watch(self, handler, resource, namespace, selector, query):
        start_rv = int(query.get("resourceVersion", "0") or 0)
        timeout = float(query.get("timeoutSeconds", "1800"))
        bookmarks = query.get("allowWatchBookmarks") == "true"
        too_old = start_rv < self.compacted_rv
        if too_old and self.watch_errors_as_http:
            return self._send_json(handler, 410, status_body(410, "Gone", "too old resource version: %d (%d)"
                                                            % (start_rv, self.compacted_rv)))
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()

        def chunk(event):
            data = (json.dumps(event) + "\n").encode()
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            handler.wfile.flush()

        if too_old:
            chunk({"type": "ERROR", "object": status_body(
                410, "Expired", "too old resource version: %d (%d)" % (start_rv, self.compacted_rv))})
            handler.wfile.write(b"0\r\n\r\n")
            return
        with self.cond:
            self.open_watches += 1
            epoch, expire_epoch = self.epoch, self.expire_epoch
        sent_rv = start_rv
        deadline = time.monotonic() + timeout
        last_write = time.monotonic()
        try:
            while True:
                with self.cond:
                    pending = [] if self.hold_watches else [
                        (rv, kind, obj) for (rv, res, kind, obj) in self.history
                        if rv > sent_rv and self._matches(obj, res, resource, namespace, selector)]
                    if not pending:
                        self.cond.wait(0.2)
                    dropped = self.epoch != epoch
                    expired = self.expire_epoch != expire_epoch
                    current_rv = self.rv
                if dropped:
                    handler.request.shutdown(socket.SHUT_RDWR)
                    handler.close_connection = True
                    return
                if expired:
                    chunk({"type": "ERROR", "object": status_body(410, "Expired", "too old resource version")})
                    break
                for rv, kind, obj in pending:
                    chunk({"type": kind, "object": obj})
                    sent_rv = rv
                    last_write = time.monotonic()
                now = time.monotonic()
                if now >= deadline:
                    break
                if bookmarks and not self.hold_watches and now - last_write >= self.bookmark_interval:
                    sent_rv = max(sent_rv, current_rv)
                    chunk({"type": "BOOKMARK", "object": {"kind": KINDS[resource], "apiVersion": "v1",
                                                          "metadata": {"resourceVersion": str(sent_rv)}}})
                    last_write = now
            handler.wfile.write(b"0\r\n\r\n")
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            handler.close_connection = True
        finally:
            with self.cond:
                self.open_watches -= 1


def write_kubeconfig(path, server_url, ca_file, token):
    """A kubeconfig for the fake server, in the shape kubectl writes."""
    with open(ca_file, "rb") as f:
        ca_data = base64.b64encode(f.read()).decode()
    path.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: fake\n"
        "clusters:\n- name: fake\n  cluster:\n    server: %s\n    certificate-authority-data: %s\n"
        "contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: webhook\n"
        "users:\n- name: webhook\n  user:\n    token: %s\n" % (server_url, ca_data, token))
    return path
