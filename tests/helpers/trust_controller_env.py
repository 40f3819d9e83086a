"""What the trust-controller scenarios share: moto's IAM/STS with signature checking on (an OIDC provider and roles
in it), the fake Kubernetes API server, and `webhook trust-controller` processes against both, logs captured."""
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from helpers.loopback_endpoint import free_port
from helpers.fake_apiserver import write_kubeconfig
from helpers.moto_server import MotoServer

ACCOUNT = "123456789012"
ISSUER = "https://oidc.example.com/id/C1"
ISSUER_HOST = "oidc.example.com/id/C1"
PROVIDER_ARN = "arn:aws:iam::%s:oidc-provider/%s" % (ACCOUNT, ISSUER_HOST)
SID = "PodIdentityWebhookTrustController"
SUB = ISSUER_HOST + ":sub"


def role_arn(name):
    return "arn:aws:iam::%s:role/%s" % (ACCOUNT, name)


def base_statement(provider=PROVIDER_ARN, sid="Admins"):
    """A web-identity statement the admin wrote (the controller must keep it as it is)."""
    return {"Sid": sid, "Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {ISSUER_HOST + ":aud": "sts.amazonaws.com",
                                           ISSUER_HOST + ":sub": "system:serviceaccount:admin:ops"}}}


class Cluster:
    """moto + fake API server; `start()` runs a controller replica."""

    def __init__(self, moto, fake_api, certs, tmp_path, webhook_bin):
        self.moto, self.api, self.tmp_path, self.webhook_bin = moto, fake_api, tmp_path, webhook_bin
        self.iam = moto.client("iam", *moto.key, region="us-west-2")
        self.iam.create_open_id_connect_provider(Url=ISSUER, ClientIDList=["sts.amazonaws.com"],
                                                 ThumbprintList=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"])
        self.kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", fake_api.url, str(certs / "ca.crt"), fake_api.token)
        self.replicas = []

    def create_role(self, name, statements=None):
        document = {"Version": "2012-10-17", "Statement": statements or [base_statement()]}
        self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(document))

    def trust(self, name):
        return self.iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]

    def owned_subjects(self, name):
        for statement in self.trust(name)["Statement"]:
            if statement.get("Sid") == SID and statement["Effect"] == "Allow":
                condition = statement["Condition"]
                value = condition.get("StringEquals", {}).get(SUB) or condition.get("StringLike", {}).get(SUB) or []
                return [value] if isinstance(value, str) else value
        return []

    def role_annotation(self, namespace, name="default-editor"):
        sa = self.api.get("serviceaccounts", namespace, name)
        return None if sa is None else sa["metadata"].get("annotations", {}).get("eks.amazonaws.com/role-arn")

    def events(self, reason=None):
        return [e for e in self.api.list("events") if reason is None or e["reason"] == reason]

    def start(self, *args, pod_name="replica-a", aws_endpoint=None):
        replica = Replica(self, list(args), pod_name, aws_endpoint or self.moto.url)
        self.replicas.append(replica)
        return replica

    def start_granted(self, role, profile, *args):
        """A replica started (with `args`) once Profile `profile` asks for `role` (created, with the Profile's
        default-editor ServiceAccount); returned when that ServiceAccount carries the role's annotation."""
        self.create_role(role)
        self.api.put_service_account(profile, "default-editor")
        self.api.put_profile(profile, plugins=profile_plugin(role_arn(role)))
        replica = self.start(*args)
        replica.wait_for(lambda: self.role_annotation(profile) == role_arn(role), f"{profile}'s annotation")
        return replica

    def start_pair(self, role, granted, waiting):
        """Two replicas, replica-a leading, after it granted Profile `granted` the role `role`; the Profiles in
        `waiting` get their ServiceAccounts but no Profile yet. Returns (leader, follower)."""
        self.create_role(role)
        for name in (granted, *waiting):
            self.api.put_service_account(name, "default-editor")
        leader = self.start(pod_name="replica-a")
        leader.wait_for(lambda: leader.metric("trust_controller_leader") == 1, "replica-a to lead")
        follower = self.start(pod_name="replica-b")
        self.api.put_profile(granted, plugins=profile_plugin(role_arn(role)))
        leader.wait_for(lambda: self.role_annotation(granted) == role_arn(role), f"{granted}'s annotation")
        return leader, follower

    def stop(self):
        for replica in self.replicas:
            replica.stop()


class Replica:
    def __init__(self, cluster, args, pod_name, aws_endpoint):
        self.metrics_port = free_port()
        self.log_path = cluster.tmp_path / ("controller-%s.log" % pod_name)
        key_id, secret = cluster.moto.key
        env = {"PATH": os.environ["PATH"], "HOME": str(cluster.tmp_path), "POD_NAME": pod_name,
               "AWS_REGION": "us-west-2", "AWS_ENDPOINT_URL": aws_endpoint,
               "AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret}
        if not any(a.startswith("--allowed-roles") for a in args):
            args += ["--allowed-roles", "arn:aws:iam::%s:role/kf-*" % ACCOUNT]
        if "--annotated-service-accounts" not in args:
            args += ["--kubeflow-profiles"]
        cmd = [cluster.webhook_bin, "trust-controller", "--issuer", ISSUER, "--kubeconfig", str(cluster.kubeconfig),
               "--namespace", "kube-system", "--bind-address", "127.0.0.1", "--metrics-port", str(self.metrics_port)] + args
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        self.wait_for(lambda: self.readyz() == 200, "the controller to become ready")

    def readyz(self):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/readyz" % self.metrics_port, timeout=2) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
        except OSError:
            return None

    def metric(self, name, **labels):
        """The sum of the samples of `name` whose labels include `labels` (0 when there is none)."""
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.metrics_port, timeout=5) as r:
            text = r.read().decode()
        total = 0.0
        for line in text.splitlines():
            match = re.match(r'^([a-z_]+)(?:\{(.*)\})? ([0-9.e+-]+)$', line)
            if not match or match.group(1) != name:
                continue
            found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
            if all(found.get(k) == v for k, v in labels.items()):
                total += float(match.group(3))
        return total

    def writes(self):
        return self.metric("trust_controller_iam_calls_total", action="UpdateAssumeRolePolicy")

    def reconciles(self):
        return self.metric("trust_controller_reconciles_total", result="success")

    def wait_for(self, predicate, what, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail("controller exited (%s) while waiting for %s:\n%s" % (self.proc.returncode, what, self.logs()))
            try:
                if predicate():
                    return
            except Exception:  # a role or object not there yet
                pass
            time.sleep(0.1)
        pytest.fail("timed out after %.0fs waiting for %s:\n%s" % (timeout, what, self.logs()))

    def logs(self):
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self, sig=None):
        import signal
        if self.proc.poll() is None:
            self.proc.send_signal(sig or signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self._log.closed:
            self._log.close()
        return self.proc.returncode


@pytest.fixture()
def cluster(fake_api, certs, tmp_path, webhook_bin):
    moto = MotoServer(0, tmp_path / "moto.log")
    try:
        moto.key = moto.enable_signature_checks()
        env = Cluster(moto, fake_api, certs, tmp_path, webhook_bin)
        try:
            yield env
        finally:
            env.stop()
    finally:
        moto.stop()


def profile_plugin(role, annotate_only=True):
    return [{"kind": "AwsIamForServiceAccount", "spec": {"awsIamRole": role, "annotateOnly": annotate_only}}]


class ThrottlingProxy:
    """Forwards every request to moto unchanged (the signature stays valid: the Host header is passed on), except
    that the first `times` calls of `action` are answered with IAM's `Throttling` error."""

    def __init__(self, upstream, action, times):
        import http.server
        import threading
        import urllib.parse
        proxy = self
        self.calls, self.throttled = 0, 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if urllib.parse.parse_qs(body.decode()).get("Action") == [action]:
                    proxy.calls += 1
                    if proxy.throttled < times:
                        proxy.throttled += 1
                        error = (b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                                 b"<Message>Rate exceeded</Message></Error><RequestId>r-1</RequestId></ErrorResponse>")
                        self.send_response(400)
                        self.send_header("Content-Type", "text/xml")
                        self.send_header("Content-Length", str(len(error)))
                        self.end_headers()
                        self.wfile.write(error)
                        return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("content-length", "connection")}
                request = urllib.request.Request(upstream + self.path, data=body, method="POST", headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=30) as r:
                        status, answer, kind = r.status, r.read(), r.headers.get("Content-Type", "text/xml")
                except urllib.error.HTTPError as e:
                    status, answer, kind = e.code, e.read(), e.headers.get("Content-Type", "text/xml")
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
