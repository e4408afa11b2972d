#!/usr/bin/env bash
# The README's first command: installs what Rung needs, starts a local cluster (a private
# redis-server, the scheduler and two workers), runs the example sweep end to end and prints
# its leaderboard.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-redis.sh
bash scripts/ensure-deps.sh
echo "==> Running the example sweep (examples/mlp-sweep.yaml) on a local cluster"
exec npx --no-install rung run examples/mlp-sweep.yaml --workers 2 "$@"
