#!/usr/bin/env bash
# Installs the build tools the project needs, each only when the right version is missing.
# Versions and install flags follow ../shared/TOOLCHAIN.md (measured on this machine kind).
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS_DIR="${CHATTERHUB_TOOLS_DIR:-$HOME/.cache/chatterhub-tools}"
CARGO_LEPTOS_VERSION=0.3.11
TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132
WASM_BINDGEN_VERSION=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/[^0-9.]/, "", $0); print; exit }' Cargo.lock)

say() { printf '[setup] %s\n' "$*"; }
has_version() { # command, expected substring
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! has_version cargo-leptos "$CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 11 minutes)"
  # Plain --locked fails: one locked dependency wants a newer rustc than this machine has.
  cargo install --locked --ignore-rust-version cargo-leptos --version "$CARGO_LEPTOS_VERSION"
fi

if [ -z "$WASM_BINDGEN_VERSION" ]; then
  echo "[setup] cannot read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
if ! has_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (matches Cargo.lock)"
  # Not --locked: its lock file names a crate version this registry does not serve.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

WASM_OPT="$TOOLS_DIR/binaryen/node_modules/.bin/wasm-opt"
if ! { [ -x "$WASM_OPT" ] && "$WASM_OPT" --version | grep -q "version $BINARYEN_VERSION"; }; then
  say "installing wasm-opt from npm binaryen@$BINARYEN_VERSION (Debian's is too old)"
  mkdir -p "$TOOLS_DIR/binaryen"
  npm install --prefix "$TOOLS_DIR/binaryen" --no-audit --no-fund "binaryen@$BINARYEN_VERSION" >/dev/null
fi

if [ "${1:-}" = "--with-trunk" ] && ! has_version trunk "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 6 minutes)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi
# The LiveKit browser client (used only when the server has LiveKit): pinned in vendor/, copied
# into the site's assets as one self-contained script.
# The lock file is copied beside the packages once they are in: a changed lock installs again.
if ! cmp -s vendor/package-lock.json vendor/node_modules/.installed-lock.json; then
  say "installing the browser packages (vendor/package.json)"
  (cd vendor && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp vendor/package-lock.json vendor/node_modules/.installed-lock.json
fi
mkdir -p public/vendor
if ! cmp -s vendor/node_modules/livekit-client/dist/livekit-client.umd.js public/vendor/livekit-client.js; then
  cp vendor/node_modules/livekit-client/dist/livekit-client.umd.js public/vendor/livekit-client.js
fi
say "build tools ready"
