#!/usr/bin/env bash
# Prints the directory holding the production Temporal binaries Docket's cluster runs:
# temporal-server (frontend, history, matching and worker services), temporal-sql-tool (schema setup
# and migrations) and temporal-ui-server (the Web UI with OIDC sign-in). Uses $TEMPORAL_SERVER_BIN_DIR
# if set; otherwise builds the pinned versions from the Go module proxy into the cache, once.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ -n "${TEMPORAL_SERVER_BIN_DIR:-}" ]; then
  for b in temporal-server temporal-sql-tool temporal-ui-server; do
    [ -x "$TEMPORAL_SERVER_BIN_DIR/$b" ] || die "TEMPORAL_SERVER_BIN_DIR=$TEMPORAL_SERVER_BIN_DIR has no executable $b"
  done
  echo "$TEMPORAL_SERVER_BIN_DIR"; exit 0
fi

bin_dir="$DOCKET_CACHE/temporal-server-$TEMPORAL_SERVER_VERSION-ui-$TEMPORAL_UI_VERSION"
# Both upstream commands are named `server`; each is built into its own scratch GOBIN and renamed.
build() {
  local pkg=$1 name=$2
  [ -x "$bin_dir/$name" ] && return 0
  command -v go >/dev/null 2>&1 || die "Go is needed to build $name (or set TEMPORAL_SERVER_BIN_DIR to a directory holding it)"
  say "building $name from $pkg (first time only, several minutes)"
  local scratch
  scratch="$(mktemp -d "$DOCKET_CACHE/.build-XXXXXX")"
  GOBIN="$scratch" GOFLAGS=-mod=mod go install "$pkg" >&2
  mv "$scratch/$(basename "${pkg%@*}")" "$bin_dir/$name"
  rmdir "$scratch"
}
mkdir -p "$bin_dir"
build "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" temporal-server
build "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" temporal-sql-tool
build "github.com/temporalio/ui-server/v2/cmd/server@$TEMPORAL_UI_VERSION" temporal-ui-server
echo "$bin_dir"
