#!/usr/bin/env python3
"""Records and summarises benchmark measurements (one JSON object per line).

  results.py check-answer ANSWER
      Exits 1 unless ANSWER is an allowed AdmissionReview response with a JSON Patch that sets
      AWS_ROLE_ARN (so a benchmark never measures an error or a no-op answer by mistake).
  results.py record --label L --h2load-output OUT --h2load-log LOG --ticks-before "T..." --ticks-after "T..."
                    --ticks-per-second T
      Prints one JSON line for an h2load run: req/s, latency percentiles from the per-request
      log, server CPU time per request (and each server process's share), server RSS after the run. Exits 1 when requests failed with an HTTP error.
  results.py last RESULTS
      One line about the latest run (for progress messages).
  results.py throughput RESULTS [--facts FACTS]
      The `make bench` throughput summary: medians over rounds per server and protocol, ratios to nginx and
      of the deployed configuration (JSON logs at info) to the quiet one (warning).
  results.py latency RESULTS [--kind latency-staggered]
      The `make bench` latency summary (fixed rate, many connections): steady-state p50/p99/max per server
      and protocol, p99 ratio to nginx; with --kind, of the runs whose connections were opened one by one.
  results.py sizes RESULTS
      The `make bench-scale` size curve: cost per request by request size and the linearity check.
  results.py accounts RESULTS
      The `make bench-scale` ServiceAccount table: ready time, RSS, throughput per account count.
  results.py api-accounts RESULTS
      The `make bench-scale` table of ServiceAccounts loaded from the (fake) API server: ready time and RSS,
      metadata only and full objects.
"""
import argparse
import base64
import json
import re
import statistics
import sys

# Targets of issues 7 and 16 (benchmarks, not pass/fail tests: they are reported, never asserted).
TARGET_RATIO = {"h2": 1.0, "h1": 0.9}
TARGET_LOGGING_RATIO = 0.9
TARGET_CPU_RATIO = 1.0
TARGET_P99_RATIO = 1.25
# The servers of `make bench`, in table order: the webhook as the chart runs it, the same with logging quiet,
# and the baseline.
SERVERS = {
    "webhook": "webhook (json, info)",
    "webhook-quiet": "webhook (warning)",
    "nginx": "nginx",
}
TARGET_IDLE_RSS_10K_MB = 30
TARGET_RSS_100K_MB = 100
TARGET_READY_100K_MS = 1000
TARGET_API_READY_100K_MS = 2500
TARGET_API_RSS_100K_MB = 40
# What the fake API server answered to the webhook's metadata-only LIST (the webhook's log line says which).
SERVED = {"metadata": "metadata only", "full": "full objects"}
APISERVER_TIMEOUT_MS = 10_000


def check_answer(path):
    with open(path, "rb") as f:
        review = json.load(f)
    response = review.get("response") or {}
    problems = []
    if review.get("kind") != "AdmissionReview":
        problems.append("kind is not AdmissionReview")
    if response.get("allowed") is not True:
        problems.append("response.allowed is not true")
    if response.get("patchType") != "JSONPatch" or not response.get("patch"):
        problems.append("no JSONPatch in the response")
    else:
        patch = json.loads(base64.b64decode(response["patch"]))
        if "AWS_ROLE_ARN" not in json.dumps(patch):
            problems.append("the patch does not set AWS_ROLE_ARN")
    for problem in problems:
        print(f"{path}: {problem}", file=sys.stderr)
    return 1 if problems else 0


UNIT_US = {"us": 1.0, "ms": 1000.0, "s": 1_000_000.0}


def duration_us(text):
    match = re.fullmatch(r"([0-9.]+)(us|ms|s)", text)
    return float(match.group(1)) * UNIT_US[match.group(2)]


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


BURST_GAP_US = 200


def burst_sizes(starts):
    """For each start time (sorted, us), the size of its burst: the run of requests each started within
    BURST_GAP_US of the one before. Sorted."""
    sizes, run = [], 0
    for index, start in enumerate(starts):
        if index > 0 and start - starts[index - 1] > BURST_GAP_US:
            sizes.extend([run] * run)
            run = 0
        run += 1
    sizes.extend([run] * run)
    return sorted(sizes)


def record(args):
    with open(args.h2load_output) as f:
        text = f.read()
    finished = re.search(r"finished in ([0-9.]+(?:us|ms|s)), ([0-9.]+) req/s", text)
    counts = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                       r"(\d+) errored, (\d+) timeout", text)
    codes = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text)
    timing = re.search(r"time for request:\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", text)
    protocol = re.search(r"Application protocol: (\S+)", text)
    if not (finished and counts and codes and timing):
        print("h2load output not understood", file=sys.stderr)
        return 1
    total, done, succeeded, failed, errored, timeouts = map(int, counts.groups())
    two, three, four, five = map(int, codes.groups())
    if succeeded == 0 or three + four + five > 0:
        print(f"{args.label}: {succeeded} succeeded, status codes 3xx={three} 4xx={four} 5xx={five}",
              file=sys.stderr)
        return 1
    # h2load's per-request log: start time (us since the epoch), status, duration (us), tab-separated.
    requests = []
    with open(args.h2load_log) as f:
        for line in f:
            fields = line.split("\t")
            if len(fields) >= 3 and fields[1].startswith("2"):
                requests.append((int(fields[0]), int(fields[2])))
    first = min((start for start, _ in requests), default=0)
    steady_from = first + args.steady_after * 1_000_000
    steady_until = first + args.steady_until * 1_000_000 if args.steady_until else float("inf")
    steady = [(start, duration) for start, duration in requests if steady_from <= start < steady_until]
    latencies = sorted(duration for _, duration in steady)
    bursts = burst_sizes(sorted(start for start, _ in steady))
    # /proc/stat's first line before and after: the share of all CPU time that was stolen by the host.
    before, after = (list(map(int, line.split()[1:])) for line in (args.cpu_stat_before, args.cpu_stat_after))
    elapsed = [b - a for a, b in zip(before, after)]
    steal_percent = round(100 * elapsed[7] / sum(elapsed), 1) if len(elapsed) > 7 and sum(elapsed) else None
    # Per server process (nginx: master, then workers), so a row shows how the connections spread.
    process_ticks = [after - before for before, after in zip(map(int, args.ticks_before.split()),
                                                              map(int, args.ticks_after.split()))]
    seconds = sum(process_ticks) / args.ticks_per_second
    row = {
        "label": args.label,
        "protocol": protocol.group(1) if protocol else None,
        "seconds": duration_us(finished.group(1)) / 1e6,
        "rps": float(finished.group(2)),
        "succeeded": succeeded,
        # Requests cut off when a -D run ends show up as errored: expected, at most clients x streams.
        "unfinished": failed,
        "latency_us": {
            "mean": duration_us(timing.group(3)),
            "p50": percentile(latencies, 0.50),
            "p90": percentile(latencies, 0.90),
            "p99": percentile(latencies, 0.99),
            "max": latencies[-1] if latencies else duration_us(timing.group(2)),
        },
        "server_cpu_us_per_request": round(seconds * 1e6 / succeeded, 2),
        "process_ticks": process_ticks,
        "steady_after_s": args.steady_after,
        "steady_until_s": args.steady_until,
        "steady_requests": len(latencies),
        # The size of the burst each steady request arrived in (median over requests, and the largest): with
        # --rps, every client's timer keeps the phase its first request had, so clients whose phases coincide
        # arrive together and p99 is the time to drain the largest bursts.
        "burst": {"p50": percentile(bursts, 0.50), "max": bursts[-1] if bursts else 0},
        "loadavg": args.loadavg,
        "steal_percent": steal_percent,
        "commit": args.commit,
    }
    if args.rss_pids:
        row["rss_after_kb"] = sum(status_kb(pid, "VmRSS") for pid in args.rss_pids.split())
        row["rss_peak_kb"] = sum(status_kb(pid, "VmHWM") for pid in args.rss_pids.split())
    for key, value in json.loads(args.extra or "{}").items():
        row[key] = value
    print(json.dumps(row))
    return 0


def status_kb(pid, field):
    """A memory figure from /proc/PID/status, in KiB (0 when the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def fmt_us(value):
    if value is None:
        return "-"
    return f"{value / 1000:.2f} ms" if value >= 1000 else f"{value:.0f} us"


def last(args):
    r = load(args.results)[-1]
    print(f"{r['rps']:.0f} req/s, p50 {fmt_us(r['latency_us']['p50'])}, p99 {fmt_us(r['latency_us']['p99'])}, "
          f"server CPU {r['server_cpu_us_per_request']:.1f} us/request")
    return 0


def runs_of(rows, kind, server, protocol):
    return [r for r in rows if r.get("kind") == kind and r.get("server") == server and r.get("mode") == protocol]


def loads(runs):
    """Per run: the 1-minute load average at its start, and the share of the machine's CPU time the virtual
    machine's host took (steal) during it, when any."""
    def one(r):
        load = f"{r['loadavg']:.2f}" if r.get("loadavg") is not None else "-"
        steal = r.get("steal_percent")
        return f"{load} st{steal:.0f}%" if steal is not None and steal >= 0.5 else load
    return ", ".join(one(r) for r in runs)


def commits(rows):
    return ", ".join(sorted({r.get("commit") or "unknown" for r in rows}))


def round_ratios(rows, kind, protocol, numerator, denominator, value):
    """The median of per-round ratios: each round runs every server back to back, so a load spike from
    elsewhere hits a round, not one side."""
    pairs = {}
    for r in rows:
        if r.get("kind") == kind and r.get("mode") == protocol:
            pairs.setdefault(r["round"], {})[r["server"]] = value(r)
    ratios = [p[numerator] / p[denominator] for p in pairs.values()
              if numerator in p and denominator in p and p[denominator]]
    return statistics.median(ratios) if ratios else None


def summary(runs):
    """Medians over a server's rounds for one protocol (max: the worst), and the row's flags and loads."""
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        "p50": statistics.median(r["latency_us"]["p50"] for r in runs),
        "p99": statistics.median(r["latency_us"]["p99"] for r in runs),
        "max": max(r["latency_us"]["max"] for r in runs),
        "cpu": statistics.median(r["server_cpu_us_per_request"] for r in runs),
        "flags": runs[0].get("flags", ""),
        "loads": loads(runs),
    }


def table_rows(rows, kind):
    """(protocol, server name, runs, summary) per table row, in table order, for the servers that ran."""
    for protocol in ("h2", "h1"):
        for server, name in SERVERS.items():
            runs = runs_of(rows, kind, server, protocol)
            if runs:
                yield protocol, name, runs, summary(runs)


def verdict(ratio, target, at_least=True):
    return "meets" if (ratio >= target if at_least else ratio <= target) else ("BELOW" if at_least else "ABOVE")


PROTOCOL_NAMES = {"h2": "HTTP/2", "h1": "HTTP/1.1"}


def throughput(args):
    rows = [r for r in load(args.results) if r.get("kind") == "throughput"]
    facts = json.load(open(args.facts)) if args.facts else {}
    print()
    print(f"Throughput (commit {commits(rows)}; load: the 1-minute load average at the start of each run)")
    print()
    print("| protocol | server | req/s (median) | req/s per round | p50 | p99 | max | server CPU/request | "
          "load (steal) per round |")
    print("|---|---|---|---|---|---|---|---|---|")
    for protocol, name, runs, m in table_rows(rows, "throughput"):
        per_round = " ".join(f"{r['rps']:.0f}" for r in runs)
        print(f"| {PROTOCOL_NAMES[protocol]} {m['flags']} | {name} | {m['rps']:.0f} | {per_round} | {fmt_us(m['p50'])} | "
              f"{fmt_us(m['p99'])} | {fmt_us(m['max'])} | {m['cpu']:.1f} us | {m['loads']} |")
    print()
    for protocol in ("h2", "h1"):
        name = PROTOCOL_NAMES[protocol]
        target = TARGET_RATIO[protocol]
        for server in ("webhook", "webhook-quiet"):
            ratio = round_ratios(rows, "throughput", protocol, server, "nginx", lambda r: r["rps"])
            if ratio is not None:
                print(f"{name}: {SERVERS[server]} / nginx: {ratio:.2f} (median of rounds; target >= {target}: "
                      f"{verdict(ratio, target)})")
        ratio = round_ratios(rows, "throughput", protocol, "webhook", "webhook-quiet", lambda r: r["rps"])
        if ratio is not None:
            print(f"{name}: logging at info / quiet: {ratio:.2f} (median of rounds; target >= {TARGET_LOGGING_RATIO}: "
                  f"{verdict(ratio, TARGET_LOGGING_RATIO)})")
        ratio = round_ratios(rows, "throughput", protocol, "webhook", "nginx", lambda r: r["server_cpu_us_per_request"])
        if ratio is not None:
            print(f"{name}: server CPU per request, {SERVERS['webhook']} / nginx: {ratio:.2f} (target <= "
                  f"{TARGET_CPU_RATIO}: {verdict(ratio, TARGET_CPU_RATIO, at_least=False)})")
    if facts:
        print(f"time from start to ready: {facts['ready_ms']:.0f} ms "
              f"({facts['accounts']} ServiceAccounts from a local file)")
        idle = facts["rss_idle_kb"] / 1024
        print(f"webhook RSS: idle {idle:.1f} MB (target <= {TARGET_IDLE_RSS_10K_MB} MB: "
              f"{verdict(idle, TARGET_IDLE_RSS_10K_MB, at_least=False)}), "
              f"after load {facts['rss_after_kb'] / 1024:.1f} MB, peak {facts['rss_peak_kb'] / 1024:.1f} MB")
        print(f"nginx RSS (master + workers) after load: {facts['nginx_rss_after_kb'] / 1024:.1f} MB")
        listen = "reuseport" if facts.get("nginx_reuseport") else "one shared listener"
        for protocol in ("h2", "h1"):
            shares = [max(r["process_ticks"]) / sum(r["process_ticks"]) for r in runs_of(rows, "throughput", "nginx", protocol)
                      if sum(r.get("process_ticks") or [0])]
            if shares:
                print(f"{PROTOCOL_NAMES[protocol]}: nginx's busiest worker's share of its CPU ({listen}): "
                      f"{100 * statistics.median(shares):.0f}% (median of rounds; 50% is an even spread over 2)")
        if "log_lines_dropped" in facts:
            print(f"log lines dropped by the webhook (log_lines_dropped_total; its output pipe is read): "
                  f"{facts['log_lines_dropped']}")
    return 0


def latency(args):
    kind = args.kind
    rows = [r for r in load(args.results) if r.get("kind") == kind]
    if not rows:
        return 0
    steady = rows[0].get("steady_after_s", 0)
    until = rows[0].get("steady_until_s")
    window = (f"requests started {steady:g} s or more after the first, when the handshakes are done" if not until
              else f"requests started {steady:g} s to {until:g} s after the first, while every client runs")
    opened = "" if kind == "latency" else ", connections opened one every 7 ms (clients' phases spread)"
    print()
    print(f"Latency at a fixed rate{opened} (commit {commits(rows)}; {window})")
    print()
    print("| protocol | server | p50 | p99 | max | p99 per round | burst per round | req/s | server CPU/request | "
          "load (steal) per round |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for protocol, name, runs, m in table_rows(rows, kind):
        per_round = " ".join(fmt_us(r["latency_us"]["p99"]) for r in runs)
        bursts = " ".join(f"{r['burst']['p50']}/{r['burst']['max']}" if "burst" in r else "-" for r in runs)
        print(f"| {PROTOCOL_NAMES[protocol]} {m['flags']} | {name} | {fmt_us(m['p50'])} | {fmt_us(m['p99'])} | "
              f"{fmt_us(m['max'])} | {per_round} | {bursts} | {m['rps']:.0f} | {m['cpu']:.1f} us | {m['loads']} |")
    print()
    for protocol in ("h2", "h1"):
        for server in ("webhook", "webhook-quiet"):
            ratio = round_ratios(rows, kind, protocol, server, "nginx", lambda r: r["latency_us"]["p99"])
            if ratio is not None:
                print(f"{PROTOCOL_NAMES[protocol]}{opened and ', staggered'}: p99 {SERVERS[server]} / nginx: {ratio:.2f} (median of rounds; "
                      f"target <= {TARGET_P99_RATIO}: {verdict(ratio, TARGET_P99_RATIO, at_least=False)})")
    return 0


def sizes(args):
    rows = [r for r in load(args.results) if r.get("kind") == "size"]
    print()
    print("| request bytes | answer bytes | webhook us/request | nginx us/request | webhook - nginx | "
          "webhook CPU us/request | webhook CPU ns/byte | max latency |")
    print("|---|---|---|---|---|---|---|---|")
    by_size = {}
    for r in rows:
        by_size.setdefault(r["bytes"], {})[r["server"]] = r
    points = []
    for size in sorted(by_size):
        w, n = by_size[size].get("webhook"), by_size[size].get("nginx")
        if not w:
            continue
        w_us = w["latency_us"]["mean"]
        n_us = n["latency_us"]["mean"] if n else None
        cpu = w["server_cpu_us_per_request"]
        points.append((size, cpu, w))
        diff = f"{w_us - n_us:.0f}" if n_us is not None else "-"
        print(f"| {size} | {w.get('answer_bytes', '-')} | {w_us:.0f} | "
              f"{'-' if n_us is None else f'{n_us:.0f}'} | {diff} | {cpu:.0f} | {cpu * 1000 / size:.2f} | "
              f"{fmt_us(w['latency_us']['max'])} |")
    if len(points) >= 3:
        # Marginal cost per byte between neighbouring sizes, for the record (noisy at small sizes).
        cost = [(size, cpu if cpu > 0 else w["latency_us"]["mean"]) for size, cpu, w in points]
        marginal = []
        for (s1, c1), (s2, c2) in zip(cost, cost[1:]):
            marginal.append((s1, s2, (c2 - c1) * 1000 / (s2 - s1)))
        print()
        print("marginal cost (ns per extra byte): " + ", ".join(f"{a}->{b} B: {m:.1f}" for a, b, m in marginal))
        # The verdict compares whole-request cost per byte at the two largest sizes: a fixed overhead
        # only makes it fall, a quadratic step makes it rise by the size ratio (x4 for 256 KB -> 1 MB).
        (s1, c1), (s2, c2) = cost[-2], cost[-1]
        growth = (c2 / s2) / (c1 / s1)
        verdict = "roughly linear" if growth < 1.5 else "SUPERLINEAR"
        print(f"cost per byte at {s2} B / at {s1} B: {growth:.2f} ({verdict}; <= 1 linear with a fixed part, "
              f"{s2 / s1:.0f} quadratic)")
        big = points[-1][2]
        worst = big["latency_us"]["max"] / 1000
        verdict = "well under" if worst < APISERVER_TIMEOUT_MS / 10 else "NOT well under"
        print(f"largest request ({points[-1][0]} B): slowest answer {worst:.1f} ms ({verdict} the apiserver's 10 s timeout)")
    return 0


def accounts(args):
    rows = [r for r in load(args.results) if r.get("kind") == "accounts"]
    print()
    print("| ServiceAccounts | annotated | ready (load) | RSS idle | RSS after load | req/s HTTP/2 | "
          "server CPU/request |")
    print("|---|---|---|---|---|---|---|")
    for r in sorted(rows, key=lambda r: r["accounts"]):
        rps = f"{r['rps']:.0f}" if r.get("rps") else "-"
        cpu = f"{r['server_cpu_us_per_request']:.1f} us" if r.get("server_cpu_us_per_request") else "-"
        print(f"| {r['accounts']} | {r['annotated']} | {r['ready_ms']:.0f} ms | {r['rss_idle_kb'] / 1024:.1f} MB | "
              f"{r['rss_after_kb'] / 1024:.1f} MB | {rps} | {cpu} |")
    print()
    for r in rows:
        if r["accounts"] == 10_000 or r["accounts"] == 10_001:
            verdict = "meets" if r["rss_idle_kb"] / 1024 <= TARGET_IDLE_RSS_10K_MB else "ABOVE"
            print(f"10k accounts: idle RSS {r['rss_idle_kb'] / 1024:.1f} MB (target <= {TARGET_IDLE_RSS_10K_MB} MB: {verdict})")
        if r["accounts"] == 100_000:
            verdict = "meets" if r["rss_after_kb"] / 1024 <= TARGET_RSS_100K_MB else "ABOVE"
            print(f"100k accounts: RSS after load {r['rss_after_kb'] / 1024:.1f} MB "
                  f"(target <= {TARGET_RSS_100K_MB} MB: {verdict})")
            verdict = "meets" if r["ready_ms"] < TARGET_READY_100K_MS else "ABOVE"
            print(f"100k accounts: ready in {r['ready_ms']:.0f} ms (target < {TARGET_READY_100K_MS} ms: {verdict})")
    with_rps = sorted((r for r in rows if r.get("server_cpu_us_per_request")), key=lambda r: r["accounts"])
    if len(with_rps) >= 2:
        first, last = with_rps[0], with_rps[-1]
        growth = last["server_cpu_us_per_request"] / first["server_cpu_us_per_request"]
        verdict = "flat (O(1) lookups)" if growth < 1.3 else "GROWS with the account count"
        print(f"CPU per request, {last['accounts']} vs {first['accounts']} accounts: x{growth:.2f} ({verdict})")
    return 0


def api_accounts(args):
    rows = [r for r in load(args.results) if r.get("kind") == "api-accounts"]
    print()
    print("| ServiceAccounts | annotated | served as | ready | RSS after load | RSS peak | load avg |")
    print("|---|---|---|---|---|---|---|")
    for r in sorted(rows, key=lambda r: (r["accounts"], r["served"])):
        print(f"| {r['accounts']} | {r['annotated']} | {SERVED[r['served']]} | {r['ready_ms']:.0f} ms | "
              f"{r['rss_kb'] / 1024:.1f} MB | {r['rss_peak_kb'] / 1024:.1f} MB | {r['loadavg']:.2f} |")
    print()
    for r in rows:
        if r["accounts"] == 100_000:
            ready = "meets" if r["ready_ms"] <= TARGET_API_READY_100K_MS else "ABOVE"
            rss = "meets" if r["rss_kb"] / 1024 <= TARGET_API_RSS_100K_MB else "ABOVE"
            print(f"100k accounts from the API, {SERVED[r['served']]}: ready in {r['ready_ms']:.0f} ms "
                  f"(target <= {TARGET_API_READY_100K_MS} ms: {ready}), RSS {r['rss_kb'] / 1024:.1f} MB "
                  f"(target <= {TARGET_API_RSS_100K_MB} MB: {rss})")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check-answer")
    c.add_argument("answer")
    r = sub.add_parser("record")
    r.add_argument("--label", required=True)
    r.add_argument("--h2load-output", required=True)
    r.add_argument("--h2load-log", required=True)
    r.add_argument("--ticks-before", required=True, help="each server process's CPU ticks before the run")
    r.add_argument("--ticks-after", required=True, help="the same after it, in the same order")
    r.add_argument("--ticks-per-second", type=int, required=True)
    r.add_argument("--extra", help="a JSON object merged into the row")
    r.add_argument("--rss-pids", help="processes whose VmRSS/VmHWM (summed) to record after the run")
    r.add_argument("--steady-after", type=float, default=0.0,
                   help="latency percentiles over requests started this many seconds after the first")
    r.add_argument("--steady-until", type=float,
                   help="and started less than this many seconds after the first (default: to the end)")
    r.add_argument("--cpu-stat-before", required=True, help="the first line of /proc/stat before the run")
    r.add_argument("--cpu-stat-after", required=True, help="the same after it")
    r.add_argument("--loadavg", type=float, help="the machine's 1-minute load average when the run started")
    r.add_argument("--commit", help="the commit measured")
    for name in ("last", "throughput", "latency", "sizes", "accounts", "api-accounts"):
        p = sub.add_parser(name)
        p.add_argument("results")
        if name == "throughput":
            p.add_argument("--facts")
        if name == "latency":
            p.add_argument("--kind", default="latency", choices=["latency", "latency-staggered"])
    args = parser.parse_args()
    if args.command == "check-answer":
        return check_answer(args.answer)
    return {"record": record, "last": last, "throughput": throughput, "latency": latency, "sizes": sizes,
            "accounts": accounts, "api-accounts": api_accounts}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
