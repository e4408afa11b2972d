#!/usr/bin/env bash
# Makes sure redis-server is installed: via apt when run as root, otherwise says how.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> Installing redis-server (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  # Debian's package may start a system-wide server; Rung starts its own private ones.
  exit 0
fi
echo "redis-server is not installed. Install it with:" >&2
echo "    sudo apt-get update && sudo apt-get install -y redis-server" >&2
echo "(or run an existing Redis and set REDIS_URL=redis://host:6379)" >&2
exit 1
