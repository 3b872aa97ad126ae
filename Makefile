# Neuromorph: two commands on a fresh Debian machine with the Swift toolchain.
#   make demo   trains the default models on Fashion-MNIST and prints accuracy and time
#   make test   runs the test suite (debug build)
# Both install the Debian packages the project needs first (OpenBLAS, zlib, Fashion-MNIST).

SWIFT ?= swift
CONFIG ?= release
APT_PACKAGES = libopenblas-dev zlib1g-dev pkg-config dataset-fashion-mnist
BIN = .build/$(CONFIG)/neuromorph

.PHONY: demo test build bench deps clean fuzz

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG) --product neuromorph

demo: build
	$(BIN) demo

bench: build
	$(BIN) bench

# Tests build in debug (testable imports; the suite runs in well under a minute).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build

# libFuzzer pass over every reader of user files (Fuzz/run.sh; FUZZ_SECONDS per target).
FUZZ_SECONDS ?= 60
fuzz:
	Fuzz/run.sh all $(FUZZ_SECONDS)
