#!/usr/bin/env bash
# Prints the path of Debian's Chromium, which the browser tests drive through playwright-core (it never
# downloads a browser of its own). Installs the Debian package when it is missing and we are root;
# otherwise names the one command to run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

chromium="${DOCKET_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  [ -z "${DOCKET_CHROMIUM:-}" ] || die "DOCKET_CHROMIUM=$DOCKET_CHROMIUM is not an executable file"
  debian_install "the browser tests need Debian's Chromium" Chromium chromium
fi
echo "$chromium"
