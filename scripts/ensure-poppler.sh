#!/usr/bin/env bash
# Prints the path of pdftotext (Debian's poppler-utils), which the court-record tests read PDFs with:
# no npm package in the tree extracts PDF text. Installs the Debian package when it is missing and
# we are root; otherwise names the one command to run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

pdftotext="${DOCKET_PDFTOTEXT:-$(command -v pdftotext || true)}"
if [ -z "$pdftotext" ] || [ ! -x "$pdftotext" ]; then
  [ -z "${DOCKET_PDFTOTEXT:-}" ] || die "DOCKET_PDFTOTEXT=$DOCKET_PDFTOTEXT is not an executable file"
  debian_install "the court-record tests need pdftotext" poppler-utils poppler-utils
  pdftotext="$(command -v pdftotext)"
fi
echo "$pdftotext"
