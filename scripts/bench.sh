#!/usr/bin/env bash
# `make bench`: builds the benchmark, starts PostgreSQL on loopback, and runs every scenario
# with the server pinned to core 0 and the driver to core 1. Writes data/bench/report.md and
# the README's table (between its bench markers). Expects the release build (`make build`).
# BENCH_QUICK=1 runs a short pass that checks the suite works (its figures are not kept).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CARGO_TARGET_DIR:=$PWD/target}"

if [ "$(nproc)" -lt 2 ]; then
  echo "bench: needs 2 cores (server on one, driver on the other); this machine has $(nproc)" >&2
  exit 1
fi
command -v taskset >/dev/null || { echo "bench: taskset (util-linux) is missing" >&2; exit 1; }

# The release server is built by cargo-leptos with `--cfg erase_components` (the workspace's
# `always-erase-components`); the same flags here keep the two builds from undoing each other.
RUSTFLAGS="--cfg erase_components" cargo build --release -p bench
eval "$(scripts/ci-services.sh)"

args=(run --server-bin "$CARGO_TARGET_DIR/release/chatterhub" --site-root "$CHATTERHUB_SITE_ROOT"
  --postgres-url "$TEST_DATABASE_URL" --out data/bench/report.md)
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  args+=(--quick)
else
  args+=(--readme README.md)
fi
# Up to 10,000 sockets on each side.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
taskset -c 1 "$CARGO_TARGET_DIR/release/chatterhub-bench" "${args[@]}"
