#!/usr/bin/env bash
# Brings the embedded system up on one machine: the Temporal dev server with a durable SQLite file
# (cases survive a restart) and its Web UI, the local inbox, the codec server that lets the UI
# decrypt payloads, and the Docket worker. Ctrl-C stops it all.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ "${1:-}" = --cluster ] && { shift; exec bash "$(dirname "$0")/up-cluster.sh" "$@"; }
cd "$REPO_ROOT"

bash scripts/ensure-node-deps.sh
temporal_cli="$(bash scripts/ensure-temporal-cli.sh)"
data_dir="${DOCKET_DATA_DIR:-$REPO_ROOT/.docket}"
mkdir -p "$data_dir"
export DOCKET_DATA_DIR="$data_dir"

frontend_port="${TEMPORAL_PORT:-7233}"
ui_port="${TEMPORAL_UI_PORT:-8233}"
smtp_port="${DOCKET_SMTP_PORT:-1025}"
inbox_port="${DOCKET_INBOX_PORT:-1080}"
codec_port="${DOCKET_CODEC_PORT:-8234}"
api_port="${DOCKET_API_PORT:-8080}"
# A port another process holds would pass the start-up checks below against that process (another
# Temporal server, another API): refuse it first, naming the variable that moves it.
for spec in "TEMPORAL_PORT=$frontend_port" "TEMPORAL_UI_PORT=$ui_port" "DOCKET_SMTP_PORT=$smtp_port" \
  "DOCKET_INBOX_PORT=$inbox_port" "DOCKET_CODEC_PORT=$codec_port" "DOCKET_API_PORT=$api_port" \
  "DOCKET_METRICS_PORT=${DOCKET_METRICS_PORT:-9464}" "TEMPORAL_METRICS_PORT=${TEMPORAL_METRICS_PORT:-9465}"; do
  port=${spec#*=}
  [ "$port" != 0 ] && (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
    die "port $port is in use by another process; set ${spec%%=*} to a free port"
done
export TEMPORAL_ADDRESS="127.0.0.1:$frontend_port" TEMPORAL_UI_PORT="$ui_port"
export DOCKET_SMTP_HOST=127.0.0.1 DOCKET_SMTP_PORT="$smtp_port" DOCKET_CODEC_PORT="$codec_port"
export DOCKET_API_PORT="$api_port" DOCKET_ACK_BASE_URL="http://127.0.0.1:$api_port/ack"

# Payload encryption keys and the codec server's token live in the data directory (mode 600), made
# once on first start; an agency supplies its own through the environment instead.
secrets="$data_dir/secrets.env"
if [ -z "${DOCKET_CODEC_KEYS:-}${DOCKET_CODEC_KEY_FILE:-}" ]; then
  if [ ! -f "$secrets" ]; then
    say "generating a payload encryption key and a codec server token in $secrets"
    (umask 077 && npx tsx -e "
      import { randomBytes } from 'node:crypto';
      import { generateKey, newKeyId } from './infra/keys';
      const id = newKeyId();
      console.log('DOCKET_CODEC_KEYS=' + id + ':' + generateKey());
      console.log('DOCKET_CODEC_CURRENT_KEY_ID=' + id);
      console.log('DOCKET_CODEC_TOKENS=' + randomBytes(24).toString('base64url'));
    " >"$secrets")
  fi
  # The key that signs alert emails' acknowledgement links; added to a secrets.env made before them too.
  if ! grep -q '^DOCKET_ACK_LINK_KEY=' "$secrets"; then
    say "generating the acknowledgement link key in $secrets"
    echo "DOCKET_ACK_LINK_KEY=$(node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64url'))")" >>"$secrets"
  fi
  set -a; source "$secrets"; set +a
fi
# API keys for the local API: one per role, made once, kept beside the payload key.
api_secrets="$data_dir/api-keys.env"
if [ -z "${DOCKET_API_KEYS:-}" ]; then
  if [ ! -f "$api_secrets" ]; then
    say "generating local API keys (case-system, supervisor, administrator) in $api_secrets"
    (umask 077 && node -e "
      const { randomBytes } = require('node:crypto');
      const t = () => randomBytes(24).toString('base64url');
      const [cms, sup, adm] = [t(), t(), t()];
      console.log('DOCKET_API_KEYS=cms:case-system:' + cms + ',sup:supervisor:' + sup + ',adm:administrator:' + adm);
      console.log('DOCKET_TOKEN_CASE_SYSTEM=' + cms);
      console.log('DOCKET_TOKEN_SUPERVISOR=' + sup);
      console.log('DOCKET_TOKEN_ADMINISTRATOR=' + adm);
    " >"$api_secrets")
  fi
  set -a; source "$api_secrets"; set +a
fi

pids=() names=() logs=()
# Remembers a component started in the background, so a stop can name it and its log.
started() {
  pids+=("$1") names+=("$2") logs+=("$3")
}
# Stops a process and everything it started: `npx` does not pass SIGTERM on to the node it runs, so
# killing only the PIDs we hold would leave the servers behind when up.sh itself gets SIGTERM.
kill_tree() {
  local pid=$1 child
  for child in $(pgrep -P "$pid" 2>/dev/null); do kill_tree "$child"; done
  kill "$pid" 2>/dev/null || true
}
cleanup() {
  trap - INT TERM EXIT
  stopping=1
  say "stopping"
  for pid in "${pids[@]}"; do kill_tree "$pid"; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

wait_for_port() {
  local port=$1 what=$2 log=$3
  for _ in $(seq 1 150); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.2
  done
  die "$what did not start on port $port; see $log"
}

say "starting the local inbox (SMTP :$smtp_port, web :$inbox_port)"
# Mail is kept in the data directory, so the inbox survives a restart like the cases (maildev's default,
# a directory under /tmp, is shared by every inbox on the machine and read back by none).
npx maildev --ip 127.0.0.1 --smtp "$smtp_port" --web-ip 127.0.0.1 --web "$inbox_port" \
  --mail-directory "$data_dir/inbox" >"$data_dir/inbox.log" 2>&1 &
started $! "the local inbox" "$data_dir/inbox.log"

say "starting the codec server on 127.0.0.1:$codec_port (loopback mode: for the UI on this machine only)"
DOCKET_CODEC_AUTH=loopback DOCKET_CODEC_HOST=127.0.0.1 \
  DOCKET_CODEC_ALLOWED_ORIGINS="http://127.0.0.1:$ui_port,http://localhost:$ui_port" \
  npx tsx server/codec/codec-server.ts >"$data_dir/codec-server.log" 2>&1 &
started $! "the codec server" "$data_dir/codec-server.log"

mapfile -t sa_args < <(npx tsx -e "import { searchAttributeCliArgs } from './workflows/search-attributes'; for (const a of searchAttributeCliArgs) console.log('--search-attribute\n' + a);")
say "starting the Temporal dev server (state in $data_dir/temporal.db)"
"$temporal_cli" server start-dev \
  --ip 127.0.0.1 --port "$frontend_port" --ui-port "$ui_port" \
  --db-filename "$data_dir/temporal.db" --log-level warn \
  --metrics-port "${TEMPORAL_METRICS_PORT:-9465}" \
  --ui-codec-endpoint "http://127.0.0.1:$codec_port" \
  "${sa_args[@]}" >"$data_dir/temporal.log" 2>&1 &
started $! "the Temporal dev server" "$data_dir/temporal.log"

wait_for_port "$frontend_port" "the Temporal dev server" "$data_dir/temporal.log"
wait_for_port "$smtp_port" "the local inbox" "$data_dir/inbox.log"
wait_for_port "$codec_port" "the codec server" "$data_dir/codec-server.log"

say "starting the Docket worker (log in $data_dir/worker.log)"
npx tsx worker/main.ts >"$data_dir/worker.log" 2>&1 &
started $! "the Docket worker" "$data_dir/worker.log"
worker_pid=$!

say "starting the HTTP API on :$api_port (log in $data_dir/api.log)"
npx tsx server/api/main.ts >"$data_dir/api.log" 2>&1 &
started $! "the HTTP API" "$data_dir/api.log"
wait_for_port "$api_port" "the HTTP API" "$data_dir/api.log"
# The worker bundles the workflows before it polls; sample cases opened before then would wait on it,
# and one that stopped (a port in use, a bad setting) must be named now, not after their timeout.
wait_for_worker() {
  local tries=900
  # Below info the start is not logged: give a worker that fails on start the time to do so.
  case "${DOCKET_LOG_LEVEL:-info}" in info | debug | trace) ;; *) tries=25 ;; esac
  for _ in $(seq 1 "$tries"); do
    kill -0 "$worker_pid" 2>/dev/null || die "the Docket worker stopped: $(tail -n 3 "$data_dir/worker.log")"
    grep -q '"msg":"worker started"' "$data_dir/worker.log" && return 0
    sleep 0.2
  done
  [ "$tries" -lt 900 ] || say "the Docket worker has not reported its start after 3 minutes; see $data_dir/worker.log"
}
wait_for_worker

say "opening one sample case of each type (idempotent: a restart finds them again)"
npx tsx scripts/sample-cases.ts >&2 || say "sample cases could not be opened; see the message above"

cat >&2 <<INFO

  Temporal UI      http://127.0.0.1:$ui_port
  HTTP API         http://127.0.0.1:$api_port   (OpenAPI at /docs; tokens in $api_secrets)
  Local inbox      http://127.0.0.1:$inbox_port   (SMTP 127.0.0.1:$smtp_port)
  Codec server     http://127.0.0.1:$codec_port   (the UI decodes case data through it; loopback only)
  Metrics          http://127.0.0.1:${DOCKET_METRICS_PORT:-9464}/metrics (worker), http://127.0.0.1:${TEMPORAL_METRICS_PORT:-9465}/metrics (Temporal)
  Temporal         127.0.0.1:$frontend_port, namespace default

  Press Ctrl-C to stop. Cases are kept in $data_dir/temporal.db.
INFO
wait -n "${pids[@]}" || true
# A component that exited on its own (not Ctrl-C) is named, with its log, before the rest stop.
[ -n "${stopping:-}" ] || for i in "${!pids[@]}"; do
  kill -0 "${pids[$i]}" 2>/dev/null || say "${names[$i]} stopped (see ${logs[$i]}); stopping the rest"
done
