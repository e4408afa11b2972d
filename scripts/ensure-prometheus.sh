#!/usr/bin/env bash
# Makes sure prometheus and promtool are installed (the alert rules are checked with promtool, and
# a test scrapes a real cluster with prometheus): via apt when run as root, otherwise says how.
set -euo pipefail
if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> Installing prometheus (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  # Debian's package may start a system-wide server; the tests start their own.
  (systemctl stop prometheus 2>/dev/null || service prometheus stop 2>/dev/null || true) >/dev/null
  exit 0
fi
echo "prometheus is not installed. Install it with:" >&2
echo "    sudo apt-get update && sudo apt-get install -y prometheus" >&2
exit 1
