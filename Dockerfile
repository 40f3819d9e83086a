# syntax=docker/dockerfile:1
# The pod-identity-webhook image: the release binary and exactly what it loads, on an empty base (FROM scratch).
# No shell, no package manager: scripts/image-rootfs.sh assembles the root filesystem from the binary's ldd closure
# and the Debian 12 packages that provide it (docs/deployment.md, section 1).
#
# One file, two ways in; both run the same two scripts, only where they run differs:
#   where registries are reachable (the builder stage below runs them in swift:6.3-bookworm):
#     docker build --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) -t REPO:0.1.0 .
#   on a Debian 12 host with the Swift toolchain and no registry (the project's own machines):
#     make image    (runs them on the host, then hands their output in as this file's `builder` stage:
#                    `podman build --build-context builder=.build-image/context`, which skips the stage)

ARG SWIFT_IMAGE=swift:6.3-bookworm

FROM ${SWIFT_IMAGE} AS builder
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libssl-dev libnghttp2-dev pkg-config ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The whole package (SwiftPM checks every target's folder when it loads it, tests and benchmarks included);
# .dockerignore keeps build output, tools, docs, the chart and secrets out of the context.
COPY . .
ARG VERSION
# The same commands `make image` runs; the build folder is a cache, the binary is copied out of it.
RUN --mount=type=cache,target=/build,id=pod-identity-webhook-build \
    scripts/build-release.sh --scratch-path /build --output /out/webhook \
 && scripts/image-rootfs.sh /out/webhook "${VERSION:?pass --build-arg VERSION=<what webhook --version prints>}" /rootfs

FROM scratch AS runtime
COPY --from=builder /rootfs/ /
# VERSION is checked against the binary by image-rootfs.sh; REVISION is the commit built (`git rev-parse HEAD`).
# The project names no public home or license yet: SOURCE is empty and LICENSES NOASSERTION (SPDX) until it does.
ARG VERSION
ARG REVISION=unknown
ARG SOURCE=
ARG LICENSES=NOASSERTION
LABEL org.opencontainers.image.title="pod-identity-webhook" \
      org.opencontainers.image.description="Mutating admission webhook that gives pods an AWS IAM identity (IRSA)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="${LICENSES}"
# The chart's runAsUser/runAsGroup; /etc/passwd names it `nonroot`.
USER 65532:65532
EXPOSE 8443 9999
# Exec form: the binary is PID 1 and receives SIGTERM itself (readiness off, drain, exit 0); there is no shell.
ENTRYPOINT ["/usr/local/bin/webhook"]
