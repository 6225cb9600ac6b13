#!/usr/bin/env bash
# The local platform runs Debian's HAProxy as its load balancer (never a downloaded
# build). Installs it when it is missing and we may (root, apt); otherwise says exactly
# what to do. setpriv (util-linux) ties HAProxy's life to the platform's.
set -euo pipefail
found() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/local/sbin/$1" ]; }
if { found haproxy || [ -n "${HAPROXY_BIN:-}" ]; } && found setpriv; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's haproxy for the local platform's load balancer..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy util-linux >/dev/null
  exit 0
fi
echo "the local platform needs HAProxy and setpriv: sudo apt-get install haproxy util-linux (or set HAPROXY_BIN)" >&2
exit 1
