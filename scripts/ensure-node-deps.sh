#!/usr/bin/env bash
# Installs the npm packages exactly as locked, unless node_modules already matches the lockfile.
# The lockfile records every platform's optional builds (@swc/core, esbuild), so `npm ci` accepts it
# with npm 10 and npm 11 alike; no dependency needs its install script (npm 11.19 skips them).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

command -v node >/dev/null 2>&1 || die "Node.js (>= 20.3) is required"
marker=node_modules/.package-lock.json
if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
  say "installing npm packages (npm ci, npm $(npm --version))"
  npm ci --no-audit --no-fund --loglevel=error >&2 || die "npm ci failed (see above)"
fi
