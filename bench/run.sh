#!/usr/bin/env bash
# make bench: the webhook against nginx serving the webhook's own answer as a static file, same
# machine, same certificate, same h2load settings, in alternation over several rounds. Two webhooks:
# "webhook" as the chart runs it (--log-format json at info: one line per decision, its output a pipe that
# is read) and "webhook-quiet" (--log-level warning), so the cost of the decision line is a row of its own.
#
# Settings (environment):
#   BENCH_ROUNDS=5            throughput rounds; each runs every server with both protocols
#   BENCH_DURATION=5          seconds per throughput run (h2load -D)
#   BENCH_LATENCY_ROUNDS=3    latency rounds (0: none); each runs every server with both protocols
#   BENCH_LATENCY_DURATION=10 seconds per latency run; the first 2 s (handshakes) are not counted
#   BENCH_LATENCY_CLIENTS=200 connections of the latency runs, one request in flight each, 10 req/s each
#   BENCH_STAGGER_ROUNDS=3    rounds of the same latency runs with the connections opened one every 7 ms (0: none)
#   BENCH_ACCOUNTS=10000      ServiceAccounts besides the annotated one the pod uses
#   BENCH_NGINX_REUSEPORT=1   nginx listens with reuseport (0: one shared listener; see nginx.conf.template)
#   BENCH_SCRATCH_PATH        release build folder (default .build-bench); WEBHOOK_BIN skips the build
#   BENCH_KEEP=1              keep the work folder (requests, answers, logs, raw results)
# Prints Markdown tables (req/s, latency, server CPU per request, load average per run), the ratios to
# nginx and of logging to quiet, RSS and the time from start to ready.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

ROUNDS=${BENCH_ROUNDS:-5}
DURATION=${BENCH_DURATION:-5}
ACCOUNTS=${BENCH_ACCOUNTS:-10000}
LATENCY_ROUNDS=${BENCH_LATENCY_ROUNDS:-3}
LATENCY_DURATION=${BENCH_LATENCY_DURATION:-10}
LATENCY_CLIENTS=${BENCH_LATENCY_CLIENTS:-200}
STAGGER_ROUNDS=${BENCH_STAGGER_ROUNDS:-3}
STEADY_AFTER=2
for value in "$ROUNDS" "$DURATION" "$ACCOUNTS" "$LATENCY_CLIENTS"; do
  [[ "$value" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS, BENCH_DURATION, BENCH_ACCOUNTS and BENCH_LATENCY_CLIENTS must be positive integers"
done
[[ "$LATENCY_ROUNDS" =~ ^[0-9]+$ ]] && [[ "$STAGGER_ROUNDS" =~ ^[0-9]+$ ]] \
  || die "BENCH_LATENCY_ROUNDS and BENCH_STAGGER_ROUNDS must be whole numbers"
[[ "$LATENCY_DURATION" =~ ^[0-9]+$ ]] && [ "$LATENCY_DURATION" -gt "$STEADY_AFTER" ] \
  || die "BENCH_LATENCY_DURATION must be a whole number of seconds above $STEADY_AFTER"
[ "$ROUNDS" -le 50 ] && [ "$DURATION" -le 120 ] && [ "$LATENCY_ROUNDS" -le 20 ] && [ "$STAGGER_ROUNDS" -le 20 ] && [ "$LATENCY_DURATION" -le 120 ] \
  && [ "$LATENCY_CLIENTS" -le 1000 ] || die "at most 50 rounds of 120 s, 20 latency rounds of 120 s, 1000 latency clients"

bench_prepare

$GENERATE service-accounts --count $((ACCOUNTS + 1)) --annotated-count 1 "$WORK/service-accounts.json"
$GENERATE review "$WORK/review.json"
log "request: $(wc -c <"$WORK/review.json") bytes; ServiceAccounts: 1 annotated + $ACCOUNTS others"

# As the chart runs it: JSON lines at info (the default level), into a pipe that is read.
start_webhook webhook "$WORK/service-accounts.json" --log-format json --log-level info
rss_ready=$(rss_kb "$WEBHOOK_PID")
ready_ms=$READY_MS
log "webhook (json, info) pid $WEBHOOK_PID on 127.0.0.1:$WEBHOOK_PORT, ready in $READY_MS ms, RSS $rss_ready KiB"
declare -A pid_of url_of
pid_of[webhook]=$WEBHOOK_PID
url_of[webhook]="https://127.0.0.1:$WEBHOOK_PORT/mutate?timeout=10s"
deployed_metrics_port=$METRICS_PORT
deployed_port=$WEBHOOK_PORT
start_webhook webhook-quiet "$WORK/service-accounts.json" --log-format json --log-level warning
log "webhook (warning) pid $WEBHOOK_PID on 127.0.0.1:$WEBHOOK_PORT, ready in $READY_MS ms"
pid_of[webhook-quiet]=$WEBHOOK_PID
url_of[webhook-quiet]="https://127.0.0.1:$WEBHOOK_PORT/mutate?timeout=10s"
WEBHOOK_PORT=$deployed_port  # fetch_answer asks the deployed one

fetch_answer "$WORK/review.json" "$WORK/answer.json"
start_nginx "$WORK/answer.json"
curl -sS --http2 --cacert "$CA" --resolve "localhost:$NGINX_PORT:127.0.0.1" -H 'Content-Type: application/json' \
  --data-binary "@$WORK/review.json" -o "$WORK/nginx-answer.json" "https://localhost:$NGINX_PORT/mutate"
cmp -s "$WORK/answer.json" "$WORK/nginx-answer.json" || die "nginx does not serve the webhook's answer byte for byte"
log "answer: $(wc -c <"$WORK/answer.json") bytes from both; nginx pid $NGINX_PID on 127.0.0.1:$NGINX_PORT"

url_of[nginx]="https://127.0.0.1:$NGINX_PORT/mutate?timeout=10s"
servers="webhook webhook-quiet nginx"
h2_flags=(-c 10 -m 10)
h1_flags=(--h1 -c 10)
latency_h2_flags=(-c "$LATENCY_CLIENTS" -m 1 --rps 10)
latency_h1_flags=(--h1 -c "$LATENCY_CLIENTS" -m 1 --rps 10)
# The same load with the clients' phases spread. h2load starts a client's 10 req/s timer when its handshake
# completes, and every client whose handshake completes in the same turn of h2load's event loop gets the
# same timer: with all connections opened at once, tens of clients (up to 127 seen) then send together
# every 100 ms for the whole run, and p99 is the time to drain such a burst, set by how h2load's start-up
# happened to go. An API server's requests are not phase-locked like that. Opening one connection every
# 7 ms (prime to the 100 ms period) puts two clients' phases in each millisecond. -r excludes -D: -n gives
# each client LATENCY_DURATION seconds of requests, and the steady window ends when the first client stops.
stagger_flags=(--rate 1 --rate-period 7ms -n $((LATENCY_CLIENTS * 10 * LATENCY_DURATION)))

server_pids() { if [ "$1" = nginx ]; then nginx_pids; else echo "${pid_of[$1]}"; fi; }

# Warm-up (discarded): connections, caches, nginx's page cache, the webhook's first allocations.
for server in $servers; do
  timeout 120 h2load -n 5000 "${h2_flags[@]}" -d "$WORK/review.json" -H 'Content-Type: application/json' "${url_of[$server]}" >/dev/null
  timeout 120 h2load -n 2000 "${h1_flags[@]}" -d "$WORK/review.json" -H 'Content-Type: application/json' "${url_of[$server]}" >/dev/null
done

# Rotate who goes first, so a drift in the machine's load does not favour one side.
order_of_round() {
  local list=($servers) shift=$(($1 % 3))
  echo "${list[@]:$shift}" "${list[@]:0:$shift}"
}

# measure KIND ROUND MODE SERVER H2LOAD-FLAGS...
measure() {
  local kind=$1 round=$2 mode=$3 server=$4
  shift 4
  local flags="$*"
  run_h2load "$kind-$server-$mode-$round" \
    "{\"kind\":\"$kind\",\"server\":\"$server\",\"mode\":\"$mode\",\"round\":$round,\"flags\":\"$flags\"}" \
    "${url_of[$server]}" "$WORK/review.json" "$(server_pids "$server")" "$@"
  log "$kind round $round $mode $server: $($RESULTS_PY last "$RESULTS")"
}

for round in $(seq 1 "$ROUNDS"); do
  for mode in h2 h1; do
    for server in $(order_of_round "$round"); do
      if [ "$mode" = h2 ]; then flags=("${h2_flags[@]}"); else flags=("${h1_flags[@]}"); fi
      measure throughput "$round" "$mode" "$server" -D "$DURATION" "${flags[@]}"
    done
  done
done

# Latency as the API server loads a webhook: many connections, one request in flight each, a fixed rate.
for round in $(seq 1 "$LATENCY_ROUNDS"); do
  for mode in h2 h1; do
    for server in $(order_of_round "$round"); do
      if [ "$mode" = h2 ]; then flags=("${latency_h2_flags[@]}"); else flags=("${latency_h1_flags[@]}"); fi
      H2LOAD_STEADY_AFTER=$STEADY_AFTER measure latency "$round" "$mode" "$server" -D "$LATENCY_DURATION" "${flags[@]}"
    done
  done
done

for round in $(seq 1 "$STAGGER_ROUNDS"); do
  for mode in h2 h1; do
    for server in $(order_of_round "$round"); do
      if [ "$mode" = h2 ]; then flags=("${latency_h2_flags[@]}"); else flags=("${latency_h1_flags[@]}"); fi
      H2LOAD_STEADY_AFTER=$STEADY_AFTER H2LOAD_STEADY_UNTIL=$LATENCY_DURATION \
        measure latency-staggered "$round" "$mode" "$server" "${stagger_flags[@]}" "${flags[@]}"
    done
  done
done

WEBHOOK_PID=${pid_of[webhook]}
rss_after=$(rss_kb "$WEBHOOK_PID")
rss_peak=$(rss_kb "$WEBHOOK_PID" VmHWM)
dropped=$(metric_value "$deployed_metrics_port" log_lines_dropped_total)
nginx_rss=0
for pid in $(nginx_pids); do nginx_rss=$((nginx_rss + $(rss_kb "$pid"))); done
cat >"$WORK/facts.json" <<JSON
{"ready_ms": $ready_ms, "accounts": $((ACCOUNTS + 1)), "rss_idle_kb": $rss_ready, "rss_after_kb": $rss_after,
 "rss_peak_kb": $rss_peak, "nginx_rss_after_kb": $nginx_rss, "nginx_reuseport": ${BENCH_NGINX_REUSEPORT:-1},
 "log_lines_dropped": $dropped}
JSON

{
  echo
  echo "## make bench ($ROUNDS rounds of ${DURATION}s, $LATENCY_ROUNDS + $STAGGER_ROUNDS latency rounds of ${LATENCY_DURATION}s, per server and protocol; commit $COMMIT)"
  echo
  sed 's/^/    /' "$WORK/machine.txt"
  echo "    load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "request: $(wc -c <"$WORK/review.json") B AdmissionReview (pod $(pod_bytes "$WORK/review.json") B), answer: $(wc -c <"$WORK/answer.json") B; commands:"
  echo
  echo "    webhook serve ... --log-format json --log-level info     # webhook (json, info): as the chart runs it"
  echo "    webhook serve ... --log-format json --log-level warning  # webhook (warning): quiet"
  for flags in "${h2_flags[*]}" "${h1_flags[*]}"; do
    echo "    h2load -D $DURATION $flags -d review.json -H 'Content-Type: application/json' https://127.0.0.1:PORT/mutate?timeout=10s"
  done
  if [ "$LATENCY_ROUNDS" -gt 0 ]; then
    for flags in "${latency_h2_flags[*]}" "${latency_h1_flags[*]}"; do
      echo "    h2load -D $LATENCY_DURATION $flags --log-file=requests.log -d review.json ...  # latency: requests after the first ${STEADY_AFTER}s"
    done
  fi
  if [ "$STAGGER_ROUNDS" -gt 0 ]; then
    for flags in "${latency_h2_flags[*]}" "${latency_h1_flags[*]}"; do
      echo "    h2load ${stagger_flags[*]} $flags --log-file=requests.log ...  # staggered: requests from ${STEADY_AFTER}s to ${LATENCY_DURATION}s"
    done
  fi
  $RESULTS_PY throughput "$RESULTS" --facts "$WORK/facts.json"
  $RESULTS_PY latency "$RESULTS"
  $RESULTS_PY latency "$RESULTS" --kind latency-staggered
} | tee "$WORK/summary.md"
# The latest summary stays beside the scripts (ignored by git) for bench/RESULTS.md.
mkdir -p "$BENCH_DIR/out"
cp "$WORK/summary.md" "$BENCH_DIR/out/bench.md"
