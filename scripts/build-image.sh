#!/usr/bin/env bash
# `make image`: the image built from what is on this machine, with no registry. It runs the Dockerfile builder
# stage's two scripts here (the release build, then the root filesystem from this Debian 12 host's packages) and
# hands their output to the Dockerfile as its `builder` stage, so the runtime stage is the same file either way.
# usage: scripts/build-image.sh IMAGE VERSION REVISION [SOURCE]
# Prints the image's size. The engine is scripts/container-engine's (podman, or docker with buildx).
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: scripts/build-image.sh IMAGE VERSION REVISION [SOURCE]" >&2
  exit 2
fi
image=$1 version=$2 revision=$3 source=${4:-}
cd "$(dirname "$0")/.."
work=.build-image
engine=scripts/container-engine

binary=$(scripts/build-release.sh --output "$work/webhook")
scripts/image-rootfs.sh "$binary" "$version" "$work/context/rootfs"

flags=()
# podman commits an intermediate image per instruction by default; with vfs storage each is a full copy.
if [ "$($engine --which)" = podman ]; then flags+=(--layers=false); fi
previous=$($engine image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
$engine build "${flags[@]}" --file Dockerfile --target runtime --build-context builder="$work/context" \
  --build-arg VERSION="$version" --build-arg REVISION="$revision" --build-arg SOURCE="$source" \
  --tag "$image" "$work/context"
current=$($engine image inspect --format '{{.Id}}' "$image")
# The image this tag named before is now untagged: remove it (not other untagged images), unless a container uses it.
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then $engine rmi "$previous" >/dev/null 2>&1 || true; fi
size=$($engine image inspect --format '{{.Size}}' "$image")
files=$(find "$work/context/rootfs" -type f | wc -l)
echo "image: $image ($(awk -v b="$size" 'BEGIN { printf "%.1f MB", b / 1e6 }'), $files files, id ${current:0:12})"
