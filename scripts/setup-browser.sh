#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver and the end-to-end test packages, when missing.
# Test tools' own browser downloads do not work on this machine kind: never `playwright install`.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  say "installing chromium and chromium-driver from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# The lock file is copied beside the packages once they are in: a changed lock installs again.
if ! cmp -s tests/package-lock.json tests/node_modules/.installed-lock.json; then
  say "installing the end-to-end test packages"
  (cd tests && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null)
  cp tests/package-lock.json tests/node_modules/.installed-lock.json
fi
say "browser tools ready"
