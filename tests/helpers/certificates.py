"""Certificates for the TLS tests: fresh pairs, what a handshake presents, PEM to DER."""
import socket
import ssl
import subprocess
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent


def make_certs(directory):
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(ROOT / "certs" / "generate.sh"), str(directory)], check=True, capture_output=True)
    return directory


def serving_certificate(port):
    """The DER certificate a fresh TLS handshake presents."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            return tls.getpeercert(binary_form=True)


def der(pem_path):
    return ssl.PEM_cert_to_DER_cert(open(pem_path).read())
