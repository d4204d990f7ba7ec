#!/usr/bin/env bash
# PostgreSQL 15 as Docket's production topology runs it, in one place for scripts/up-cluster.sh and the
# benchmarks (bench/lib/cluster.ts). PostgreSQL refuses to run as root: as root, every command runs as
# the system account made for it (DOCKET_PG_OS_USER, default docket-pg; up-cluster.sh creates it).
#
#   postgres.sh init DATA_DIR                  initdb: superuser postgres, trust on the socket, passwords over TCP
#   postgres.sh run DATA_DIR SOCKET_DIR PORT   the postmaster on 127.0.0.1 (exec: it keeps this PID)
#   postgres.sh psql SOCKET_DIR PORT ARGS...   psql as the superuser over the socket, stopping at the first error
#   postgres.sh ready SOCKET_DIR PORT          succeeds once the server accepts connections
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

pg_bin="$(bash "$REPO_ROOT/scripts/ensure-postgres.sh")"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  pg_user="${DOCKET_PG_OS_USER:-docket-pg}"
  id -u "$pg_user" >/dev/null 2>&1 ||
    die "the system account $pg_user that runs PostgreSQL does not exist: start the topology once (npm run up -- --cluster) or create it as scripts/up-cluster.sh does"
  as_pg=(setpriv --reuid="$pg_user" --regid="$pg_user" --init-groups --)
fi

usage="usage: postgres.sh init DATA_DIR | run DATA_DIR SOCKET_DIR PORT | psql SOCKET_DIR PORT ARGS... | ready SOCKET_DIR PORT"
case "${1:-}" in
  init)
    exec "${as_pg[@]}" "$pg_bin/initdb" -D "${2:?$usage}" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --no-locale ;;
  run)
    exec "${as_pg[@]}" "$pg_bin/postgres" -D "${2:?$usage}" -c listen_addresses=127.0.0.1 -c port="${4:?$usage}" \
      -c unix_socket_directories="${3:?$usage}" -c max_connections=300 -c logging_collector=off ;;
  psql)
    socket="${2:?$usage}" port="${3:?$usage}"
    shift 3
    exec "${as_pg[@]}" "$pg_bin/psql" -q -v ON_ERROR_STOP=1 -h "$socket" -p "$port" -U postgres "$@" ;;
  ready)
    exec "$pg_bin/pg_isready" -q -h "${2:?$usage}" -p "${3:?$usage}" ;;
  *) die "$usage" ;;
esac
