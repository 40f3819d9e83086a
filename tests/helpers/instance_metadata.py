"""A stand-in for EC2's instance metadata service, IMDSv2 only: a session token from `PUT /latest/api/token` (with
a TTL header) is required on every GET, as IMDS does when v1 is turned off; the instance role's credentials are
served in IMDS's JSON shape. Binds 127.0.0.1 only."""
import json
import secrets

from helpers.loopback_endpoint import LoopbackEndpoint, QuietHandler

ROLE_PATH = "/latest/meta-data/iam/security-credentials/"


class InstanceMetadataEndpoint(LoopbackEndpoint):
    def __init__(self, role_name, issue_credentials):
        """`issue_credentials()`: a dict with AccessKeyId, SecretAccessKey, Token, Expiration (ISO 8601)."""
        self.role_name = role_name
        self.issue_credentials = issue_credentials
        self.session_token = secrets.token_urlsafe(24)
        self.requests = []  # (method, path, status) of every request, in order
        super().__init__()

    @property
    def url(self):
        return self.origin

    def _record(self, method, path, status):
        with self._lock:
            if len(self.requests) < 100:
                self.requests.append((method, path, status))

    def _handler(self):
        endpoint = self

        class Handler(QuietHandler):
            def do_PUT(self):
                if self.path != "/latest/api/token" or not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                    return self._reply("PUT", 400, b"token request without a TTL")
                return self._reply("PUT", 200, endpoint.session_token.encode())

            def do_GET(self):
                if self.headers.get("X-aws-ec2-metadata-token") != endpoint.session_token:
                    return self._reply("GET", 401, b"")
                if self.path == ROLE_PATH:
                    return self._reply("GET", 200, endpoint.role_name.encode())
                if self.path == ROLE_PATH + endpoint.role_name:
                    body = dict(endpoint.issue_credentials(), Code="Success", Type="AWS-HMAC")
                    return self._reply("GET", 200, json.dumps(body).encode())
                return self._reply("GET", 404, b"")

            def _reply(self, method, status, data):
                endpoint._record(method, self.path, status)
                self.reply(status, data)

        return Handler
