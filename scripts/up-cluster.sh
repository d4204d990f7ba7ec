#!/usr/bin/env bash
# Docket's production topology on one machine, every part a separate process on 127.0.0.1:
# PostgreSQL 15 (data in the data directory), temporal-server with its four services on PostgreSQL
# (persistence and visibility) from config/cluster/temporal, the Temporal UI with OpenID Connect
# sign-in (config/cluster/ui) through a local identity provider, the codec server in OIDC mode over
# https, two Docket workers, the HTTP API, and a local inbox. docker-compose.yml runs the same
# processes with the same configuration files.
#
#   bash scripts/up.sh --cluster                 start everything; Ctrl-C (or SIGTERM) stops it all
#   bash scripts/up.sh --cluster stop NAME [SIG] stop one component (default SIGTERM) and keep it down
#   bash scripts/up.sh --cluster start NAME      let a stopped component start again
#   bash scripts/up.sh --cluster status          components and their process IDs
#
# While it runs, a component that exits is started again after a second, as a container
# orchestrator would; one that exits five times within a minute stops the whole topology.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

data_dir="$(mkdir -p "${DOCKET_DATA_DIR:-$REPO_ROOT/.docket-cluster}" && cd "${DOCKET_DATA_DIR:-$REPO_ROOT/.docket-cluster}" && pwd)"
run_dir="$data_dir/run"
log_dir="$data_dir/logs"
components=(postgresql temporal-server oidc-provider inbox codec-server ui-server worker-1 worker-2 api)

# --- control commands on a running topology ------------------------------------------------------
known_component() {
  local c
  for c in "${components[@]}"; do [ "$c" = "$1" ] && return 0; done
  die "no component named '$1'; components: ${components[*]}"
}
case "${1:-}" in
  stop)
    name="${2:?usage: up.sh --cluster stop NAME [SIGNAL]}"; known_component "$name"
    [ -f "$run_dir/$name.pid" ] || die "$name is not running under $data_dir"
    touch "$run_dir/$name.hold"
    kill -s "${3:-TERM}" "$(cat "$run_dir/$name.pid")" 2>/dev/null || true
    say "$name stopped (signal ${3:-TERM}); 'start $name' lets it run again"
    exit 0 ;;
  start)
    name="${2:?usage: up.sh --cluster start NAME}"; known_component "$name"
    rm -f "$run_dir/$name.hold"
    say "$name will be started again within a second"
    exit 0 ;;
  status)
    for c in "${components[@]}"; do
      pid="$(cat "$run_dir/$c.pid" 2>/dev/null || true)"
      state=stopped
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && state="running (pid $pid)"
      [ -f "$run_dir/$c.hold" ] && state="$state, held"
      printf '%-16s %s\n' "$c" "$state"
    done
    exit 0 ;;
  '') ;;
  *) die "unknown argument '$1' (expected stop, start or status)" ;;
esac

# --- ports (every one can be moved by environment) -----------------------------------------------
pg_port="${DOCKET_PG_PORT:-55432}"
frontend_port="${TEMPORAL_PORT:-7233}"
export TEMPORAL_FRONTEND_PORT="$frontend_port"
export TEMPORAL_FRONTEND_HTTP_PORT="${TEMPORAL_FRONTEND_HTTP_PORT:-7243}"
export TEMPORAL_HISTORY_PORT="${TEMPORAL_HISTORY_PORT:-7234}"
export TEMPORAL_MATCHING_PORT="${TEMPORAL_MATCHING_PORT:-7235}"
export TEMPORAL_WORKER_PORT="${TEMPORAL_WORKER_PORT:-7239}"
export TEMPORAL_FRONTEND_MEMBERSHIP_PORT="${TEMPORAL_FRONTEND_MEMBERSHIP_PORT:-6933}"
export TEMPORAL_HISTORY_MEMBERSHIP_PORT="${TEMPORAL_HISTORY_MEMBERSHIP_PORT:-6934}"
export TEMPORAL_MATCHING_MEMBERSHIP_PORT="${TEMPORAL_MATCHING_MEMBERSHIP_PORT:-6935}"
export TEMPORAL_WORKER_MEMBERSHIP_PORT="${TEMPORAL_WORKER_MEMBERSHIP_PORT:-6939}"
# Temporal records membership ports as PostgreSQL smallint: they must be below 32768.
for var in TEMPORAL_FRONTEND_MEMBERSHIP_PORT TEMPORAL_HISTORY_MEMBERSHIP_PORT TEMPORAL_MATCHING_MEMBERSHIP_PORT \
  TEMPORAL_WORKER_MEMBERSHIP_PORT; do
  [ "${!var}" -ge 1 ] 2>/dev/null && [ "${!var}" -le 32767 ] ||
    die "$var=${!var}: a membership port must be a number from 1 to 32767 (Temporal stores it as a smallint)"
done
metrics_port="${TEMPORAL_METRICS_PORT:-9090}"
worker1_metrics_port="${DOCKET_WORKER1_METRICS_PORT:-9464}"
worker2_metrics_port="${DOCKET_WORKER2_METRICS_PORT:-9466}"
ui_port="${TEMPORAL_UI_PORT:-8233}"
oidc_port="${DOCKET_OIDC_PORT:-8235}"
codec_port="${DOCKET_CODEC_PORT:-8234}"
api_port="${DOCKET_API_PORT:-8080}"
smtp_port="${DOCKET_SMTP_PORT:-1025}"
inbox_port="${DOCKET_INBOX_PORT:-1080}"

if [ -f "$run_dir/supervisor.pid" ] && kill -0 "$(cat "$run_dir/supervisor.pid")" 2>/dev/null; then
  die "a topology already runs on $data_dir (pid $(cat "$run_dir/supervisor.pid")); stop it with Ctrl-C first"
fi
mkdir -p "$run_dir" "$log_dir"
rm -f "$run_dir"/*.pid "$run_dir"/*.hold "$run_dir/ready"
echo $$ >"$run_dir/supervisor.pid"

bash scripts/ensure-node-deps.sh
bin_dir="$(bash scripts/ensure-temporal-server.sh)"

# --- PostgreSQL binaries, and the account that runs them ----------------------------------------
bash scripts/ensure-postgres.sh >/dev/null
# PostgreSQL refuses to run as root; as root, run it as a system account made for the purpose.
as_pg=()
if [ "$(id -u)" = 0 ]; then
  pg_user="${DOCKET_PG_OS_USER:-docket-pg}"
  if ! id -u "$pg_user" >/dev/null 2>&1; then
    say "creating the system account $pg_user to run PostgreSQL"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$pg_user"
  fi
  as_pg=(setpriv --reuid="$pg_user" --regid="$pg_user" --init-groups --)
fi
pg_data="$data_dir/postgresql"
pg_socket_dir="$data_dir/postgresql-socket"
mkdir -p "$pg_data" "$pg_socket_dir"
chmod 700 "$pg_data" "$pg_socket_dir"
if [ "${#as_pg[@]}" -gt 0 ]; then
  chown "$pg_user:" "$pg_data" "$pg_socket_dir"
  chmod o+x "$data_dir" # traverse only: the secrets beside it stay mode 600
  "${as_pg[@]}" test -w "$pg_data" ||
    die "$pg_user cannot reach $pg_data: a parent directory is closed to other users; set DOCKET_DATA_DIR to a directory under one that is not (e.g. /var/lib/docket)"
fi

# --- secrets, made once and kept in the data directory (mode 600) -------------------------------
secrets="$data_dir/secrets.env"
if [ ! -f "$secrets" ]; then
  say "generating passwords, the payload key and client secrets in $secrets"
  (umask 077 && node_modules/.bin/tsx -e "
    import { randomBytes } from 'node:crypto';
    import { generateKey, newKeyId } from './infra/keys';
    const secret = () => randomBytes(24).toString('base64url');
    const id = newKeyId();
    const [cms, sup, adm] = [secret(), secret(), secret()];
    console.log('TEMPORAL_DB_PASSWORD=' + secret());
    console.log('DOCKET_CODEC_KEYS=' + id + ':' + generateKey());
    console.log('DOCKET_CODEC_CURRENT_KEY_ID=' + id);
    console.log('DOCKET_CODEC_TOKENS=' + secret());
    console.log('TEMPORAL_AUTH_CLIENT_SECRET=' + secret());
    console.log('DOCKET_API_KEYS=cms:case-system:' + cms + ',sup:supervisor:' + sup + ',adm:administrator:' + adm);
    console.log('DOCKET_TOKEN_CASE_SYSTEM=' + cms);
    console.log('DOCKET_TOKEN_SUPERVISOR=' + sup);
    console.log('DOCKET_TOKEN_ADMINISTRATOR=' + adm);
  " >"$secrets.tmp") && mv "$secrets.tmp" "$secrets"
fi
# The key that signs the acknowledgement links in alert emails; added to a data directory made before.
if ! grep -q '^DOCKET_ACK_LINK_KEY=' "$secrets"; then
  (umask 077 && echo "DOCKET_ACK_LINK_KEY=$(node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64url'))")" >>"$secrets")
fi
set -a; source "$secrets"; set +a

# The codec server must be https: the UI hands the signed-in person's access token only to an https
# codec endpoint. Locally a self-signed certificate, made once; an agency supplies its own.
tls_dir="$data_dir/tls"
if [ -z "${DOCKET_CODEC_TLS_CERT_FILE:-}" ]; then
  if [ ! -f "$tls_dir/codec-cert.pem" ]; then
    say "generating a self-signed certificate for the codec server in $tls_dir"
    mkdir -p "$tls_dir" && chmod 700 "$tls_dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=127.0.0.1" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
      -keyout "$tls_dir/codec-key.pem" -out "$tls_dir/codec-cert.pem" 2>/dev/null
    chmod 600 "$tls_dir/codec-key.pem"
  fi
  export DOCKET_CODEC_TLS_CERT_FILE="$tls_dir/codec-cert.pem" DOCKET_CODEC_TLS_KEY_FILE="$tls_dir/codec-key.pem"
fi

# --- the environment every component reads ------------------------------------------------------
ui_url="http://127.0.0.1:$ui_port"
oidc_issuer="${DOCKET_OIDC_ISSUER:-http://127.0.0.1:$oidc_port}"
codec_audience="${DOCKET_CODEC_OIDC_AUDIENCE:-urn:docket:codec}"
export TEMPORAL_DB_HOST=127.0.0.1 TEMPORAL_DB_PORT="$pg_port" TEMPORAL_DB_USER=temporal
export TEMPORAL_DB_NAME=temporal TEMPORAL_VISIBILITY_DB_NAME=temporal_visibility
export TEMPORAL_BIND_IP=127.0.0.1 TEMPORAL_BROADCAST_ADDRESS=127.0.0.1
export TEMPORAL_METRICS_ADDRESS="127.0.0.1:$metrics_port"
export TEMPORAL_DYNAMIC_CONFIG_FILE="$REPO_ROOT/config/cluster/temporal/dynamicconfig.yaml"
export TEMPORAL_LOG_LEVEL="${TEMPORAL_LOG_LEVEL:-warn}"
export TEMPORAL_ADDRESS="127.0.0.1:$frontend_port" TEMPORAL_NAMESPACE=default
export TEMPORAL_UI_HOST=127.0.0.1 TEMPORAL_UI_PORT="$ui_port" TEMPORAL_UI_PUBLIC_URL="$ui_url"
# The UI is served over plain http on loopback only; its CSRF cookie must still reach it.
export TEMPORAL_CSRF_COOKIE_INSECURE=true
export TEMPORAL_AUTH_PROVIDER_URL="$oidc_issuer" TEMPORAL_AUTH_CLIENT_ID="${TEMPORAL_AUTH_CLIENT_ID:-temporal-ui}"
export TEMPORAL_AUTH_CALLBACK_URL="$ui_url/auth/sso/callback" TEMPORAL_AUTH_AUDIENCE="$codec_audience"
export TEMPORAL_CODEC_ENDPOINT="https://127.0.0.1:$codec_port"
export DOCKET_OIDC_HOST=127.0.0.1 DOCKET_OIDC_PORT="$oidc_port" DOCKET_OIDC_ISSUER="$oidc_issuer"
export DOCKET_OIDC_CLIENT_ID="$TEMPORAL_AUTH_CLIENT_ID" DOCKET_OIDC_CLIENT_SECRET="$TEMPORAL_AUTH_CLIENT_SECRET"
export DOCKET_OIDC_REDIRECT_URIS="$TEMPORAL_AUTH_CALLBACK_URL" DOCKET_OIDC_AUDIENCE="$codec_audience"
export DOCKET_OIDC_STATE_DIR="$data_dir/oidc"
export DOCKET_CODEC_HOST=127.0.0.1 DOCKET_CODEC_PORT="$codec_port" DOCKET_CODEC_ALLOWED_ORIGINS="$ui_url"
export DOCKET_CODEC_AUTH=oidc DOCKET_CODEC_OIDC_ISSUER="$oidc_issuer" DOCKET_CODEC_OIDC_AUDIENCE="$codec_audience"
export DOCKET_CODEC_OIDC_JWKS_URL="${DOCKET_CODEC_OIDC_JWKS_URL:-$oidc_issuer/jwks}"
export DOCKET_CODEC_OIDC_ROLE_CLAIM="${DOCKET_CODEC_OIDC_ROLE_CLAIM:-groups}"
export DOCKET_CODEC_OIDC_ALLOWED="${DOCKET_CODEC_OIDC_ALLOWED:-docket-administrators}"
# An agency's relay replaces the local inbox: set DOCKET_SMTP_HOST (and DOCKET_SMTP_PORT).
local_inbox=true
[ -n "${DOCKET_SMTP_HOST:-}" ] && local_inbox=false
export DOCKET_SMTP_HOST="${DOCKET_SMTP_HOST:-127.0.0.1}" DOCKET_SMTP_PORT="$smtp_port"
export DOCKET_API_HOST=127.0.0.1 DOCKET_API_PORT="$api_port"
export DOCKET_ACK_BASE_URL="${DOCKET_ACK_BASE_URL:-http://127.0.0.1:$api_port/ack}"
# Both workers share one sent-ledger file, as two workers on one host do.
export DOCKET_DATA_DIR="$data_dir/docket"
mkdir -p "$DOCKET_DATA_DIR"

# --- how each component runs (each replaces its subshell, so its PID is the real process) --------
run_postgresql() { exec bash scripts/cluster/postgres.sh run "$pg_data" "$pg_socket_dir" "$pg_port"; }
temporal_server_cmd=("$bin_dir/temporal-server" --root / --config "$REPO_ROOT/config/cluster/temporal" --env docket
  --allow-no-auth start --service frontend --service history --service matching --service worker)
run_temporal-server() { exec "${temporal_server_cmd[@]}"; }
run_ui-server() { exec "$bin_dir/temporal-ui-server" --root / --config "$REPO_ROOT/config/cluster/ui" --env docket start; }
run_oidc-provider() { exec node --import tsx scripts/cluster/oidc-dev-provider.ts; }
run_inbox() {
  exec node node_modules/maildev/dist/bin/maildev.js --ip 127.0.0.1 --smtp "$smtp_port" \
    --web-ip 127.0.0.1 --web "$inbox_port" --mail-directory "$data_dir/inbox"
}
run_codec-server() { exec node --import tsx server/codec/codec-server.ts; }
# Each worker process serves its own Prometheus metrics (the SDK's and Docket's), on its own port.
run_worker-1() { DOCKET_METRICS_PORT="$worker1_metrics_port" exec node --import tsx worker/main.ts; }
run_worker-2() { DOCKET_METRICS_PORT="$worker2_metrics_port" exec node --import tsx worker/main.ts; }
run_api() { exec node --import tsx server/api/main.ts; }

declare -A pid_of
launch() {
  local name=$1
  printf '\n=== %s starting %s\n' "$(date -u +%FT%TZ)" "$name" >>"$log_dir/$name.log"
  "run_$name" >>"$log_dir/$name.log" 2>&1 &
  pid_of[$name]=$!
  echo "${pid_of[$name]}" >"$run_dir/$name.pid"
}

stopping=false
cleanup() {
  trap - INT TERM EXIT
  stopping=true
  say "stopping"
  # Clients first, then the server, then its database; PostgreSQL's SIGINT is its fast shutdown.
  local name pid
  for name in api worker-1 worker-2 ui-server codec-server oidc-provider inbox temporal-server postgresql; do
    pid="${pid_of[$name]:-}"
    [ -n "$pid" ] || continue
    if [ "$name" = postgresql ]; then kill -INT "$pid" 2>/dev/null || true; else kill "$pid" 2>/dev/null || true; fi
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -f "$run_dir"/*.pid "$run_dir"/*.hold "$run_dir/ready"
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

alive_or_die() {
  kill -0 "${pid_of[$1]}" 2>/dev/null || die "$1 exited; see $log_dir/$1.log"
}
wait_for_port() {
  local port=$1 name=$2 tries=${3:-300}
  for _ in $(seq 1 "$tries"); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    alive_or_die "$name"
    sleep 0.2
  done
  die "$name did not listen on port $port; see $log_dir/$name.log"
}

# --- start, in dependency order ------------------------------------------------------------------
if [ ! -f "$pg_data/PG_VERSION" ]; then
  say "initialising PostgreSQL in $pg_data"
  bash scripts/cluster/postgres.sh init "$pg_data" >"$log_dir/initdb.log" 2>&1 ||
    die "initdb failed; see $log_dir/initdb.log"
fi
say "starting PostgreSQL on 127.0.0.1:$pg_port"
launch postgresql
for _ in $(seq 1 150); do
  bash scripts/cluster/postgres.sh ready "$pg_socket_dir" "$pg_port" && break
  alive_or_die postgresql
  sleep 0.2
done
# The socket directory admits only the account running PostgreSQL (trust there); TCP needs a password.
bash scripts/cluster/postgres.sh psql "$pg_socket_dir" "$pg_port" -d postgres -v pw="$TEMPORAL_DB_PASSWORD" \
  >/dev/null <<'SQL'
SELECT 'CREATE ROLE temporal LOGIN CREATEDB' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'temporal')
\gexec
ALTER ROLE temporal PASSWORD :'pw';
SQL

say "creating or migrating the Temporal schemas (temporal-sql-tool)"
TEMPORAL_SQL_TOOL="$bin_dir/temporal-sql-tool" sh scripts/cluster/setup-schema.sh >"$log_dir/schema.log" 2>&1 ||
  die "schema setup failed; see $log_dir/schema.log"

say "starting temporal-server (frontend, history, matching, worker; 512 history shards)"
launch temporal-server
$local_inbox && launch inbox
launch oidc-provider
wait_for_port "$frontend_port" temporal-server 600
wait_for_port "$oidc_port" oidc-provider
$local_inbox && wait_for_port "$smtp_port" inbox

say "registering namespace default and Docket's search attributes"
for attempt in $(seq 1 60); do
  node_modules/.bin/tsx client/cli.ts setup >>"$log_dir/setup.log" 2>&1 && break
  alive_or_die temporal-server
  [ "$attempt" = 60 ] && die "namespace setup failed; see $log_dir/setup.log"
  sleep 2
done

launch codec-server
launch ui-server
wait_for_port "$codec_port" codec-server
wait_for_port "$ui_port" ui-server
say "starting two Docket workers and the HTTP API"
launch worker-1
launch worker-2
launch api
wait_for_port "$api_port" api

if [ "${DOCKET_SAMPLE_CASES:-1}" = 1 ]; then
  say "opening one sample case of each type (idempotent: a restart finds them again)"
  node_modules/.bin/tsx scripts/sample-cases.ts >&2 || say "sample cases could not be opened; see the message above"
fi

inbox_line="Local inbox      http://127.0.0.1:$inbox_port   (SMTP 127.0.0.1:$smtp_port)"
$local_inbox || inbox_line="SMTP relay       $DOCKET_SMTP_HOST:$DOCKET_SMTP_PORT"
cat >&2 <<INFO

  Temporal UI      $ui_url   (sign in: users and passwords in $DOCKET_OIDC_STATE_DIR/users.json)
  Identity (OIDC)  $oidc_issuer   (client $TEMPORAL_AUTH_CLIENT_ID)
  Codec server     https://127.0.0.1:$codec_port   (self-signed: open it once in the browser to trust it)
  HTTP API         http://127.0.0.1:$api_port   (OpenAPI at /docs; tokens in $secrets)
  $inbox_line
  Temporal         127.0.0.1:$frontend_port, namespace default   (metrics http://127.0.0.1:$metrics_port/metrics)
  PostgreSQL       127.0.0.1:$pg_port, databases temporal and temporal_visibility, user temporal
  Workers          2 (logs worker-1.log, worker-2.log)

  Logs in $log_dir. Press Ctrl-C to stop. Cases are kept in $pg_data.
INFO
echo ready >"$run_dir/ready"

# --- supervise: start again whatever exits, unless it was stopped on purpose --------------------
declare -A recent
while ! $stopping; do
  sleep 1
  # A test harness names itself here, so a topology it started cannot outlive it.
  if [ -n "${DOCKET_EXIT_WITH_PID:-}" ] && ! kill -0 "$DOCKET_EXIT_WITH_PID" 2>/dev/null; then
    say "process $DOCKET_EXIT_WITH_PID is gone"
    exit 0
  fi
  for name in "${components[@]}"; do
    pid="${pid_of[$name]:-}"
    [ -n "$pid" ] || continue
    kill -0 "$pid" 2>/dev/null && continue
    [ -f "$run_dir/$name.hold" ] || $stopping && continue
    now=$(date +%s)
    recent[$name]="$(for t in ${recent[$name]:-} $now; do [ $((now - t)) -lt 60 ] && printf '%s ' "$t"; done)"
    # shellcheck disable=SC2086
    set -- ${recent[$name]}
    [ $# -gt 5 ] && die "$name exited $# times within a minute; see $log_dir/$name.log"
    say "$name exited; starting it again (log $log_dir/$name.log)"
    launch "$name"
  done
done
