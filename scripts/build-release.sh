#!/usr/bin/env bash
# The one release build of the `webhook` binary, shared by the Dockerfile and the Makefile so they cannot drift.
# usage: scripts/build-release.sh [--scratch-path DIR] [--output FILE]
#   --scratch-path DIR  SwiftPM build folder (default .build)
#   --output FILE       also copy the stripped binary to FILE
# Prints the path of the built binary. SWIFT overrides the swift executable.
set -euo pipefail
swift=${SWIFT:-swift}
scratch=.build
output=""
while [ $# -gt 0 ]; do
  case "$1" in
    --scratch-path) scratch=${2:?--scratch-path needs a folder}; shift 2 ;;
    --scratch-path=*) scratch=${1#*=}; shift ;;
    --output) output=${2:?--output needs a file}; shift 2 ;;
    --output=*) output=${1#*=}; shift ;;
    *) echo "build-release.sh: unknown argument '$1' (expected --scratch-path DIR or --output FILE)" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
# The Swift runtime is linked in, so the image needs only glibc, OpenSSL and nghttp2 at run time.
flags=(-c release --static-swift-stdlib --product webhook --scratch-path "$scratch")
"$swift" build "${flags[@]}" >&2
binary="$("$swift" build "${flags[@]}" --show-bin-path)/webhook"
if [ -n "$output" ]; then
  mkdir -p "$(dirname "$output")"
  cp "$binary" "$output.partial"
  strip --strip-unneeded "$output.partial" 2>/dev/null || true  # smaller image; strip is optional
  mv "$output.partial" "$output"
  binary=$output
fi
echo "$binary"
