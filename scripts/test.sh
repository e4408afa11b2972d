#!/usr/bin/env bash
# The README's second command (npm test): lint, typecheck, then every test — unit tests and
# integration tests against a real redis-server and real processes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-redis.sh
bash scripts/ensure-python.sh
bash scripts/ensure-prometheus.sh
bash scripts/ensure-chromium.sh
bash scripts/ensure-deps.sh
echo "==> Lint (biome)"
npx biome ci .
echo "==> Typecheck"
npx turbo run typecheck --output-logs=errors-only
npx tsc -p bench/search/tsconfig.json --noEmit
npx tsc -p bench/prune/tsconfig.json --noEmit
npx tsc -p bench/scale/tsconfig.json --noEmit
npx tsc -p bench/dashboard/tsconfig.json --noEmit
npx tsc -p test/tsconfig.json --noEmit
echo "==> Tests"
npx vitest run
