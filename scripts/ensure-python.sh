#!/usr/bin/env bash
# Makes sure python3 is installed (command trainers run Python programs; their tests do too):
# via apt when run as root, otherwise says how.
set -euo pipefail
if command -v python3 >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> Installing python3 (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null
  exit 0
fi
echo "python3 is not installed. Install it with:" >&2
echo "    sudo apt-get update && sudo apt-get install -y python3" >&2
exit 1
