#!/usr/bin/env bash
# The whole test suite: installs what is missing (npm packages, the Temporal CLI, the time-skipping
# test server, Debian's Chromium, PostgreSQL, the production topology's servers, schemathesis), then
# runs jest against the real servers. Extra arguments go to jest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

bash scripts/ensure-node-deps.sh
export DOCKET_TEMPORAL_CLI="${DOCKET_TEMPORAL_CLI:-$(bash scripts/ensure-temporal-cli.sh)}"
export DOCKET_TEST_SERVER="${DOCKET_TEST_SERVER:-$(bash scripts/ensure-test-server.sh)}"
export DOCKET_CHROMIUM="$(bash scripts/ensure-chromium.sh)"
# The production-topology suite (test/cluster/) runs PostgreSQL 15, temporal-server, temporal-sql-tool
# and the UI server; they are installed and built here so that no test's time goes to a build.
bash scripts/ensure-postgres.sh >/dev/null
export TEMPORAL_SERVER_BIN_DIR="${TEMPORAL_SERVER_BIN_DIR:-$(bash scripts/ensure-temporal-server.sh)}"
export DOCKET_SCHEMATHESIS="${DOCKET_SCHEMATHESIS:-$(bash scripts/ensure-schemathesis.sh)}"
say "running the test suite (jest; Temporal CLI at $DOCKET_TEMPORAL_CLI)"
exec npx jest --ci "$@"
