# Shared by bench/run.sh and bench/scale.sh (sourced, not run).
# Everything binds 127.0.0.1, every wait has a deadline, and every process started here is stopped
# by its PID on exit (bench_cleanup runs from the EXIT trap).

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
SWIFT=${SWIFT:-swift}
PYTHON=${PYTHON:-python3}
# Release build in its own scratch path, so a benchmark never waits on (or disturbs) a debug build.
BENCH_SCRATCH_PATH=${BENCH_SCRATCH_PATH:-$ROOT/.build-bench}
# Set WEBHOOK_BIN to benchmark an existing binary instead of building one.
WEBHOOK_BIN=${WEBHOOK_BIN:-}
GENERATE="$PYTHON $BENCH_DIR/requests/generate.py"
RESULTS_PY="$PYTHON $BENCH_DIR/lib/results.py"
READY_TIMEOUT=${BENCH_READY_TIMEOUT:-60}

WORK=""
WEBHOOK_PID=""
LAUNCHER_PID=""
NGINX_PID=""
FAKE_API_PID=""
# The tests' fake API server needs the test requirements (jsonpatch): the Makefile passes the venv's Python.
FAKE_API_PYTHON=${FAKE_API_PYTHON:-$PYTHON}
# Every webhook started ("PID LAUNCHER_PID"), so bench_cleanup stops them all.
STARTED_WEBHOOKS=()

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

bench_init() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/webhook-bench.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  log "work folder $WORK (kept with BENCH_KEEP=1)"
}

bench_cleanup() {
  local status=$?
  local started
  for started in "${STARTED_WEBHOOKS[@]}"; do stop_webhook $started; done
  stop_nginx
  stop_fake_api
  if [ -n "$WORK" ] && [ "${BENCH_KEEP:-0}" != 1 ]; then rm -rf "$WORK"; fi
  return $status
}

# Installs nginx and h2load when missing (Debian packages; idempotent, no network when present).
ensure_tools() {
  local missing="" package
  for package in nginx nghttp2-client curl openssl python3; do
    dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
  done
  if [ -n "$missing" ]; then
    log "installing$missing"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
  command -v h2load >/dev/null || die "h2load not found after installing nghttp2-client"
  [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || die "nginx not found after installing it"
}

nginx_bin() { command -v nginx 2>/dev/null || echo /usr/sbin/nginx; }

# Builds the release binary exactly as the image does (scripts/build-release.sh: static Swift
# runtime), unless WEBHOOK_BIN is set; sets WEBHOOK_BIN.
build_release() {
  if [ -n "$WEBHOOK_BIN" ]; then
    [ -x "$WEBHOOK_BIN" ] || die "WEBHOOK_BIN=$WEBHOOK_BIN is not an executable"
    log "using WEBHOOK_BIN=$WEBHOOK_BIN"
    return
  fi
  log "building release into $BENCH_SCRATCH_PATH (scripts/build-release.sh)"
  WEBHOOK_BIN=$(SWIFT="$SWIFT" "$ROOT/scripts/build-release.sh" --scratch-path "$BENCH_SCRATCH_PATH") \
    || die "release build failed"
  [ -x "$WEBHOOK_BIN" ] || die "the release build printed no binary path"
}

make_certs() {
  "$ROOT/certs/generate.sh" "$WORK/certs" >/dev/null || die "certs/generate.sh failed"
  CERT="$WORK/certs/tls.crt"
  KEY="$WORK/certs/tls.key"
  CA="$WORK/certs/ca.crt"
}

# A free TCP port on 127.0.0.1 (the kernel picks it; nothing else in this script races for it).
free_port() {
  $PYTHON -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_webhook NAME SERVICE_ACCOUNTS [EXTRA FLAGS...]: sets WEBHOOK_PID, LAUNCHER_PID, WEBHOOK_PORT, METRICS_PORT,
# READY_MS. An empty SERVICE_ACCOUNTS passes no --service-accounts (the flags name the source: --kubeconfig).
# Its standard output and error go into a pipe the launcher reads, as a container runtime does;
# the first MiB is kept in $WORK/NAME.log. The logging flags are the caller's (the default is info, text).
start_webhook() {
  local name=$1 accounts=$2
  shift 2
  WEBHOOK_PORT=$(free_port)
  METRICS_PORT=$(free_port)
  while [ "$METRICS_PORT" = "$WEBHOOK_PORT" ]; do METRICS_PORT=$(free_port); done
  local info="$WORK/$name.info" source=()
  [ -z "$accounts" ] || source=(--service-accounts "$accounts")
  rm -f "$info"
  $PYTHON "$BENCH_DIR/lib/launch.py" --ready-url "http://127.0.0.1:$METRICS_PORT/readyz" \
    --info "$info" --log "$WORK/$name.log" --timeout "$READY_TIMEOUT" -- \
    "$WEBHOOK_BIN" serve --cert "$CERT" --key "$KEY" --bind-address 127.0.0.1 \
    --port "$WEBHOOK_PORT" --metrics-port "$METRICS_PORT" "${source[@]}" \
    --shutdown-delay 0s "$@" &
  LAUNCHER_PID=$!
  wait_for_file "$info" $((READY_TIMEOUT + 10)) || die "the webhook launcher wrote nothing (see $WORK/$name.log)"
  local first rest
  read -r first rest <"$info"
  if [ "$first" = failed ]; then
    tail -n 20 "$WORK/$name.log" >&2
    LAUNCHER_PID=""
    die "webhook: $rest"
  fi
  WEBHOOK_PID=$first
  READY_MS=$rest
  STARTED_WEBHOOKS+=("$WEBHOOK_PID $LAUNCHER_PID")
}

# stop_webhook [PID LAUNCHER_PID]: stops that webhook (default: the one started last).
stop_webhook() {
  local pid=${1:-$WEBHOOK_PID} launcher=${2:-$LAUNCHER_PID}
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait_for_exit "$pid" 15 || kill -KILL "$pid" 2>/dev/null || true
  fi
  if [ -n "$launcher" ]; then wait "$launcher" 2>/dev/null || true; fi
  if [ "$pid" = "$WEBHOOK_PID" ]; then
    WEBHOOK_PID=""
    LAUNCHER_PID=""
  fi
}

# A counter's value from a webhook's /metrics (0 when absent): metric_value METRICS_PORT NAME.
metric_value() {
  curl -sS --max-time 5 "http://127.0.0.1:$1/metrics" | awk -v name="$2" '$1 == name { print $2; found = 1 } END { if (!found) print 0 }'
}

# start_nginx ANSWER_FILE [read-body]: serves ANSWER_FILE at /mutate; sets NGINX_PORT, NGINX_PID.
# With read-body nginx receives each request's whole body before answering (see the template).
start_nginx() {
  local answer=$1 read_body="" reuseport=" reuseport"
  [ "${2:-}" = read-body ] && read_body="mirror /read-body; mirror_request_body on;"
  [ "${BENCH_NGINX_REUSEPORT:-1}" = 0 ] && reuseport=""
  NGINX_PORT=$(free_port)
  mkdir -p "$WORK/nginx-html" "$WORK/nginx-tmp"
  cp "$answer" "$WORK/nginx-html/mutate"
  # nginx's workers drop root (to nobody): let them reach the answer, not the key next to it.
  chmod 711 "$WORK"
  chmod 755 "$WORK/nginx-html"
  chmod 644 "$WORK/nginx-html/mutate"
  sed -e "s|@WORK@|$WORK|g" -e "s|@PORT@|$NGINX_PORT|g" -e "s|@CERT@|$CERT|g" -e "s|@KEY@|$KEY|g" \
    -e "s|@WORKERS@|$(nproc)|g" -e "s|@READ_BODY@|$read_body|g" -e "s|@REUSEPORT@|$reuseport|g" "$BENCH_DIR/nginx.conf.template" >"$WORK/nginx.conf"
  "$(nginx_bin)" -q -c "$WORK/nginx.conf" -p "$WORK/" || die "nginx did not start (see $WORK/nginx-error.log)"
  wait_for_file "$WORK/nginx.pid" 10 || die "nginx wrote no pid file"
  NGINX_PID=$(cat "$WORK/nginx.pid")
  local deadline=$((SECONDS + 10))
  until curl -sk -o /dev/null --max-time 1 "https://127.0.0.1:$NGINX_PORT/mutate"; do
    [ $SECONDS -lt $deadline ] || die "nginx is not answering on 127.0.0.1:$NGINX_PORT"
    sleep 0.05
  done
}

# Swaps the file nginx serves (for the size curve); nginx reads it per request.
nginx_answer() { cp "$1" "$WORK/nginx-html/mutate" && chmod 644 "$WORK/nginx-html/mutate"; }

stop_nginx() {
  if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -QUIT "$NGINX_PID" 2>/dev/null || true
    wait_for_exit "$NGINX_PID" 15 || kill -KILL "$NGINX_PID" 2>/dev/null || true
  fi
  NGINX_PID=""
}

# start_fake_api NAME ACCOUNTS_FOLDER PARTIAL_METADATA_MODE: the tests' fake Kubernetes API server over TLS serving
# the folder's ServiceAccounts (bench/lib/fake_api.py); sets FAKE_API_PID and writes $WORK/NAME.kubeconfig.
start_fake_api() {
  local name=$1 accounts=$2 mode=$3 info="$WORK/$1.api-info"
  rm -f "$info"
  PYTHONPATH="$ROOT/tests" $FAKE_API_PYTHON "$BENCH_DIR/lib/fake_api.py" --accounts "$accounts" --cert "$CERT" --key "$KEY" --ca "$CA" \
    --kubeconfig "$WORK/$name.kubeconfig" --info "$info" --partial-metadata "$mode" --timeout 900 \
    2>"$WORK/$name.api.log" &
  FAKE_API_PID=$!
  wait_for_file "$info" 300 || { cat "$WORK/$name.api.log" >&2; die "the fake API server did not start"; }
  log "$(tail -n 1 "$WORK/$name.api.log")"
}

stop_fake_api() {
  if [ -n "$FAKE_API_PID" ] && kill -0 "$FAKE_API_PID" 2>/dev/null; then
    kill -TERM "$FAKE_API_PID" 2>/dev/null || true
    wait_for_exit "$FAKE_API_PID" 15 || kill -KILL "$FAKE_API_PID" 2>/dev/null || true
    wait "$FAKE_API_PID" 2>/dev/null || true
  fi
  FAKE_API_PID=""
}

wait_for_file() {
  local deadline=$((SECONDS + $2))
  until [ -s "$1" ]; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.02
  done
}

wait_for_exit() {
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.05
  done
}

# POSTs REQUEST to the webhook and writes its answer to OUT; fails unless it is an allowed
# AdmissionReview carrying a JSON Patch that sets AWS_ROLE_ARN (so the benchmark measures mutation).
fetch_answer() {
  local request=$1 out=$2
  curl -sS --http2 --cacert "$CA" --max-time 30 -H 'Content-Type: application/json' \
    --data-binary "@$request" -o "$out" -w '%{http_code}' \
    "https://localhost:$WEBHOOK_PORT/mutate?timeout=10s" --resolve "localhost:$WEBHOOK_PORT:127.0.0.1" \
    >"$WORK/fetch.status" || die "POST /mutate failed"
  [ "$(cat "$WORK/fetch.status")" = 200 ] || die "POST /mutate answered $(cat "$WORK/fetch.status"): $(head -c 400 "$out")"
  $RESULTS_PY check-answer "$out" || die "the webhook's answer to $request is not the expected mutation"
}

# Size of the pod inside an AdmissionReview file, as compact JSON.
pod_bytes() {
  $PYTHON -c 'import json, sys
pod = json.load(open(sys.argv[1]))["request"]["object"]
print(len(json.dumps(pod, separators=(",", ":"), ensure_ascii=False).encode()))' "$1"
}

# Resident memory of a process, in KiB: rss_kb PID [VmRSS|VmHWM].
rss_kb() { awk -v field="${2:-VmRSS}:" '$1 == field { print $2 }' "/proc/$1/status"; }

# CPU time (user + system, clock ticks) of a process and, for nginx, its workers.
# cpu_ticks_each PID...: each process's utime + stime in clock ticks, in order (0 for one that is gone).
cpu_ticks_each() {
  local pid
  for pid in "$@"; do
    # Fields 14 and 15 (utime, stime), counted after the ")" that ends the command name.
    if [ -r "/proc/$pid/stat" ]; then sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }'; else echo 0; fi
  done | paste -sd' ' -
}

nginx_pids() { echo "$NGINX_PID" $(pgrep -P "$NGINX_PID" 2>/dev/null); }

# run_h2load LABEL EXTRA-JSON URL BODY PIDS H2LOAD-FLAGS...: one bounded h2load run; appends a JSON
# line (throughput, latency percentiles, server CPU per request, RSS of PIDS right after the run, the
# 1-minute load average at its start, the commit, EXTRA-JSON's fields) to $RESULTS. With H2LOAD_STEADY_AFTER=S
# the latency percentiles count only requests started S seconds or more after the first one.
run_h2load() {
  local label=$1 extra=$2 url=$3 body=$4 pids=$5
  shift 5
  local out="$WORK/h2load.out" requests_log="$WORK/h2load.log"
  local before after stat_before stat_after
  rm -f "$requests_log"  # h2load appends
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  before=$(cpu_ticks_each $pids)
  stat_before=$(head -n 1 /proc/stat)
  timeout 300 h2load "$@" -d "$body" -H 'Content-Type: application/json' -H 'Accept: application/json, */*' \
    --log-file="$requests_log" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "h2load failed ($label)"; }
  after=$(cpu_ticks_each $pids)
  stat_after=$(head -n 1 /proc/stat)
  $RESULTS_PY record --label "$label" --extra "$extra" --h2load-output "$out" --h2load-log "$requests_log" \
    --ticks-before "$before" --ticks-after "$after" --cpu-stat-before "$stat_before" --cpu-stat-after "$stat_after" \
    --ticks-per-second "$(getconf CLK_TCK)" --rss-pids "$pids" \
    --steady-after "${H2LOAD_STEADY_AFTER:-0}" ${H2LOAD_STEADY_UNTIL:+--steady-until "$H2LOAD_STEADY_UNTIL"} --loadavg "$load" --commit "$COMMIT" >>"$RESULTS" \
    || { cat "$out" >&2; die "h2load run $label did not succeed"; }
}

describe_machine() {
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "swift: $("$SWIFT" --version 2>/dev/null | head -n 1)"
  echo "nginx: $("$(nginx_bin)" -v 2>&1 | sed 's/.*: //'), h2load: $(h2load --version 2>/dev/null | head -n 1)"
  echo "openssl: $(openssl version)"
  echo "commit: $COMMIT"
}

# The set-up both benchmarks share: work folder, tools, release build, certificate, an empty results file
# ($RESULTS) and the machine's description in the log.
bench_prepare() {
    bench_init
    ensure_tools
    build_release
    make_certs
    COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- Sources 2>/dev/null || echo '+modified')"
    RESULTS="$WORK/results.jsonl"
    : >"$RESULTS"
    log "machine:"
    describe_machine | tee "$WORK/machine.txt" >&2
}
