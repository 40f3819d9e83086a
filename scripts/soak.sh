#!/usr/bin/env bash
# `make soak` (SOAK_SECONDS=300 by default; SOAK_SECONDS=45 for a short run): sustained, bounded, mixed HTTP/2 and
# HTTP/1.1 admission load (h2load at a fixed request rate, plus a fresh-connection curl loop that verifies the
# certificate), while the serving certificate rotates (a new key and certificate, swapped in through a symlink)
# and the ServiceAccount manifest churns (rewritten atomically, annotations changing). Reads the server's VmRSS and
# open descriptors from /proc throughout. Passes when: no request failed, the rotated certificate is the one
# served at the end, RSS is flat (last quarter vs. first quarter after warm-up) and no descriptor leaked.
# WEBHOOK_BIN picks the binary (default .build/debug/webhook); work files go to a temporary folder, removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${SOAK_SECONDS:-300}
bin=${WEBHOOK_BIN:-.build/debug/webhook}
rate=${SOAK_RPS:-25}               # requests per second per h2load client (bounded load: the machine is shared)
rotate_every=${SOAK_ROTATE_SECONDS:-10}
rss_growth_kb=${SOAK_RSS_GROWTH_KB:-16384}
[ -x "$bin" ] || { echo "soak: no webhook binary at $bin (run swift build)" >&2; exit 2; }
((seconds >= 20)) || { echo "soak: SOAK_SECONDS must be at least 20" >&2; exit 2; }

work=$(mktemp -d /tmp/webhook-soak.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
metrics_port=$(free_port)

# A CA, and serving certificates signed by it: generation N lives in $work/gen-N, `live` points at the current one.
certs/generate.sh "$work/ca" >/dev/null
issue() {  # issue N: a new key and certificate in gen-N
    local dir=$work/gen-$1
    mkdir -p "$dir"
    openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$dir/tls.key" -out "$dir/tls.csr" \
        -subj "/CN=soak-$1" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$dir/ext"
    openssl x509 -req -in "$dir/tls.csr" -CA "$work/ca/ca.crt" -CAkey "$work/ca/ca.key" -set_serial "$((1000 + $1))" \
        -days 2 -sha256 -extfile "$dir/ext" -out "$dir/tls.crt" 2>/dev/null
}
swap_to() {  # atomically repoint `live` at gen-N
    ln -sfn "gen-$1" "$work/live.next"
    mv -T "$work/live.next" "$work/live"
}
issue 0
swap_to 0

manifest() {  # manifest N: ServiceAccounts whose annotations change with N; written atomically
    cat >"$work/sa.yaml.next" <<YAML
apiVersion: v1
kind: ServiceAccount
metadata:
  name: reader
  namespace: team-a
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/reader-$(($1 % 7))
    eks.amazonaws.com/token-expiration: "$((3600 + $1 % 5 * 600))"
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: churn-$1
  namespace: team-a
YAML
    mv "$work/sa.yaml.next" "$work/sa.yaml"
}
manifest 0

cat >"$work/review.json" <<'JSON'
{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"soak","namespace":"team-a",
"operation":"CREATE","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"team-a"},
"spec":{"serviceAccountName":"reader","containers":[{"name":"app","image":"busybox"}]}}}}
JSON

"$bin" serve --cert "$work/live/tls.crt" --key "$work/live/tls.key" --bind-address 127.0.0.1 --port "$port" \
    --metrics-port "$metrics_port" --service-accounts "$work/sa.yaml" --shutdown-delay 0s --log-level warning \
    >"$work/webhook.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$metrics_port/readyz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$work/webhook.log"; echo "soak: the server exited" >&2; exit 1; }
    sleep 0.1
done
curl -sf "http://127.0.0.1:$metrics_port/readyz" >/dev/null || { echo "soak: the server never became ready" >&2; exit 1; }

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$server/status"; }
fds() { find "/proc/$server/fd" -mindepth 1 -maxdepth 1 | wc -l; }
fd_baseline=$(fds)
url=https://127.0.0.1:$port/mutate
echo "soak: ${seconds}s against pid $server on :$port (rss $(rss) KB, fds $fd_baseline)"

# Load: HTTP/2 (4 connections x 8 streams) and HTTP/1.1 (4 connections), each client at $rate requests/s.
h2load_common=(-D "$seconds" -d "$work/review.json" -H "content-type: application/json" --rps "$rate" -T 10 -N 10)
h2load -c 4 -m 8 "${h2load_common[@]}" "$url" >"$work/h2.out" 2>&1 &
pids+=("$!"); h2=$!
h2load --h1 -c 4 "${h2load_common[@]}" "$url" >"$work/h1.out" 2>&1 &
pids+=("$!"); h1=$!

# New connections verify the certificate against the CA, so every rotation is exercised by real handshakes.
(
    end=$((SECONDS + seconds)); ok=0; failed=0
    while ((SECONDS < end)); do
        for proto in --http2 --http1.1; do
            code=$(curl -s "$proto" --cacert "$work/ca/ca.crt" --max-time 10 -o /dev/null -w '%{http_code}' \
                   -H 'content-type: application/json' --data-binary "@$work/review.json" "$url" || true)
            if [ "$code" = 200 ]; then ok=$((ok + 1)); else failed=$((failed + 1)); echo "curl $proto: $code"; fi
        done
        sleep 0.2
    done
    echo "curl: $ok ok, $failed failed"
) >"$work/curl.out" 2>&1 &
pids+=("$!"); curls=$!

# Rotate, churn and sample until the load ends.
samples=()
generation=0
start=$SECONDS
while kill -0 "$h2" 2>/dev/null || kill -0 "$h1" 2>/dev/null; do
    kill -0 "$server" 2>/dev/null || { cat "$work/webhook.log"; echo "soak: the server died" >&2; exit 1; }
    elapsed=$((SECONDS - start))
    manifest "$elapsed"
    if ((elapsed > 0 && elapsed % rotate_every == 0 && elapsed / rotate_every > generation)); then
        generation=$((elapsed / rotate_every))
        issue "$generation"
        swap_to "$generation"
        find "$work" -maxdepth 1 -name 'gen-*' ! -name "gen-$generation" ! -name "gen-$((generation - 1))" \
            -exec rm -rf {} +
    fi
    samples+=("$(rss)")
    sleep 1
done
wait "$curls"

failures=()
for out in "$work/h2.out" "$work/h1.out"; do
    summary=$(grep -E '^requests:' "$out" || true)
    codes=$(grep -E '^status codes:' "$out" || true)
    echo "soak: $(basename "$out" .out): $summary | $codes"
    if ! [[ $summary =~ ([0-9]+)\ succeeded,\ 0\ failed,\ 0\ errored,\ 0\ timeout ]] || [ "${BASH_REMATCH[1]}" = 0 ]; then
        failures+=("$(basename "$out" .out) had failed requests")
    fi
    [[ $codes =~ ,\ 0\ 4xx,\ 0\ 5xx ]] || failures+=("$(basename "$out" .out) got 4xx/5xx answers")
done
echo "soak: $(tail -1 "$work/curl.out")"
grep -q ', 0 failed' <(tail -1 "$work/curl.out") || failures+=("fresh-connection requests failed: $(head -3 "$work/curl.out")")

# The certificate served now is the last one issued (the rotation really happened).
served=$(openssl s_client -connect "127.0.0.1:$port" -servername localhost </dev/null 2>/dev/null \
         | openssl x509 -noout -serial 2>/dev/null | cut -d= -f2)
expected=$(openssl x509 -noout -serial -in "$work/gen-$generation/tls.crt" | cut -d= -f2)
echo "soak: $generation rotations; serving serial $served (last issued $expected)"
if ((generation == 0)); then
    failures+=("no rotation happened (SOAK_SECONDS below SOAK_ROTATE_SECONDS?)")
elif [ "$served" != "$expected" ]; then
    # The reload is polled (every 2 s): give the last swap a bounded moment.
    sleep 3
    served=$(openssl s_client -connect "127.0.0.1:$port" -servername localhost </dev/null 2>/dev/null \
             | openssl x509 -noout -serial 2>/dev/null | cut -d= -f2)
    [ "$served" = "$expected" ] || failures+=("still serving serial $served, not the rotated $expected")
fi

# RSS flat: the mean of the last quarter within $rss_growth_kb of the first quarter after warm-up (skip 10%).
count=${#samples[@]}
skip=$((count / 10)); quarter=$(((count - skip) / 4))
if ((quarter >= 1)); then
    first=$(printf '%s\n' "${samples[@]:skip:quarter}" | awk '{s+=$1} END {printf "%d", s/NR}')
    last=$(printf '%s\n' "${samples[@]:count-quarter:quarter}" | awk '{s+=$1} END {printf "%d", s/NR}')
    echo "soak: RSS first quarter ${first} KB, last quarter ${last} KB ($count samples)"
    ((last - first <= rss_growth_kb)) || failures+=("RSS grew by $((last - first)) KB (limit $rss_growth_kb)")
fi

# No descriptor leak: once the clients are gone the count returns to its baseline (bounded wait for closes).
for _ in $(seq 100); do (($(fds) <= fd_baseline)) && break; sleep 0.1; done
echo "soak: fds $(fds) (baseline $fd_baseline)"
(($(fds) <= fd_baseline)) || failures+=("descriptors leaked: $(fds) open, baseline $fd_baseline")

if ((${#failures[@]})); then
    printf 'soak: FAILED: %s\n' "${failures[@]}" >&2
    grep -iE 'error|warning|critical' "$work/webhook.log" | tail -20 >&2 || true
    exit 1
fi
echo "soak: held for ${seconds}s"
