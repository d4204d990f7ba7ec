#!/usr/bin/env bash
# Installs the npm packages exactly as locked, unless node_modules already matches the lockfile.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

command -v node >/dev/null 2>&1 || die "Node.js (>= 20.3) is required"
marker=node_modules/.package-lock.json
if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
