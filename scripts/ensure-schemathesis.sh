#!/usr/bin/env bash
# Prints the path of the `st` executable of Schemathesis (the API contract tester, from PyPI), pinned
# and installed into its own virtualenv in the cache, so the checkout stays free of Python packages.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dir="$DOCKET_CACHE/schemathesis-$SCHEMATHESIS_VERSION"
# Written last: a virtualenv cannot be built elsewhere and moved in, so an interrupted install is
# recognised by this file's absence and started over.
done_marker="$dir/.installed"
if [ ! -f "$done_marker" ]; then
  command -v python3 >/dev/null 2>&1 || die "Python 3 (with venv) is needed to install Schemathesis"
  say "installing schemathesis $SCHEMATHESIS_VERSION from PyPI (first time only)"
  rm -rf "$dir"
  python3 -m venv "$dir" >&2 || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION" >&2
  "$dir/bin/st" --version >&2
  touch "$done_marker"
fi
echo "$dir/bin/st"
