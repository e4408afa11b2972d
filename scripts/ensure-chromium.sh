#!/usr/bin/env bash
# Makes sure a Chromium is installed for the dashboard's browser tests (driven by playwright-core,
# which downloads no browser): Debian's chromium via apt when run as root, otherwise says how.
set -euo pipefail
if [ -n "${RUNG_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> Installing chromium (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
echo "chromium is not installed. Install it with:" >&2
echo "    sudo apt-get update && sudo apt-get install -y chromium" >&2
echo "or point RUNG_CHROMIUM at a Chromium binary." >&2
exit 1
