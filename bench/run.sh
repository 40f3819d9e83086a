#!/usr/bin/env bash
# make bench: the webhook against nginx serving the webhook's own answer as a static file, same
# machine, same certificate, same h2load settings, in alternation over several rounds.
#
# Settings (environment):
#   BENCH_ROUNDS=5          rounds; each runs both servers with both protocols
#   BENCH_DURATION=5        seconds per h2load run (h2load -D)
#   BENCH_ACCOUNTS=10000    ServiceAccounts besides the annotated one the pod uses
#   BENCH_SCRATCH_PATH      release build folder (default .build-bench); WEBHOOK_BIN skips the build
#   BENCH_KEEP=1            keep the work folder (requests, answers, logs, raw results)
# Prints a Markdown table (req/s, latency, server CPU per request), the webhook/nginx ratios, RSS
# and the time from start to ready.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

ROUNDS=${BENCH_ROUNDS:-5}
DURATION=${BENCH_DURATION:-5}
ACCOUNTS=${BENCH_ACCOUNTS:-10000}
for value in "$ROUNDS" "$DURATION" "$ACCOUNTS"; do
  [[ "$value" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS, BENCH_DURATION and BENCH_ACCOUNTS must be positive integers"
done
[ "$ROUNDS" -le 50 ] && [ "$DURATION" -le 120 ] || die "at most 50 rounds of 120 s"

bench_prepare

$GENERATE service-accounts --count $((ACCOUNTS + 1)) --annotated-count 1 "$WORK/service-accounts.json"
$GENERATE review "$WORK/review.json"
log "request: $(wc -c <"$WORK/review.json") bytes; ServiceAccounts: 1 annotated + $ACCOUNTS others"

start_webhook "$WORK/service-accounts.json"
rss_ready=$(rss_kb "$WEBHOOK_PID")
log "webhook pid $WEBHOOK_PID on 127.0.0.1:$WEBHOOK_PORT, ready in $READY_MS ms, RSS $rss_ready KiB"

fetch_answer "$WORK/review.json" "$WORK/answer.json"
start_nginx "$WORK/answer.json"
curl -sS --http2 --cacert "$CA" --resolve "localhost:$NGINX_PORT:127.0.0.1" -H 'Content-Type: application/json' \
  --data-binary "@$WORK/review.json" -o "$WORK/nginx-answer.json" "https://localhost:$NGINX_PORT/mutate"
cmp -s "$WORK/answer.json" "$WORK/nginx-answer.json" || die "nginx does not serve the webhook's answer byte for byte"
log "answer: $(wc -c <"$WORK/answer.json") bytes from both; nginx pid $NGINX_PID on 127.0.0.1:$NGINX_PORT"

webhook_url="https://127.0.0.1:$WEBHOOK_PORT/mutate?timeout=10s"
nginx_url="https://127.0.0.1:$NGINX_PORT/mutate?timeout=10s"
h2_flags=(-c 10 -m 10)
h1_flags=(--h1 -c 10)

# Warm-up (discarded): connections, caches, nginx's page cache, the webhook's first allocations.
for url in "$webhook_url" "$nginx_url"; do
  timeout 120 h2load -n 5000 "${h2_flags[@]}" -d "$WORK/review.json" -H 'Content-Type: application/json' "$url" >/dev/null
  timeout 120 h2load -n 2000 "${h1_flags[@]}" -d "$WORK/review.json" -H 'Content-Type: application/json' "$url" >/dev/null
done

for round in $(seq 1 "$ROUNDS"); do
  # Alternate who goes first, so a drift in the machine's load does not favour one side.
  if [ $((round % 2)) = 1 ]; then order="webhook nginx"; else order="nginx webhook"; fi
  for mode in h2 h1; do
    for server in $order; do
      if [ "$server" = webhook ]; then url=$webhook_url pids=$WEBHOOK_PID; else url=$nginx_url pids=$(nginx_pids); fi
      if [ "$mode" = h2 ]; then flags=("${h2_flags[@]}"); else flags=("${h1_flags[@]}"); fi
      run_h2load "$server-$mode-$round" "{\"server\":\"$server\",\"mode\":\"$mode\",\"round\":$round}" \
        "$url" "$WORK/review.json" "$pids" -D "$DURATION" "${flags[@]}"
      log "round $round $mode $server: $($RESULTS_PY last "$RESULTS")"
    done
  done
done

rss_after=$(rss_kb "$WEBHOOK_PID")
rss_peak=$(rss_kb "$WEBHOOK_PID" VmHWM)
nginx_rss=0
for pid in $(nginx_pids); do nginx_rss=$((nginx_rss + $(rss_kb "$pid"))); done
cat >"$WORK/facts.json" <<JSON
{"ready_ms": $READY_MS, "accounts": $((ACCOUNTS + 1)), "rss_idle_kb": $rss_ready, "rss_after_kb": $rss_after,
 "rss_peak_kb": $rss_peak, "nginx_rss_after_kb": $nginx_rss}
JSON

{
  echo
  echo "## make bench ($ROUNDS rounds of ${DURATION}s per server and protocol)"
  echo
  sed 's/^/    /' "$WORK/machine.txt"
  echo "    load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "request: $(wc -c <"$WORK/review.json") B AdmissionReview (pod $(pod_bytes "$WORK/review.json") B), answer: $(wc -c <"$WORK/answer.json") B; commands:"
  echo
  for flags in "${h2_flags[*]}" "${h1_flags[*]}"; do
    echo "    h2load -D $DURATION $flags -d review.json -H 'Content-Type: application/json' https://127.0.0.1:PORT/mutate?timeout=10s"
  done
  $RESULTS_PY throughput "$RESULTS" --facts "$WORK/facts.json"
} | tee "$WORK/summary.md"
# The latest summary stays beside the scripts (ignored by git) for bench/RESULTS.md.
mkdir -p "$BENCH_DIR/out"
cp "$WORK/summary.md" "$BENCH_DIR/out/bench.md"
