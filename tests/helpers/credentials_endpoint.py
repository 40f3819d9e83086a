"""A stand-in for the EKS Pod Identity agent (the `AWS_CONTAINER_CREDENTIALS_FULL_URI` endpoint): it accepts a
request only when its Authorization header equals the projected token the pod's token file holds, and answers with
credentials in the container-credentials JSON shape the AWS SDKs read. Binds 127.0.0.1 only (SDKs allow plain
http to loopback hosts for this endpoint)."""
from helpers.loopback_endpoint import LoopbackEndpoint, QuietHandler

MAX_REQUESTS_RECORDED = 100


class CredentialsEndpoint(LoopbackEndpoint):
    def __init__(self, token_file, issue_credentials, path="/v1/credentials"):
        """`token_file`: the file whose content is the only accepted Authorization header value.
        `issue_credentials()`: returns a dict with AccessKeyId, SecretAccessKey, Token, Expiration (ISO 8601)."""
        self.token_file = token_file
        self.issue_credentials = issue_credentials
        self.path = path
        self.requests = []  # (path, authorized) of every request, in order
        super().__init__()

    @property
    def url(self):
        return self.origin + self.path

    def authorized_requests(self):
        with self._lock:
            return sum(1 for _, authorized in self.requests if authorized)

    def _record(self, path, authorized):
        with self._lock:
            if len(self.requests) < MAX_REQUESTS_RECORDED:
                self.requests.append((path, authorized))

    def _handler(self):
        endpoint = self

        class Handler(QuietHandler):
            def do_GET(self):
                with open(endpoint.token_file, "rb") as f:
                    expected = f.read().decode()
                supplied = self.headers.get("Authorization")
                authorized = self.path == endpoint.path and bool(expected) and supplied == expected
                endpoint._record(self.path, authorized)
                if self.path != endpoint.path:
                    return self.reply_json(404, {"Code": "NotFound", "Message": "no such path"})
                if not authorized:
                    return self.reply_json(401, {"Code": "AccessDenied",
                                                 "Message": "Authorization header does not match the pod's token"})
                return self.reply_json(200, endpoint.issue_credentials())

        return Handler
