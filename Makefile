# ChatterHub. `make run` serves the app on the embedded default; `make test` runs the whole suite.
# Both install what is missing first (each tool only when its version is not already there).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

TOOLS_DIR ?= $(HOME)/.cache/chatterhub-tools
CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR
export PATH := $(TOOLS_DIR)/binaryen/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# The compiled site (pkg/, assets) always lands here, whatever the cargo target dir.
export CHATTERHUB_SITE_ROOT ?= $(CURDIR)/target/site

WASM_TEST_ENV := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120

.PHONY: run dev test bench setup setup-test build lint test-rust test-wasm test-e2e trunk-build

## Serve the release build on 127.0.0.1:3000 with SQLite under ./data.
run: setup build
	$(CARGO_TARGET_DIR)/release/chatterhub serve

## Hot-reload development server.
dev: setup
	cargo leptos watch

## Everything CI checks: formatting, lints, Rust tests, WASM tests in Chromium, Trunk, end to end.
test: setup-test lint test-rust test-wasm trunk-build build test-e2e

## The benchmark (about 20 minutes): writes data/bench/report.md and the README's figures.
bench: setup build
	scripts/bench.sh

setup:
	scripts/setup-tools.sh

setup-test:
	scripts/setup-tools.sh --with-trunk
	scripts/setup-browser.sh

## The release build. The site's files (and the vendor scripts) get brotli and gzip copies,
## served by `Accept-Encoding`; cargo-leptos's own gzip is weaker than `gzip -9` (732 KB against
## 622 KB for the WASM), so those are made again.
build:
	cargo leptos build --release --precompress
	for f in $(CHATTERHUB_SITE_ROOT)/pkg/*.{js,wasm,css} $(CHATTERHUB_SITE_ROOT)/vendor/*.js; do gzip -9 -n -c "$$f" > "$$f.gz"; done

lint:
	cargo fmt --all --check
	cargo clippy --workspace --exclude frontend --all-targets -- -D warnings
	cargo clippy -p frontend -p app --target wasm32-unknown-unknown --features frontend/hydrate,app/hydrate -- -D warnings

test-rust:
	cargo test --workspace --exclude frontend

test-wasm:
	$(WASM_TEST_ENV) cargo test --target wasm32-unknown-unknown -p app --features hydrate --tests

trunk-build:
	trunk build

test-e2e:
	cd tests && node run-e2e.mjs
