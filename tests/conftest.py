"""Shared fixtures for the integration tests: the built binary, certificates and free ports."""
import os
import socket
import subprocess
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def webhook_bin():
    path = os.environ.get("WEBHOOK_BIN", str(ROOT / ".build" / "debug" / "webhook"))
    if not os.path.exists(path):
        pytest.fail("no webhook binary at %s: run `swift build` first" % path)
    return path


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    """A fresh CA and serving certificate (localhost, 127.0.0.1) for this test session."""
    out = tmp_path_factory.mktemp("certs")
    subprocess.run([str(ROOT / "certs" / "generate.sh"), str(out)], check=True, capture_output=True)
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
