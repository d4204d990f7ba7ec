#!/usr/bin/env bash
# Brings the embedded system up on one machine: the Temporal dev server with a durable SQLite file
# (cases survive a restart) and its Web UI on :8233, plus the Docket processes. Ctrl-C stops it all.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

bash scripts/ensure-node-deps.sh
temporal_cli="$(bash scripts/ensure-temporal-cli.sh)"
data_dir="${DOCKET_DATA_DIR:-$REPO_ROOT/.docket}"
mkdir -p "$data_dir"

frontend_port="${TEMPORAL_PORT:-7233}"
ui_port="${TEMPORAL_UI_PORT:-8233}"
export TEMPORAL_ADDRESS="127.0.0.1:$frontend_port"

pids=()
cleanup() {
  trap - INT TERM EXIT
  say "stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

mapfile -t sa_args < <(npx tsx -e "import { searchAttributeCliArgs } from './workflows/search-attributes'; for (const a of searchAttributeCliArgs) console.log('--search-attribute\n' + a);")

say "starting the Temporal dev server (state in $data_dir/temporal.db)"
"$temporal_cli" server start-dev \
  --ip 127.0.0.1 --port "$frontend_port" --ui-port "$ui_port" \
  --db-filename "$data_dir/temporal.db" --log-level warn \
  "${sa_args[@]}" >"$data_dir/temporal.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 100); do
  (echo >"/dev/tcp/127.0.0.1/$frontend_port") 2>/dev/null && break
  sleep 0.2
done
(echo >"/dev/tcp/127.0.0.1/$frontend_port") 2>/dev/null || die "the Temporal dev server did not start; see $data_dir/temporal.log"

if [ -f worker/main.ts ]; then
  say "starting the Docket worker"
  npx tsx worker/main.ts &
  pids+=($!)
fi

say "Temporal UI:       http://127.0.0.1:$ui_port"
say "Temporal frontend: 127.0.0.1:$frontend_port (namespace default)"
say "press Ctrl-C to stop"
wait -n "${pids[@]}" || true
