"""`webhook setup oidc-provider` without --thumbprint (auto): the thumbprint of the top certificate of the chain the
issuer's host serves, verified against the trust store, equal to what `webhook oidc thumbprint` prints for it."""
import socket
import ssl
import subprocess
import threading

import pytest

from helpers.loopback_endpoint import free_port
from helpers.setup_env import admin, aws_env, run


@pytest.fixture()
def issuer_host(certs, tmp_path):
    """A TLS server on 127.0.0.1 serving the development chain (leaf, then CA), answering nothing."""
    chain = tmp_path / "chain.pem"
    chain.write_bytes((certs / "tls.crt").read_bytes() + (certs / "ca.crt").read_bytes())
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(chain), str(certs / "tls.key"))
    port = free_port()
    listener = socket.create_server(("127.0.0.1", port))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except (socket.timeout, OSError):
                continue
            try:
                connection.settimeout(5)
                with context.wrap_socket(connection, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{port}/id/C1", port
    stop.set()
    thread.join(timeout=5)
    listener.close()


def test_auto_thumbprint_is_the_served_chains_top_certificate(webhook_bin, moto, tmp_path, certs, issuer_host):
    issuer, port = issuer_host
    expected = subprocess.run([webhook_bin, "oidc", "thumbprint", "--cert", str(certs / "ca.crt")],
                              capture_output=True, text=True, check=True).stdout.strip()
    env = dict(aws_env(moto, tmp_path), SSL_CERT_FILE=str(certs / "ca.crt"))
    result = run(webhook_bin, env, "oidc-provider", "--issuer", issuer, "--thumbprint", "auto")
    assert result.returncode == 0, result.stderr
    assert f"thumbprint: {expected} (auto: " in result.stdout, result.stdout
    arn = f"arn:aws:iam::123456789012:oidc-provider/127.0.0.1:{port}/id/C1"
    assert admin(moto, "iam").get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ThumbprintList"] == [expected]
    # No flag at all is auto too, and finds the provider up to date.
    again = run(webhook_bin, env, "oidc-provider", "--issuer", issuer)
    assert again.returncode == 0, again.stderr
    assert "unchanged: " + arn in again.stdout, again.stdout


def test_auto_thumbprint_refuses_a_chain_it_cannot_verify(webhook_bin, moto, tmp_path, issuer_host):
    issuer, port = issuer_host
    env = dict(aws_env(moto, tmp_path), SSL_CERT_FILE=str(tmp_path / "no-such-bundle.pem"))
    result = run(webhook_bin, env, "oidc-provider", "--issuer", issuer)
    assert result.returncode != 0
    assert f"--thumbprint auto: cannot read the TLS chain of 127.0.0.1:{port}" in result.stderr, result.stderr
    assert admin(moto, "iam").list_open_id_connect_providers()["OpenIDConnectProviderList"] == []
