#!/usr/bin/env bash
# `make test-sanitize`: the Swift test suite under AddressSanitizer (+ LeakSanitizer), then under ThreadSanitizer,
# each in its own scratch path (.build-asan, .build-tsan) so neither invalidates the normal build.
# SANITIZE_PYTEST=1 also runs the server's Python integration tests (tests/test_server_protocols.py and
# tests/test_hostile_clients.py) against the sanitized `webhook` binary: slower, and the server's own timing
# limits still apply, so it is opt-in.
# SANITIZERS="address" (or "thread") runs one of the two.
set -euo pipefail
cd "$(dirname "$0")/.."

sanitizers=${SANITIZERS:-"address thread"}
# The Swift backtracer would take over a sanitizer's abort; the sanitizer's own report is what we want.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-"halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=0"}
export LSAN_OPTIONS=${LSAN_OPTIONS:-"suppressions=$PWD/scripts/lsan-suppressions.txt"}
export TSAN_OPTIONS=${TSAN_OPTIONS:-"halt_on_error=1:second_deadlock_stack=1"}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-"halt_on_error=1"}

for sanitizer in $sanitizers; do
    case $sanitizer in
        address) scratch=.build-asan ;;
        thread) scratch=.build-tsan ;;
        *) echo "test-sanitize: unknown sanitizer '$sanitizer' (address or thread)" >&2; exit 2 ;;
    esac
    echo "test-sanitize: swift test --sanitize=$sanitizer (scratch $scratch)"
    nice -n 10 swift test --scratch-path "$scratch" --sanitize="$sanitizer"
    if [ "${SANITIZE_PYTEST:-0}" = 1 ]; then
        nice -n 10 swift build --scratch-path "$scratch" --sanitize="$sanitizer" --product webhook
        bin=$(swift build --scratch-path "$scratch" --sanitize="$sanitizer" --show-bin-path)/webhook
        echo "test-sanitize: server integration tests against $bin"
        WEBHOOK_BIN=$bin .venv/bin/python -m pytest -q tests/test_server_protocols.py tests/test_hostile_clients.py
    fi
done
echo "test-sanitize: clean under: $sanitizers"
