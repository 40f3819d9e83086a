"""The short soak that `make test` runs (issue: a 30-60 s version of `make soak`): mixed HTTP/2 and HTTP/1.1 load
while the certificate rotates and the ServiceAccount file churns; the script itself checks zero failed requests,
the rotated certificate being served, flat RSS and no descriptor leak."""
import os
import subprocess

from conftest import ROOT


def test_short_soak_holds(webhook_bin):
    env = dict(os.environ, SOAK_SECONDS="30", WEBHOOK_BIN=webhook_bin)
    result = subprocess.run([str(ROOT / "scripts" / "soak.sh")], env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "soak: held for 30s" in result.stdout
    assert ", 0 failed, 0 errored, 0 timeout" in result.stdout
