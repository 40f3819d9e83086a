#!/usr/bin/env bash
# make bench-scale: how the webhook scales.
#  1. ServiceAccounts: ready time (load from a local folder), RSS and HTTP/2 throughput with 1k, 10k
#     and 100k accounts (a fifth annotated); the pod uses an annotated account from the middle.
#  2. ServiceAccounts from the Kubernetes API: the same sets served by the tests' fake API server over TLS
#     (bench/lib/fake_api.py, every LIST page encoded ahead) and loaded by `webhook serve --kubeconfig` through
#     its real client: ready time and RSS after the load, once as metadata only (PartialObjectMetadataList) and
#     once as full objects (a server that ignores the metadata-only Accept).
#  3. Request size: cost per request from ~1 KB to 1 MB (h2load -c1 -m1, one request at a time),
#     webhook and nginx (serving the webhook's answer for that size), and a linearity check.
#
# Settings (environment):
#   BENCH_SCALE_ACCOUNTS="1000 10000 100000"
#   BENCH_SCALE_API_ACCOUNTS="100000"   account counts loaded from the fake API server ("" skips section 2)
#   BENCH_SCALE_SIZES="1024 4096 16384 65536 262144 1048576"   request bytes
#   BENCH_SCALE_DURATION=3      seconds of h2load -c10 -m10 per account count
#   BENCH_SCALE_BYTES=134217728 request bytes sent per size point (bounds the count: 50..3000 requests)
#   BENCH_SCRATCH_PATH, WEBHOOK_BIN, BENCH_KEEP as for bench/run.sh
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

ACCOUNT_COUNTS=${BENCH_SCALE_ACCOUNTS:-1000 10000 100000}
API_ACCOUNT_COUNTS=${BENCH_SCALE_API_ACCOUNTS-100000}
SIZES=${BENCH_SCALE_SIZES:-1024 4096 16384 65536 262144 1048576}
DURATION=${BENCH_SCALE_DURATION:-3}
BYTES_PER_POINT=${BENCH_SCALE_BYTES:-134217728}
for value in $ACCOUNT_COUNTS $API_ACCOUNT_COUNTS $SIZES "$DURATION" "$BYTES_PER_POINT"; do
  [[ "$value" =~ ^[1-9][0-9]*$ ]] || die "BENCH_SCALE_* settings must be positive integers (got $value)"
done
for value in $ACCOUNT_COUNTS $API_ACCOUNT_COUNTS; do [ "$value" -le 1000000 ] || die "at most 1,000,000 ServiceAccounts"; done
for value in $SIZES; do [ "$value" -le 6291456 ] || die "request sizes above 6 MiB exceed the webhook's default limit"; done
[ "$DURATION" -le 60 ] || die "BENCH_SCALE_DURATION: at most 60 s"

bench_prepare

# generate_accounts COUNT: $WORK/accounts-COUNT/ (a fifth annotated) and $WORK/review-COUNT.json, a pod of an
# annotated account from the middle of the set; made once per count.
generate_accounts() {
  local count=$1 middle
  [ ! -d "$WORK/accounts-$count" ] || return 0
  $GENERATE service-accounts --count "$count" --annotated-every 5 "$WORK/accounts-$count/"
  middle=$(((count / 2) / 5 * 5))
  $GENERATE review --namespace "$(printf 'ns-%04d' $((middle % 100)))" --service-account "$(printf 'sa-%06d' "$middle")" \
    "$WORK/review-$count.json"
}

# 1. ServiceAccounts.
for count in $ACCOUNT_COUNTS; do
  folder="$WORK/accounts-$count"
  generate_accounts "$count"
  start_webhook "webhook-$count" "$folder" --log-level warning
  rss_idle=$(rss_kb "$WEBHOOK_PID")
  log "$count ServiceAccounts ($(du -sk "$folder" | cut -f1) KiB of JSON): ready in $READY_MS ms, RSS $rss_idle KiB"
  fetch_answer "$WORK/review-$count.json" "$WORK/answer-$count.json"
  url="https://127.0.0.1:$WEBHOOK_PORT/mutate?timeout=10s"
  timeout 60 h2load -n 2000 -c 10 -m 10 -d "$WORK/review-$count.json" -H 'Content-Type: application/json' "$url" >/dev/null
  extra="{\"kind\":\"accounts\",\"accounts\":$count,\"annotated\":$(((count + 4) / 5)),\"ready_ms\":$READY_MS,\"rss_idle_kb\":$rss_idle}"
  run_h2load "accounts-$count" "$extra" "$url" "$WORK/review-$count.json" "$WEBHOOK_PID" -D "$DURATION" -c 10 -m 10
  stop_webhook
done

# 2. ServiceAccounts from the Kubernetes API. The fake server's mode "honoured" serves metadata only, "ignored"
# full objects to the same request; the webhook's log line after the LIST says which it got.
for count in $API_ACCOUNT_COUNTS; do
  generate_accounts "$count"
  for mode in honoured ignored; do
    name="api-$count-$mode"
    start_fake_api "$name" "$WORK/accounts-$count" "$mode"
    start_webhook "webhook-$name" "" --kubeconfig "$WORK/$name.kubeconfig"
    rss_loaded=$(rss_kb "$WEBHOOK_PID")
    rss_peak=$(rss_kb "$WEBHOOK_PID" VmHWM)
    # The log writer flushes within 100 ms: the line may land just after readiness.
    deadline=$((SECONDS + 5))
    until grep -q "serviceaccounts: listed $count in " "$WORK/webhook-$name.log"; do
      [ $SECONDS -lt $deadline ] || die "the webhook's log does not say how it listed $count ServiceAccounts (see $WORK/webhook-$name.log)"
      sleep 0.05
    done
    if grep -q "serviceaccounts: listed $count in .*(metadata only)" "$WORK/webhook-$name.log"; then served=metadata
    else served=full; fi
    fetch_answer "$WORK/review-$count.json" "$WORK/answer-$name.json"
    log "$count ServiceAccounts from the API as $served objects: ready in $READY_MS ms, RSS $rss_loaded KiB (peak $rss_peak KiB)"
    echo "{\"kind\":\"api-accounts\",\"accounts\":$count,\"annotated\":$(((count + 4) / 5)),\"served\":\"$served\",\"ready_ms\":$READY_MS,\"rss_kb\":$rss_loaded,\"rss_peak_kb\":$rss_peak,\"loadavg\":$(cut -d' ' -f1 /proc/loadavg),\"commit\":\"$COMMIT\"}" >>"$RESULTS"
    stop_webhook
    stop_fake_api
  done
done

# 3. Request size, with the bench's account set (one annotated + 10,000 others).
$GENERATE service-accounts --count 10001 --annotated-count 1 "$WORK/service-accounts.json"
start_webhook webhook "$WORK/service-accounts.json" --log-level warning
first=""
for size in $SIZES; do
  $GENERATE review --bytes "$size" "$WORK/review-size-$size.json"
  fetch_answer "$WORK/review-size-$size.json" "$WORK/answer-size-$size.json"
  if [ -z "$first" ]; then start_nginx "$WORK/answer-size-$size.json" read-body; first=done; else nginx_answer "$WORK/answer-size-$size.json"; fi
  requests=$((BYTES_PER_POINT / size))
  [ "$requests" -ge 50 ] || requests=50
  [ "$requests" -le 3000 ] || requests=3000
  answer_bytes=$(wc -c <"$WORK/answer-size-$size.json")
  actual=$(wc -c <"$WORK/review-size-$size.json")
  for server in webhook nginx; do
    if [ "$server" = webhook ]; then url="https://127.0.0.1:$WEBHOOK_PORT/mutate?timeout=10s" pids=$WEBHOOK_PID
    else url="https://127.0.0.1:$NGINX_PORT/mutate?timeout=10s" pids=$(nginx_pids); fi
    timeout 60 h2load -n 5 -c 1 -m 1 -d "$WORK/review-size-$size.json" -H 'Content-Type: application/json' "$url" >/dev/null
    run_h2load "size-$size-$server" \
      "{\"kind\":\"size\",\"server\":\"$server\",\"bytes\":$actual,\"answer_bytes\":$answer_bytes}" \
      "$url" "$WORK/review-size-$size.json" "$pids" -n "$requests" -c 1 -m 1
  done
  log "size $actual B: $requests requests each, answer $answer_bytes B"
done
rss_after_sizes=$(rss_kb "$WEBHOOK_PID")
rss_peak_sizes=$(rss_kb "$WEBHOOK_PID" VmHWM)

{
  echo
  echo "## make bench-scale"
  echo
  sed 's/^/    /' "$WORK/machine.txt"
  echo "    load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "### ServiceAccounts (local folder of JSON Lists; h2load -D $DURATION -c 10 -m 10, HTTP/2)"
  $RESULTS_PY accounts "$RESULTS"
  if [ -n "$API_ACCOUNT_COUNTS" ]; then
    echo
    echo "### ServiceAccounts from the Kubernetes API (fake API server over TLS, webhook serve --kubeconfig)"
    $RESULTS_PY api-accounts "$RESULTS"
  fi
  echo
  echo "### Request size (h2load -n N -c 1 -m 1, HTTP/2; N = $BYTES_PER_POINT bytes / size, 50..3000)"
  $RESULTS_PY sizes "$RESULTS"
  echo "webhook RSS after the size curve: $((rss_after_sizes / 1024)) MB (peak $((rss_peak_sizes / 1024)) MB)"
} | tee "$WORK/summary.md"
# The latest summary stays beside the scripts (ignored by git) for bench/RESULTS.md.
mkdir -p "$BENCH_DIR/out"
cp "$WORK/summary.md" "$BENCH_DIR/out/bench-scale.md"
