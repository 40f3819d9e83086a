# syntax=docker/dockerfile:1
# The pod-identity-webhook image: a release build with the Swift runtime linked in, on a minimal Debian runtime
# that carries only the shared libraries the binary needs (glibc, OpenSSL 3, nghttp2) and CA certificates.
# Build: docker build -t <registry>/pod-identity-webhook:<tag> .
# (No container engine runs where this project is developed: this file is reviewed, not built, there.)

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS builder
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libssl-dev libnghttp2-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The whole package (SwiftPM checks every target's folder when it loads it, tests and benchmarks included);
# .dockerignore keeps build output, tools, docs, the chart and secrets out of the context.
COPY . .
# The same command `make release` runs; the build folder is a cache, the binary is copied out of it.
RUN --mount=type=cache,target=/build,id=pod-identity-webhook-build \
    scripts/build-release.sh --scratch-path /build --output /out/webhook

FROM ${RUNTIME_IMAGE}
# The binary needs libc, libm, libstdc++6 and libgcc-s1 (already in the base image: apt depends on them),
# OpenSSL 3 and nghttp2 (`readelf -d webhook | grep NEEDED`).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libssl3 libnghttp2-14 ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/debconf/*-old /var/log/*
COPY --from=builder --chmod=0755 /out/webhook /usr/local/bin/webhook
# A fixed non-root uid/gid (the chart's runAsUser); no home, no login shell needed.
USER 65532:65532
EXPOSE 8443 9999
# Exec form: the binary is PID 1 and receives SIGTERM itself (graceful drain); nothing runs a shell.
ENTRYPOINT ["/usr/local/bin/webhook"]
CMD ["serve", "--port=8443", "--metrics-port=9999"]
