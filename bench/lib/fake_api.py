#!/usr/bin/env python3
"""Serves generated ServiceAccounts from the tests' fake Kubernetes API server (tests/helpers/fake_apiserver.py),
for `make bench-scale`: the webhook then loads them through its real client, over TLS, as from a cluster.

  fake_api.py --accounts FOLDER --cert CERT --key KEY --ca CA --kubeconfig OUT --info FILE --timeout S
              [--partial-metadata honoured|ignored|refused] [--page-size N]

Run with PYTHONPATH=tests (the fake server is tests/helpers/fake_apiserver.py). FOLDER holds JSON Lists (bench/requests/generate.py service-accounts). Every LIST page the webhook will ask for
(--page-size, the webhook's 500) is encoded ahead, in both shapes, so the server only copies bytes while the
webhook loads; the history is compacted, so a watch costs nothing either. Once serving, FILE gets "PID PORT"
(written atomically); the server then runs until SIGTERM or SIGINT, or until --timeout seconds have passed.
"""
import argparse
import glob
import json
import os
import pathlib
import signal
import sys
import threading
import time

from helpers.fake_apiserver import PARTIAL_METADATA_MODES, SA, FakeAPIServer, write_kubeconfig

TOKEN = "bench-token"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("accounts", "cert", "key", "ca", "kubeconfig", "info"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--timeout", type=float, required=True)
    parser.add_argument("--partial-metadata", choices=PARTIAL_METADATA_MODES, default="honoured")
    parser.add_argument("--page-size", type=int, default=500)
    args = parser.parse_args()

    server = FakeAPIServer(args.cert, args.key, token=TOKEN)
    server.partial_metadata = args.partial_metadata
    server.bookmark_interval = 60.0
    count = 0
    for path in sorted(glob.glob(os.path.join(args.accounts, "*.json"))):
        with open(path, "rb") as f:
            for item in json.load(f)["items"]:
                server.put(SA, item)
                count += 1
    server.compact()
    started = time.monotonic()
    pages = server.encode_list_pages(SA, args.page_size)
    print("fake_api.py: %d ServiceAccounts, %d pages of %d encoded in %.1f s"
          % (count, pages, args.page_size, time.monotonic() - started), file=sys.stderr)
    server.start()
    write_kubeconfig(pathlib.Path(args.kubeconfig), server.url, args.ca, TOKEN)
    with open(args.info + ".tmp", "w") as f:
        f.write("%d %d\n" % (os.getpid(), server.port))
    os.replace(args.info + ".tmp", args.info)

    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    done.wait(args.timeout)
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
