#!/usr/bin/env bash
# Installs npm dependencies when missing or older than the lockfile, then builds.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> Installing npm dependencies"
  # `npm install`, not `npm ci`: npm 11 writes lockfiles without the other platforms' optional
# binaries (biome, turbo) and then refuses its own lockfile in `npm ci`. install honours the lock.
npm install --no-audit --no-fund --loglevel=error
fi
echo "==> Building"
npx turbo run build --output-logs=errors-only
