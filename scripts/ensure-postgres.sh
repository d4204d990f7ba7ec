#!/usr/bin/env bash
# Prints the directory of Debian's PostgreSQL 15 server binaries, which the production topology runs
# (scripts/up-cluster.sh). Installs the package when it is missing and we are root; otherwise names the
# one command to run. DOCKET_PG_BIN names another directory.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

pg_bin="${DOCKET_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$pg_bin/postgres" ]; then
  if [ "$(id -u)" = 0 ] && [ -z "${DOCKET_PG_BIN:-}" ]; then
    say "installing PostgreSQL 15 (apt-get install postgresql-15; first time only)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql-15 >&2
  fi
  [ -x "$pg_bin/postgres" ] ||
    die "PostgreSQL 15 is not installed at $pg_bin: run 'sudo apt-get install postgresql-15' (or set DOCKET_PG_BIN)"
fi
echo "$pg_bin"
