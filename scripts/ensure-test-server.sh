#!/usr/bin/env bash
# Prints the path of a launcher for Temporal's official time-skipping test server
# (io.temporal:temporal-test-server from Maven Central). The launcher execs java, so that the
# SDK's kill of the process it started reaches the JVM itself.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dir="$DOCKET_CACHE/temporal-test-server-$TEST_SERVER_VERSION"
launcher="$dir/temporal-test-server"
if [ ! -x "$launcher" ]; then
  command -v mvn >/dev/null 2>&1 || die "Maven is needed to fetch the Temporal test server"
  command -v java >/dev/null 2>&1 || die "Java is needed to run the Temporal test server"
  say "fetching temporal-test-server $TEST_SERVER_VERSION and its classpath from Maven Central (first time only)"
  mkdir -p "$dir/lib"
  mvn -B -q -f "$REPO_ROOT/tools/test-server/pom.xml" \
    -Dtemporal.test.server.version="$TEST_SERVER_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$dir/lib" -DincludeScope=runtime >&2
  cat > "$launcher.tmp" <<'LAUNCH'
#!/bin/sh
# Small heap and tiered compilation keep JVM start-up short on a 2-core machine.
here="$(dirname "$0")"
exec java -Xms64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$here/lib/*" io.temporal.testserver.TestServer "$@"
LAUNCH
  chmod +x "$launcher.tmp"
  mv "$launcher.tmp" "$launcher"
fi
echo "$launcher"
