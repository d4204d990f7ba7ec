#!/bin/sh
# Creates Temporal's two PostgreSQL databases if they are missing and brings both schemas to the
# version this temporal-sql-tool release carries (the schemas are built into the tool). Safe to run
# on every start: existing databases are kept, applied versions are skipped. docker-compose.yml runs
# this same script as its one-shot schema job.
#
# Reads TEMPORAL_DB_HOST, TEMPORAL_DB_PORT, TEMPORAL_DB_USER, TEMPORAL_DB_PASSWORD, TEMPORAL_DB_NAME,
# TEMPORAL_VISIBILITY_DB_NAME, TEMPORAL_DB_TLS and TEMPORAL_DB_TLS_CA_FILE, as temporal-server does.
# TEMPORAL_DB_CREATE=false skips creating the databases, for a PostgreSQL where the agency's DBA has
# made them and the Temporal user may not create databases.
set -eu
tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
: "${TEMPORAL_DB_PASSWORD:?set TEMPORAL_DB_PASSWORD (the PostgreSQL password of TEMPORAL_DB_USER)}"
export SQL_PLUGIN=postgres12
export SQL_HOST="${TEMPORAL_DB_HOST:-127.0.0.1}"
export SQL_PORT="${TEMPORAL_DB_PORT:-5432}"
export SQL_USER="${TEMPORAL_DB_USER:-temporal}"
export SQL_PASSWORD="$TEMPORAL_DB_PASSWORD"
set --
if [ "${TEMPORAL_DB_TLS:-false}" = true ]; then
  set -- --tls
  [ -n "${TEMPORAL_DB_TLS_CA_FILE:-}" ] && set -- "$@" --tls-ca-file "$TEMPORAL_DB_TLS_CA_FILE"
fi

for pair in "${TEMPORAL_DB_NAME:-temporal}:temporal" "${TEMPORAL_VISIBILITY_DB_NAME:-temporal_visibility}:visibility"; do
  database="${pair%%:*}"
  schema="postgresql/v12/${pair#*:}"
  echo "database $database: schema $schema"
  if [ "${TEMPORAL_DB_CREATE:-true}" != false ]; then
    "$tool" "$@" --db "$database" create-database
  fi
  "$tool" "$@" --db "$database" setup-schema -v 0.0
  "$tool" "$@" --db "$database" update-schema --schema-name "$schema"
done
