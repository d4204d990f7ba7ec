#!/usr/bin/env bash
# Prints the path of pdftotext (Debian's poppler-utils), which the court-record tests read PDFs with:
# no npm package in the tree extracts PDF text. Installs the Debian package when it is missing and
# we are root; otherwise names the one command to run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

pdftotext="${DOCKET_PDFTOTEXT:-$(command -v pdftotext || true)}"
if [ -z "$pdftotext" ] || [ ! -x "$pdftotext" ]; then
  [ -z "${DOCKET_PDFTOTEXT:-}" ] || die "DOCKET_PDFTOTEXT=$DOCKET_PDFTOTEXT is not an executable file"
  if [ "$(id -u)" -ne 0 ]; then
    die "the court-record tests need pdftotext; install it with: sudo apt-get install -y poppler-utils"
  fi
  say "installing Debian's poppler-utils (apt-get install poppler-utils; first time only)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq poppler-utils >&2
  pdftotext="$(command -v pdftotext)"
fi
echo "$pdftotext"
