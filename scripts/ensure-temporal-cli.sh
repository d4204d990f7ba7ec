#!/usr/bin/env bash
# Prints the path of the official Temporal CLI (dev server + Web UI). Uses, in order: $TEMPORAL_CLI,
# a `temporal` already on PATH, or the pinned version built from the Go module proxy into the cache.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ -n "${TEMPORAL_CLI:-}" ]; then
  [ -x "$TEMPORAL_CLI" ] || die "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable file"
  echo "$TEMPORAL_CLI"; exit 0
fi
if command -v temporal >/dev/null 2>&1; then command -v temporal; exit 0; fi

bin_dir="$DOCKET_CACHE/temporal-cli-$TEMPORAL_CLI_VERSION"
if [ ! -x "$bin_dir/temporal" ]; then
  command -v go >/dev/null 2>&1 || die "Go is needed to build the Temporal CLI (or set TEMPORAL_CLI to an existing binary)"
  say "building the Temporal CLI $TEMPORAL_CLI_VERSION from the Go module proxy (first time only, a few minutes)"
  mkdir -p "$bin_dir"
  GOBIN="$bin_dir" GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >&2
fi
echo "$bin_dir/temporal"
