"""A minimal, read-only stand-in for kube-apiserver, enough for `helm template --dry-run=server`: discovery for
the kinds the chart renders, and GET of the objects it holds (everything else is a 404). It lets tests exercise
the chart's `lookup` calls (e.g. keeping the self-signed certificate across upgrades) without a cluster.
With writable=True it also applies JSON merge patches (RFC 7386, `application/merge-patch+json`) to the objects it
holds, as `webhook setup ... --annotate` sends them. Binds 127.0.0.1 only."""
import json

from helpers.fake_apiserver import merge_patch
from helpers.loopback_endpoint import LoopbackEndpoint, QuietHandler

# groupVersion -> [(resource, kind, namespaced)]
RESOURCES = {
    "v1": [("secrets", "Secret", True), ("serviceaccounts", "ServiceAccount", True),
           ("services", "Service", True), ("configmaps", "ConfigMap", True)],
    "apps/v1": [("deployments", "Deployment", True)],
    "policy/v1": [("poddisruptionbudgets", "PodDisruptionBudget", True)],
    "rbac.authorization.k8s.io/v1": [("clusterroles", "ClusterRole", False),
                                     ("clusterrolebindings", "ClusterRoleBinding", False),
                                     ("roles", "Role", True), ("rolebindings", "RoleBinding", True)],
    "admissionregistration.k8s.io/v1": [("mutatingwebhookconfigurations", "MutatingWebhookConfiguration", False)],
}
MAX_OBJECTS = 1000


class FakeKubeAPI(LoopbackEndpoint):
    def __init__(self, version="1.30.0", writable=False):
        self.version = version
        self.writable = writable
        self.objects = {}  # URL path -> object
        self.requests = []
        super().__init__()

    @property
    def url(self):
        return self.origin

    def put(self, obj):
        """Stores an object as if it had been applied (GET returns it)."""
        with self._lock:
            if len(self.objects) >= MAX_OBJECTS:
                raise ValueError("fake API server holds at most %d objects" % MAX_OBJECTS)
            self.objects[self.path_of(obj)] = obj

    def remove(self, obj):
        with self._lock:
            self.objects.pop(self.path_of(obj), None)

    @staticmethod
    def path_of(obj):
        group_version = obj["apiVersion"]
        matches = [(r, ns) for r, k, ns in RESOURCES.get(group_version, []) if k == obj["kind"]]
        if not matches:
            raise ValueError("fake API server has no %s %s" % (group_version, obj["kind"]))
        resource, namespaced = matches[0]
        prefix = "/api/" if "/" not in group_version else "/apis/"
        namespace = "namespaces/%s/" % obj["metadata"]["namespace"] if namespaced else ""
        return "%s%s/%s%s/%s" % (prefix, group_version, namespace, resource, obj["metadata"]["name"])

    def kubeconfig(self):
        return (
            "apiVersion: v1\nkind: Config\n"
            "clusters: [{name: fake, cluster: {server: \"%s\"}}]\n"
            "users: [{name: fake, user: {token: fake}}]\n"
            "contexts: [{name: fake, context: {cluster: fake, user: fake}}]\n"
            "current-context: fake\n" % self.url)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _discovery(self, path):
        major, minor = self.version.split(".")[:2]
        if path == "/version":
            return {"major": major, "minor": minor, "gitVersion": "v" + self.version}
        if path == "/api":
            return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
        if path == "/apis":
            groups = sorted({gv.rsplit("/", 1)[0] for gv in RESOURCES if "/" in gv})
            return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                {"name": g, "versions": [{"groupVersion": g + "/v1", "version": "v1"}],
                 "preferredVersion": {"groupVersion": g + "/v1", "version": "v1"}} for g in groups]}
        for prefix in ("/api/", "/apis/"):
            if path.startswith(prefix) and path[len(prefix):] in RESOURCES:
                group_version = path[len(prefix):]
                return {"kind": "APIResourceList", "groupVersion": group_version, "resources": [
                    {"name": r, "singularName": "", "namespaced": ns, "kind": k, "verbs": ["get", "list"]}
                    for r, k, ns in RESOURCES[group_version]]}
        return None

    def _handler(self):
        api = self

        class Handler(QuietHandler):
            def not_found(self):
                self.reply_json(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                      "reason": "NotFound", "code": 404})

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                with api._lock:
                    api.requests.append(("GET", path))
                    stored = api.objects.get(path)
                body = stored if stored is not None else api._discovery(path)
                if body is None:
                    return self.not_found()
                self.reply_json(200, body)

            def refuse(self):
                with api._lock:
                    api.requests.append((self.command, self.path))
                self.reply_json(405, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                      "reason": "MethodNotAllowed", "code": 405})

            do_POST = do_PUT = do_DELETE = refuse

            def do_PATCH(self):
                if not api.writable:
                    return self.refuse()
                path = self.path.split("?", 1)[0]
                media_type = self.headers.get("Content-Type", "").split(";")[0].strip()
                patch = json.loads(self.rfile.read(min(int(self.headers.get("Content-Length", "0")), 1 << 20)) or b"null")
                with api._lock:
                    api.requests.append(("PATCH", path, media_type, patch))
                    stored = api.objects.get(path)
                    if stored is not None and media_type == "application/merge-patch+json":
                        api.objects[path] = stored = merge_patch(stored, patch)
                if stored is None:
                    return self.not_found()
                if media_type != "application/merge-patch+json":
                    return self.reply_json(415, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                                 "reason": "UnsupportedMediaType", "code": 415})
                self.reply_json(200, stored)

        return Handler
