# Shared settings for Docket's scripts. Binaries are pinned here and cached outside the checkout,
# so a second clone on the same machine reuses them.
DOCKET_CACHE="${DOCKET_CACHE:-$HOME/.cache/docket}"
TEMPORAL_CLI_VERSION="v1.5.1"
TEST_SERVER_VERSION="1.38.0"
SCHEMATHESIS_VERSION="4.32.5"
# The production topology (npm run up -- --cluster, docker-compose.yml) runs these exact releases.
TEMPORAL_SERVER_VERSION="v1.29.1"
TEMPORAL_UI_VERSION="v2.42.1"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\033[1m[docket]\033[0m %s\n' "$*" >&2; }
die() { printf '[docket] error: %s\n' "$*" >&2; exit 1; }

# Installs Debian packages as root (first time only); otherwise stops, naming the one command to run.
# $1 says what needs them and what they are ("the browser tests need Debian's Chromium"), $2 is the
# name shown while installing, the rest the packages.
debian_install() {
  local need=$1 label=$2
  shift 2
  [ "$(id -u)" -eq 0 ] || die "$need; install it with: sudo apt-get install -y $*"
  say "installing Debian's $label (apt-get install $*; first time only)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "$@" >&2
}
