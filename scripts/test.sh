#!/usr/bin/env bash
# The whole test suite: installs what is missing (npm packages, the Temporal CLI, the time-skipping
# test server, Debian's Chromium), then runs jest against the real servers. Extra arguments go to jest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

bash scripts/ensure-node-deps.sh
export DOCKET_TEMPORAL_CLI="${DOCKET_TEMPORAL_CLI:-$(bash scripts/ensure-temporal-cli.sh)}"
export DOCKET_TEST_SERVER="${DOCKET_TEST_SERVER:-$(bash scripts/ensure-test-server.sh)}"
export DOCKET_CHROMIUM="$(bash scripts/ensure-chromium.sh)"
export DOCKET_SCHEMATHESIS="${DOCKET_SCHEMATHESIS:-$(bash scripts/ensure-schemathesis.sh)}"
say "running the test suite (jest; Temporal CLI at $DOCKET_TEMPORAL_CLI)"
exec npx jest --ci "$@"
