#!/usr/bin/env bash
# `npm run bench [-- flags]`: resolves the pinned Temporal binaries (the dev server, and the
# time-skipping test server for lifecycle histories) exactly as the test suite does, then runs the
# harness (bench/main.ts). The human table goes to stdout, followed by the JSON summary; progress
# goes to stderr.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$REPO_ROOT"

# No `npm ci` from here: it would replace node_modules under other processes using it right now.
[ -d node_modules/@temporalio/worker ] || die "run \`npm ci\` (or \`npm test\` once) first"
export DOCKET_TEMPORAL_CLI="${DOCKET_TEMPORAL_CLI:-$(bash scripts/ensure-temporal-cli.sh)}"
export DOCKET_TEST_SERVER="${DOCKET_TEST_SERVER:-$(bash scripts/ensure-test-server.sh)}"
# `npm run bench -- import [flags]`: the bulk-import measurement (bench/import.ts) instead.
if [ "${1:-}" = import ]; then
  shift
  exec npx tsx bench/import.ts "$@"
fi
exec npx tsx bench/main.ts "$@"
