#!/usr/bin/env python3
"""Starts a server, measures the time until its readiness URL answers 200, and stays its parent.

  launch.py --ready-url URL --info FILE --log FILE [--timeout SECONDS] -- COMMAND...

Once the server is ready, FILE gets one line "PID READY_MS" (written atomically); if the server
exits or the deadline passes first, FILE gets "failed REASON". The launcher then waits for the
server to exit (forwarding SIGTERM/SIGINT to it) and exits with its status, so the caller stops
the server by its PID and nothing is left behind. Polling is every millisecond, so READY_MS is
precise to about 1 ms and includes everything from exec to the first 200.
"""
import argparse
import http.client
import os
import signal
import subprocess
import sys
import time
import urllib.parse


def write_info(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text + "\n")
    os.replace(tmp, path)


def ready(url):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=0.5)
    try:
        connection.request("GET", parts.path or "/")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ready-url", required=True)
    parser.add_argument("--info", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("missing COMMAND after --")

    with open(args.log, "ab") as log:
        start = time.monotonic()
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda number, _frame: server.send_signal(number))

    deadline = start + args.timeout
    while True:
        if server.poll() is not None:
            write_info(args.info, f"failed exited with status {server.returncode} before it was ready")
            return 1
        if ready(args.ready_url):
            write_info(args.info, f"{server.pid} {(time.monotonic() - start) * 1000:.1f}")
            break
        if time.monotonic() > deadline:
            write_info(args.info, f"failed not ready after {args.timeout:g} s")
            server.kill()
            server.wait()
            return 1
        time.sleep(0.001)
    return server.wait()


if __name__ == "__main__":
    sys.exit(main())
