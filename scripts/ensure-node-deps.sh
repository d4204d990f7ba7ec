#!/usr/bin/env bash
# Installs the npm packages exactly as locked, unless node_modules already matches the lockfile.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

command -v node >/dev/null 2>&1 || die "Node.js (>= 20.3) is required"
marker=node_modules/.package-lock.json
if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
  say "installing npm packages (npm ci)"
  if ! npm ci --no-audit --no-fund --loglevel=error >&2 2>/tmp/docket-npm-ci.$$; then
    # npm 11 refuses some lockfiles whose platform-specific optional packages (other OSes' @swc/core
    # builds) it chose not to record; `npm install` then installs the very same locked versions.
    # The lockfile must come out unchanged, or the install was not the locked one.
    grep -q 'in sync' /tmp/docket-npm-ci.$$ || { cat /tmp/docket-npm-ci.$$ >&2; die "npm ci failed"; }
    say "npm ci refused the lockfile's optional platform entries; installing the locked versions with npm install"
    before=$(sha256sum package-lock.json)
    npm install --no-audit --no-fund --loglevel=error >&2
    [ "$before" = "$(sha256sum package-lock.json)" ] || die "npm install changed package-lock.json: the lockfile is stale"
  fi
  rm -f /tmp/docket-npm-ci.$$
fi
