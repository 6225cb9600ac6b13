#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a downloaded browser build). Installs
# it when it is missing and we may (root, apt); otherwise says exactly what to do.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -n "${CHROMIUM_PATH:-}" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "the browser tests need Chromium: sudo apt-get install chromium (or set CHROMIUM_PATH)" >&2
exit 1
