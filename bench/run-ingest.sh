#!/usr/bin/env bash
# Builds and runs the telemetry ingest load benchmark (bench/README.md, "Telemetry ingest").
#
#   bench/run-ingest.sh [--installed-server] [--clients=4] [--duration=60] [--warmup=10] [--batch=1000] [--url=... --token=...]
#
# By default core, server and bench are built from this working tree (-pl bench -am). A 10-minute soak:
# --duration=600. Environment: BENCH_JAVA_OPTS (JVM flags), MAVEN_ARGS (e.g. -o for offline).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$bench")"

# shellcheck source=../scripts/find-java.sh
. "$root/scripts/find-java.sh"
phasegate_find_java || exit 2

modules=(-pl bench -am)
if [ "${1:-}" = "--installed-server" ]; then
  modules=(-pl bench)
  shift
fi

echo "run-ingest: building ${modules[*]} with $JAVA_HOME ..." >&2
(cd "$root" && ./mvnw -q -B -DskipTests ${MAVEN_ARGS:-} "${modules[@]}" package) >&2

# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of flags
exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -cp "$bench/target/phasegate-bench.jar" dev.phasegate.bench.IngestLoad "$@"
