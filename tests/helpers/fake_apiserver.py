"""A fake Kubernetes API server for the tests: HTTPS, HTTP/1.1, with real list/watch and write semantics.

Resources (one table, RESOURCES below):
- ServiceAccounts (namespaced; cluster-wide list/watch; GET; PATCH as merge patch or JSON patch), ConfigMaps
  (namespaced list/watch), Namespaces (cluster-scoped, with labels);
- Profiles, `kubeflow.org` v1 and v1beta1, a cluster-scoped custom resource: one storage, served at both versions
  (conversion None: only `apiVersion` differs), as the Profile CRD does;
- Leases (`coordination.k8s.io/v1`): GET, POST (409 AlreadyExists), PUT with optimistic concurrency;
- Events (`events.k8s.io/v1`): POST, validated as the API server validates them (422 Invalid), and LIST.

Every change gets the next resourceVersion and enters an event history; a write that changes nothing keeps the
resourceVersion and records no event (as the API server's no-op update). A write whose `metadata.resourceVersion`
is not the stored one gets 409 Conflict. A watch replays the history after its resourceVersion, then streams
live events as chunked JSON lines, with BOOKMARKs. Lists are paginated (limit/continue) over a snapshot taken at
the first page, and filtered by `fieldSelector` (metadata.name) and `labelSelector` (equality and existence).
A list page is encoded once per (resourceVersion, filters, page, shape) and then served from memory, so a 100k-object
LIST costs the server almost nothing after the first (or after `encode_list_pages`).

Content negotiation as the API server does it for JSON: the `Accept` header's media ranges are tried in order;
`application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1` on a LIST (`as=PartialObjectMetadata` on a GET
or a WATCH) answers with metadata only (kind PartialObjectMetadataList / PartialObjectMetadata, apiVersion
meta.k8s.io/v1, each object reduced to apiVersion, kind and metadata); plain `application/json` (or `*/*`, or no
Accept) with full objects; if no range is servable, 406 Not Acceptable. `partial_metadata` makes it a server that
ignores the `as=` parameter (full objects) or refuses any request for a partial response with 406.

Tests drive it in-process: add/modify/delete objects, compact the history (old resourceVersions then get
410 Gone), drop or expire open watches, hold watch delivery back (a lagging watch), slow responses down,
refuse credentials (401/403), inject error responses, and count requests.
"""
import base64
import copy
import json
import socket
import ssl
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonpatch

SA = "serviceaccounts"
CM = "configmaps"
NS = "namespaces"
PROFILES = "profiles"
LEASES = "leases"
EVENTS = "events"


class Resource:
    """One resource type as the API server serves it: where it lives and what it accepts."""

    def __init__(self, group, versions, plural, kind, namespaced, verbs):
        self.group, self.versions, self.plural, self.kind = group, versions, plural, kind
        self.namespaced, self.verbs = namespaced, verbs

    @property
    def qualified(self):
        """`leases.coordination.k8s.io`, as the API server names a resource in its messages."""
        return self.plural + ("." + self.group if self.group else "")

    def api_version(self, version):
        return "%s/%s" % (self.group, version) if self.group else version


READ = {"get", "list", "watch"}
RESOURCES = {r.plural: r for r in [
    Resource("", ["v1"], SA, "ServiceAccount", True, READ | {"patch", "create", "delete"}),
    Resource("", ["v1"], CM, "ConfigMap", True, READ),
    Resource("", ["v1"], NS, "Namespace", False, READ | {"patch"}),
    Resource("kubeflow.org", ["v1", "v1beta1"], PROFILES, "Profile", False, READ | {"create", "update", "patch", "delete"}),
    Resource("coordination.k8s.io", ["v1"], LEASES, "Lease", True, {"get", "list", "create", "update", "delete"}),
    Resource("events.k8s.io", ["v1"], EVENTS, "Event", True, {"get", "list", "create"}),
]}
KINDS = {plural: r.kind for plural, r in RESOURCES.items()}
PATCH_TYPES = ("application/merge-patch+json", "application/strategic-merge-patch+json", "application/json-patch+json")
EVENT_TYPES = ("Normal", "Warning")
MAX_EVENT_NOTE = 1024
INJECTED_REASONS = {409: "Conflict", 429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable"}  # events.k8s.io/v1 validation: note at most 1 kB
# How the server treats `Accept: application/json;as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1`.
PARTIAL_METADATA_MODES = ("honoured", "ignored", "refused")
META_API_VERSION = "meta.k8s.io/v1"
NOT_ACCEPTABLE = "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf"


def negotiate(accept, partial_kind, mode):
    """"full" or "metadata" for an Accept header on a request whose partial form is `partial_kind`
    (PartialObjectMetadataList for a LIST, PartialObjectMetadata for a GET or WATCH); APIError 406 when nothing fits."""
    if mode not in PARTIAL_METADATA_MODES:
        raise ValueError("partial_metadata must be one of %s" % (PARTIAL_METADATA_MODES,))
    ranges = [r.strip() for r in (accept or "").split(",") if r.strip()]
    if not ranges:
        return "full"
    if mode == "refused" and any("as=" in r for r in ranges):
        raise APIError(406, "NotAcceptable", NOT_ACCEPTABLE)
    for media_range in ranges:
        media_type, *parameters = [part.strip() for part in media_range.split(";")]
        if media_type not in ("application/json", "application/*", "*/*"):
            continue
        options = dict(p.partition("=")[::2] for p in parameters)
        options.pop("q", None)
        if "as" not in options or mode == "ignored":
            return "full"
        if options == {"as": partial_kind, "g": "meta.k8s.io", "v": "v1"}:
            return "metadata"
    raise APIError(406, "NotAcceptable", NOT_ACCEPTABLE)


def partial_object(obj):
    """An object as a PartialObjectMetadata: its metadata only (shared with `obj`: encode it, do not change it)."""
    return {"apiVersion": META_API_VERSION, "kind": "PartialObjectMetadata", "metadata": obj["metadata"]}


def status_body(code, reason, message, details=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}
    if details:
        body["details"] = details
    return body


class APIError(Exception):
    def __init__(self, code, reason, message):
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def parse_label_selector(text):
    """Equality- and existence-based requirements (`a=b`, `a==b`, `a!=b`, `a`, `!a`), comma-separated."""
    requirements = []
    for term in filter(None, (t.strip() for t in (text or "").split(","))):
        if "!=" in term:
            key, value = term.split("!=", 1)
            requirements.append(("!=", key.strip(), value.strip()))
        elif "=" in term:
            key, value = term.replace("==", "=").split("=", 1)
            requirements.append(("=", key.strip(), value.strip()))
        elif term.startswith("!"):
            requirements.append(("!", term[1:].strip(), None))
        elif " " in term or "(" in term:
            raise APIError(400, "BadRequest", "unable to parse requirement: %r (set-based selectors are not served)" % term)
        else:
            requirements.append(("exists", term, None))
    return requirements


def labels_match(labels, requirements):
    for op, key, value in requirements:
        present = key in labels
        if op == "=" and labels.get(key) != value:
            return False
        if op == "!=" and present and labels[key] == value:
            return False
        if op == "exists" and not present:
            return False
        if op == "!" and present:
            return False
    return True


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
        self.partial_metadata = "honoured"    # or "ignored" (full objects) or "refused" (406): PARTIAL_METADATA_MODES
        self.cond = threading.Condition()
        self.rv = 100
        self.compacted_rv = 0
        self.objects = {}                     # (resource, namespace or "", name) -> object (stored version)
        self.history = []                     # (rv, resource, type, object)
        self.snapshots = {}                   # continue-token id -> (rv, [objects])
        self.snapshot_ids = {}                # (rv, resource, namespace, fieldSelector, labelSelector) -> token id
        self.encoded_pages = {}               # (snapshot id, version, offset, limit, shape) -> (continue, body)
        self.epoch = 0                        # bumped to drop open watches
        self.expire_epoch = 0                 # bumped to send ERROR 410 to open watches
        self.requests = []                    # (method, path, query) of every request
        self.accepts = []                     # (method, path, query, Accept header) of every request
        self.gets = {}                        # (namespace, name) -> direct ServiceAccount GET count
        self.injected = []                    # [method, resource, code, remaining] answered before any handling
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
        """Stores a change under the next resourceVersion and wakes the watches. Caller holds `cond`."""
        self.rv += 1
        obj = copy.deepcopy(obj)
        obj["metadata"]["resourceVersion"] = str(self.rv)
        key = (resource, obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        if kind == "DELETED":
            self.objects.pop(key, None)
        else:
            self.objects[key] = obj
        self.history.append((self.rv, resource, kind, obj))
        self.cond.notify_all()
        return copy.deepcopy(obj)

    def put(self, resource, obj):
        """Adds or replaces an object as stored (ADDED or MODIFIED), keeping its uid and creationTimestamp."""
        definition = RESOURCES[resource]
        with self.cond:
            obj = copy.deepcopy(obj)
            metadata = obj.setdefault("metadata", {})
            namespace = metadata.get("namespace", "") if definition.namespaced else ""
            key = (resource, namespace, metadata["name"])
            existing = self.objects.get(key)
            obj["kind"] = definition.kind
            obj["apiVersion"] = definition.api_version(definition.versions[0])
            if existing is not None:
                metadata["uid"] = existing["metadata"]["uid"]
                metadata["creationTimestamp"] = existing["metadata"]["creationTimestamp"]
            else:
                metadata.setdefault("uid", str(uuid.uuid4()))
                metadata.setdefault("creationTimestamp", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
            return self._record(resource, "MODIFIED" if existing is not None else "ADDED", obj)

    def delete(self, resource, namespace, name):
        with self.cond:
            obj = self.objects[(resource, namespace or "", name)]
            return self._record(resource, "DELETED", obj)

    def get(self, resource, namespace, name):
        """The stored object, or None (a copy: changing it changes nothing)."""
        with self.cond:
            obj = self.objects.get((resource, namespace or "", name))
            return copy.deepcopy(obj)

    def list(self, resource, namespace=None):
        with self.cond:
            return [copy.deepcopy(obj) for (res, ns, _), obj in sorted(self.objects.items())
                    if res == resource and (namespace is None or ns == namespace)]

    def put_service_account(self, namespace, name, annotations=None):
        """Adds or replaces a ServiceAccount (ADDED or MODIFIED)."""
        return self.put(SA, {"metadata": {"name": name, "namespace": namespace, "uid": "uid-%s-%s" % (namespace, name),
                                          "annotations": dict(annotations or {})}})

    def delete_service_account(self, namespace, name):
        return self.delete(SA, namespace, name)

    def put_config_map(self, namespace, name, data):
        return self.put(CM, {"metadata": {"name": name, "namespace": namespace}, "data": dict(data)})

    def delete_config_map(self, namespace, name):
        return self.delete(CM, namespace, name)

    def put_namespace(self, name, labels=None):
        return self.put(NS, {"metadata": {"name": name, "labels": dict(labels or {})}, "spec": {"finalizers": ["kubernetes"]},
                             "status": {"phase": "Active"}})

    def put_profile(self, name, plugins=None, owner="user@example.com"):
        """A Profile as Kubeflow's CRD stores it; `plugins` is the `spec.plugins` list, verbatim."""
        spec = {"owner": {"kind": "User", "name": owner}}
        if plugins is not None:
            spec["plugins"] = plugins
        return self.put(PROFILES, {"metadata": {"name": name}, "spec": spec})

    def compact(self):
        """Forgets the history up to now, as etcd compaction does: older resourceVersions get 410 Gone."""
        with self.cond:
            self.compacted_rv = self.rv
            self.history = []
            self.snapshots = {}
            self.snapshot_ids = {}
            self.encoded_pages = {}

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

    def inject(self, method, resource, code, times=1):
        """The next `times` requests with this method on this resource get `code` (e.g. 409, 429, 500) unhandled."""
        with self.cond:
            self.injected.append([method, resource, code, times])

    def count(self, predicate):
        with self.cond:
            return sum(1 for request in self.requests if predicate(*request))

    def list_count(self, resource):
        return self.count(lambda method, path, query: method == "GET" and path.endswith("/" + resource)
                          and "watch" not in query)

    def watch_count(self, resource):
        return self.count(lambda method, path, query: path.endswith("/" + resource) and "watch" in query)

    def write_count(self, resource):
        """POST, PUT, PATCH and DELETE requests on `resource`, whatever their answer."""
        return self.count(lambda method, path, query: method != "GET" and "/%s" % resource in path)

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

            do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

        return Handler

    def _send_json(self, handler, code, body):
        self._send_bytes(handler, code, json.dumps(body).encode())

    @staticmethod
    def _send_bytes(handler, code, data):
        handler.send_response(code)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _send_error(self, handler, error):
        return self._send_json(handler, error.code, status_body(error.code, error.reason, error.message))

    @staticmethod
    def _route(path):
        """(resource, version, namespace, name) of an API path, or None. Namespace None = every namespace."""
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "v1"]:
            group, version, rest = "", "v1", parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 4:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return None
        namespace = None
        if len(rest) >= 3 and rest[0] == NS:
            namespace, rest = rest[1], rest[2:]
        if not 1 <= len(rest) <= 2:
            return None
        definition = RESOURCES.get(rest[0])
        if definition is None or definition.group != group or version not in definition.versions:
            return None
        if namespace is not None and not definition.namespaced:
            return None
        return definition, version, namespace, rest[1] if len(rest) == 2 else None

    def _serve(self, handler):
        parsed = urllib.parse.urlsplit(handler.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        path = parsed.path
        method = handler.command
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        with self.cond:
            self.requests.append((method, path, query))
            self.accepts.append((method, path, query, handler.headers.get("Accept")))
        if handler.headers.get("Authorization") != "Bearer " + self.token:
            return self._send_json(handler, 401, status_body(401, "Unauthorized", "Unauthorized"))
        if self.forbid:
            return self._send_json(handler, 403, status_body(
                403, "Forbidden", 'serviceaccounts is forbidden: User "system:serviceaccount:eks:webhook" cannot list '
                                  'resource "serviceaccounts" in API group "" at the cluster scope'))
        route = self._route(path)
        if route is None:
            return self._send_json(handler, 404, status_body(404, "NotFound", "the server could not find the requested resource"))
        definition, version, namespace, name = route
        injected = self._take_injected(method, definition.plural)
        if injected:
            return self._send_json(handler, injected, status_body(
                injected, INJECTED_REASONS.get(injected, "InternalError"), "injected %d by the test" % injected))
        verb = {"GET": "list" if name is None else "get", "POST": "create", "PUT": "update",
                "PATCH": "patch", "DELETE": "delete"}[method]
        if verb == "list" and query.get("watch") in ("true", "1"):
            verb = "watch"
        if verb not in definition.verbs or (verb in ("list", "watch", "create") and name is not None):
            return self._send_json(handler, 405, status_body(405, "MethodNotAllowed",
                                                             "%s is not supported on %s" % (verb, definition.qualified)))
        if verb in ("list", "watch"):
            return self._collection(handler, definition, version, namespace, query)
        if namespace is None and definition.namespaced:
            return self._send_json(handler, 404, status_body(404, "NotFound", "the server could not find the requested resource"))
        try:
            if verb == "get":
                return self._get(handler, definition, version, namespace, name)
            document = self._decode_body(handler, body)
            with self.cond:
                if verb == "create":
                    code, obj = 201, self._create(definition, namespace, document)
                elif verb == "update":
                    code, obj = 200, self._update(definition, namespace, name, document)
                elif verb == "patch":
                    code, obj = 200, self._patch(definition, namespace, name, document,
                                                 handler.headers.get("Content-Type", ""))
                else:
                    code, obj = 200, self._delete(definition, namespace, name)
        except APIError as error:
            return self._send_error(handler, error)
        return self._send_json(handler, code, self._served(obj, definition, version))

    def _take_injected(self, method, resource):
        with self.cond:
            for entry in self.injected:
                if entry[0] == method and entry[1] == resource and entry[3] > 0:
                    entry[3] -= 1
                    return entry[2]
        return None

    @staticmethod
    def _decode_body(handler, body):
        if handler.command == "DELETE":
            return None
        try:
            return json.loads(body or b"null")
        except ValueError as error:
            raise APIError(400, "BadRequest", "the body of the request was in an unknown format: %s" % error)

    @staticmethod
    def _served(obj, definition, version):
        """The object as served at `version` (the Profile CRD's conversion is None: only apiVersion changes)."""
        obj = copy.deepcopy(obj)
        obj["apiVersion"] = definition.api_version(version)
        return obj

    def _key(self, definition, namespace, name):
        return definition.plural, namespace or "", name

    def _not_found(self, definition, name):
        return APIError(404, "NotFound", '%s "%s" not found' % (definition.qualified, name))

    def _conflict(self, definition, name):
        return APIError(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": the object has been modified; '
                                         'please apply your changes to the latest version and try again'
                        % (definition.qualified, name))

    def _get(self, handler, definition, version, namespace, name):
        if definition.plural == SA:
            with self.cond:
                self.gets[(namespace, name)] = self.gets.get((namespace, name), 0) + 1
        if self.get_delay:
            time.sleep(self.get_delay)
        with self.cond:
            obj = self.objects.get(self._key(definition, namespace, name))
        if obj is None:
            return self._send_error(handler, self._not_found(definition, name))
        try:
            shape = negotiate(handler.headers.get("Accept"), "PartialObjectMetadata", self.partial_metadata)
        except APIError as error:
            return self._send_error(handler, error)
        served = self._served(obj, definition, version)
        return self._send_json(handler, 200, partial_object(served) if shape == "metadata" else served)

    def _validate(self, definition, namespace, obj):
        if not isinstance(obj, dict) or not isinstance(obj.get("metadata"), dict):
            raise APIError(400, "BadRequest", "the body must be a %s object with metadata" % definition.kind)
        metadata = obj["metadata"]
        if definition.namespaced and metadata.setdefault("namespace", namespace) != namespace:
            raise APIError(400, "BadRequest", "the namespace of the provided object does not match the namespace "
                                              "sent on the request")
        if definition.plural == EVENTS:
            self._validate_event(obj)

    @staticmethod
    def _validate_event(event):
        """The events.k8s.io/v1 checks of the API server that a controller can get wrong."""
        problems = []
        for field in ("eventTime", "reportingController", "reportingInstance", "action", "reason"):
            if not event.get(field):
                problems.append("%s: Required value" % field)
        if event.get("type") not in EVENT_TYPES:
            problems.append("type: Unsupported value: %r: supported values: \"Normal\", \"Warning\"" % event.get("type"))
        regarding = event.get("regarding") or {}
        if not regarding.get("kind") or not regarding.get("name"):
            problems.append("regarding: Required value")
        if len((event.get("note") or "").encode()) > MAX_EVENT_NOTE:
            problems.append("note: Too long: may not be longer than %d" % MAX_EVENT_NOTE)
        if problems:
            raise APIError(422, "Invalid", "Event.events.k8s.io %r is invalid: %s"
                           % (event["metadata"].get("name", ""), "; ".join(problems)))

    def _create(self, definition, namespace, obj):
        self._validate(definition, namespace, obj)
        metadata = obj["metadata"]
        if not metadata.get("name") and metadata.get("generateName"):
            metadata["name"] = metadata["generateName"] + uuid.uuid4().hex[:5]
        if not metadata.get("name"):
            raise APIError(422, "Invalid", "%s is invalid: metadata.name: Required value" % definition.kind)
        if metadata.get("resourceVersion"):
            raise APIError(400, "BadRequest", "resourceVersion should not be set on objects to be created")
        if self._key(definition, namespace, metadata["name"]) in self.objects:
            raise APIError(409, "AlreadyExists", '%s "%s" already exists' % (definition.qualified, metadata["name"]))
        return self.put(definition.plural, obj)

    def _update(self, definition, namespace, name, obj):
        self._validate(definition, namespace, obj)
        if obj["metadata"].get("name") != name:
            raise APIError(400, "BadRequest", "the name of the object (%s) does not match the name on the URL (%s)"
                           % (obj["metadata"].get("name"), name))
        return self._write(definition, namespace, name, obj)

    def _patch(self, definition, namespace, name, patch, content_type):
        media_type = content_type.split(";")[0].strip()
        if media_type not in PATCH_TYPES:
            raise APIError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted "
                                                        "media types include: %s" % ", ".join(PATCH_TYPES))
        existing = self.objects.get(self._key(definition, namespace, name))
        if existing is None:
            raise self._not_found(definition, name)
        if media_type == "application/json-patch+json":
            try:
                patched = jsonpatch.apply_patch(existing, patch)
            except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as error:
                raise APIError(422, "Invalid", "the server rejected our request due to an error in our request: %s" % error)
        else:
            if not isinstance(patch, dict):
                raise APIError(400, "BadRequest", "a merge patch must be a JSON object")
            patched = merge_patch(existing, patch)
        self._validate(definition, namespace, patched)
        return self._write(definition, namespace, name, patched)

    def _write(self, definition, namespace, name, obj):
        """An update with optimistic concurrency: a resourceVersion that is not the stored one is a 409 Conflict;
        none at all is an unconditional update. A write that changes nothing keeps the resourceVersion."""
        existing = self.objects.get(self._key(definition, namespace, name))
        if existing is None:
            raise self._not_found(definition, name)
        wanted = obj["metadata"].get("resourceVersion")
        if wanted and wanted != existing["metadata"]["resourceVersion"]:
            raise self._conflict(definition, name)
        obj = copy.deepcopy(obj)
        obj["metadata"]["resourceVersion"] = existing["metadata"]["resourceVersion"]
        for field in ("uid", "creationTimestamp"):
            obj["metadata"][field] = existing["metadata"][field]
        obj["kind"], obj["apiVersion"] = existing["kind"], existing["apiVersion"]
        if obj == existing:
            return copy.deepcopy(existing)
        return self.put(definition.plural, obj)

    def _delete(self, definition, namespace, name):
        existing = self.objects.get(self._key(definition, namespace, name))
        if existing is None:
            raise self._not_found(definition, name)
        return self._record(definition.plural, "DELETED", existing)

    @staticmethod
    def _matches(obj, resource, wanted_resource, namespace, field_selector, label_requirements):
        if resource != wanted_resource:
            return False
        metadata = obj["metadata"]
        if namespace is not None and metadata.get("namespace") != namespace:
            return False
        if field_selector:
            _, _, value = field_selector.partition("=")
            if metadata["name"] != value:
                return False
        return labels_match(metadata.get("labels") or {}, label_requirements)

    def _collection(self, handler, definition, version, namespace, query):
        selector = query.get("fieldSelector")
        if selector and not selector.startswith("metadata.name="):
            return self._send_json(handler, 400, status_body(400, "BadRequest", "unsupported field selector"))
        try:
            labels = parse_label_selector(query.get("labelSelector"))
            watching = query.get("watch") in ("true", "1")
            shape = negotiate(handler.headers.get("Accept"), "PartialObjectMetadata" if watching
                              else "PartialObjectMetadataList", self.partial_metadata)
        except APIError as error:
            return self._send_error(handler, error)
        if watching:
            return self._watch(handler, definition, version, namespace, selector, labels, query, shape)
        if self.list_delay:
            time.sleep(self.list_delay)
        limit = int(query.get("limit", "0") or 0)
        if self.page_limit:
            limit = min(limit, self.page_limit) if limit else self.page_limit
        try:
            _, body = self._list_page(definition, version, namespace, selector, query.get("labelSelector"), labels,
                                      query.get("continue"), limit, shape)
        except APIError as error:
            return self._send_error(handler, error)
        return self._send_bytes(handler, 200, body)

    def _list_page(self, definition, version, namespace, selector, label_text, labels, token, limit, shape):
        """(continue token or None, encoded body) of one LIST page; encoded once per snapshot, page and shape."""
        resource = definition.plural
        with self.cond:
            if token:
                snapshot_id, _, offset = base64.b64decode(token).decode().rpartition(":")
                if snapshot_id not in self.snapshots:
                    raise APIError(410, "Expired",
                                   "The provided continue parameter is too old to display a consistent list result.")
                list_rv, items = self.snapshots[snapshot_id]
                offset = int(offset)
            else:
                # Every change bumps the resourceVersion, so one (rv, filters) always lists the same objects.
                list_rv, offset = self.rv, 0
                identity = (list_rv, resource, namespace, selector, label_text)
                snapshot_id = self.snapshot_ids.get(identity)
                if snapshot_id is None:
                    snapshot_id = "%d-%d" % (len(self.snapshot_ids) + 1, list_rv)
                    self.snapshot_ids[identity] = snapshot_id
                    self.snapshots[snapshot_id] = (list_rv, sorted(
                        (obj for (res, _, _), obj in self.objects.items()
                         if self._matches(obj, res, resource, namespace, selector, labels)),
                        key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])))
                list_rv, items = self.snapshots[snapshot_id]
            page_key = (snapshot_id, version, offset, limit, shape)
            encoded = self.encoded_pages.get(page_key)
        if encoded is not None:
            return encoded
        chunk = items[offset:offset + limit] if limit else items[offset:]
        # Stored objects are replaced on change, never changed in place: the page can share them while it is encoded.
        api_version = definition.api_version(version)
        page = [dict(obj, apiVersion=api_version) for obj in chunk]
        metadata = {"resourceVersion": str(list_rv)}
        next_token = None
        if limit and offset + limit < len(items):
            next_token = base64.b64encode(("%s:%d" % (snapshot_id, offset + limit)).encode()).decode()
            metadata["continue"] = next_token
        if shape == "metadata":
            body = {"kind": "PartialObjectMetadataList", "apiVersion": META_API_VERSION, "metadata": metadata,
                    "items": [partial_object(obj) for obj in page]}
        else:
            body = {"kind": definition.kind + "List", "apiVersion": definition.api_version(version),
                    "metadata": metadata, "items": page}
        encoded = (next_token, json.dumps(body, separators=(",", ":")).encode())
        with self.cond:
            self.encoded_pages[page_key] = encoded
        return encoded

    def encode_list_pages(self, resource, limit, shapes=("full", "metadata")):
        """Encodes every page of a LIST of `resource` at the current resourceVersion ahead of the first request,
        as a benchmark wants: the server then only copies bytes. Returns the number of pages of one shape."""
        definition = RESOURCES[resource]
        pages = 0
        for shape in shapes:
            token, pages = None, 0
            while True:
                token, _ = self._list_page(definition, definition.versions[0], None, None, None, [], token, limit, shape)
                pages += 1
                if token is None:
                    break
        return pages

    def _watch(self, handler, definition, version, namespace, selector, labels, query, shape="full"):
        resource = definition.plural
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
                        if rv > sent_rv and self._matches(obj, res, resource, namespace, selector, labels)]
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
                    served = self._served(obj, definition, version)
                    chunk({"type": kind, "object": partial_object(served) if shape == "metadata" else served})
                    sent_rv = rv
                    last_write = time.monotonic()
                now = time.monotonic()
                if now >= deadline:
                    break
                if bookmarks and not self.hold_watches and now - last_write >= self.bookmark_interval:
                    sent_rv = max(sent_rv, current_rv)
                    kind, api_version = (("PartialObjectMetadata", META_API_VERSION) if shape == "metadata"
                                         else (definition.kind, definition.api_version(version)))
                    chunk({"type": "BOOKMARK", "object": {"kind": kind, "apiVersion": api_version,
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
