"""moto's server on 127.0.0.1 with SigV4 checking on, and an access key that exists in it."""
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import boto3


class MotoServer:
    def __init__(self, port, log_path):
        """`port` 0 (what the tests pass) lets the kernel pick; the bound port is read from moto's
        "Running on http://127.0.0.1:<port>" line."""
        env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="false")
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                        stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.port = port or None
        deadline = time.monotonic() + 30
        while True:
            if self.port is None:
                running = re.search(r"Running on http://127\.0\.0\.1:(\d+)", log_path.read_text(errors="replace"))
                self.port = running and int(running.group(1))
            try:
                if self.port:
                    self.url = f"http://127.0.0.1:{self.port}"
                    urllib.request.urlopen(self.url + "/moto-api/", timeout=1)
                    break
            except Exception:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("moto server did not start:\n" + log_path.read_text(errors="replace"))
            time.sleep(0.1)

    def client(self, service, key_id="AKIDSETUP", secret="setup", region="us-east-1"):
        return boto3.client(service, endpoint_url=self.url, region_name=region,
                            aws_access_key_id=key_id, aws_secret_access_key=secret)

    def enable_signature_checks(self):
        """Creates an administrator's access key while checks are off, then turns them on."""
        iam = self.client("iam")
        iam.create_user(UserName="admin")
        policy = iam.create_policy(PolicyName="everything", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        iam.attach_user_policy(UserName="admin", PolicyArn=policy["Policy"]["Arn"])
        key = iam.create_access_key(UserName="admin")["AccessKey"]
        urllib.request.urlopen(urllib.request.Request(self.url + "/moto-api/reset-auth", data=b"0", method="POST",
                                                      headers={"Content-Type": "text/plain"}), timeout=5)
        return key["AccessKeyId"], key["SecretAccessKey"]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
