#!/usr/bin/env python3
"""Starts a server, measures the time until its readiness URL answers 200, and stays its parent.

  launch.py --ready-url URL --info FILE --log FILE [--timeout SECONDS] -- COMMAND...

Once the server is ready, FILE gets one line "PID READY_MS" (written atomically); if the server
exits or the deadline passes first, FILE gets "failed REASON". The launcher then waits for the
server to exit (forwarding SIGTERM/SIGINT to it) and exits with its status, so the caller stops
the server by its PID and nothing is left behind. Polling is every millisecond, so READY_MS is
precise to about 1 ms and includes everything from exec to the first 200.

The server's standard output and error go into a pipe this launcher reads all the time, as a container
runtime does (a benchmark at info level writes megabytes a second): the first MiB goes to the log FILE,
the rest is counted, and a last line says how much was read.
"""
import argparse
import http.client
import os
import signal
import subprocess
import sys
import threading
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


KEEP_BYTES = 1 << 20


def drain(pipe, log):
    """Reads the server's output until it closes; keeps the first KEEP_BYTES in `log`."""
    total = 0
    while True:
        chunk = pipe.read1(1 << 16)
        if not chunk:
            break
        if total < KEEP_BYTES:
            log.write(chunk[:KEEP_BYTES - total])
            log.flush()
        total += len(chunk)
    log.write(b"launch.py: read %d bytes of output, kept the first %d\n" % (total, min(total, KEEP_BYTES)))
    log.flush()


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

    log = open(args.log, "ab")
    start = time.monotonic()
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    reader = threading.Thread(target=drain, args=(server.stdout, log), daemon=True)
    reader.start()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda number, _frame: server.send_signal(number))

    deadline = start + args.timeout
    while True:
        if server.poll() is not None:
            reader.join(timeout=10)
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
    status = server.wait()
    reader.join(timeout=10)
    return status


if __name__ == "__main__":
    sys.exit(main())
