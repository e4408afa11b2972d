#!/usr/bin/env bash
# Makes sure python3 is installed with PyTorch (command trainers run Python programs; their tests
# do too, one of them a real PyTorch script): via apt when run as root, otherwise says how.
# Debian's python3-torch is CPU-only and about 200 MB installed; it takes a minute.
set -euo pipefail
has_torch() {
  for python in python3 /usr/bin/python3; do
    if command -v "$python" >/dev/null 2>&1 && "$python" -c 'import torch' >/dev/null 2>&1; then
      return 0
    fi
  done
  return 1
}
if command -v python3 >/dev/null 2>&1 && has_torch; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> Installing python3 and python3-torch (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    python3 python3-torch >/dev/null
  exit 0
fi
echo "python3 with PyTorch is not installed. Install it with:" >&2
echo "    sudo apt-get update && sudo apt-get install -y python3 python3-torch" >&2
exit 1
