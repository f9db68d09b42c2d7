#!/usr/bin/env bash
# Builds and runs the enrollment admission load benchmark (bench/README.md). Finds a JDK 21 or newer by
# itself (scripts/find-java.sh: JAVA_HOME, javac on PATH, /usr/lib/jvm), like ./phasegate.
#
#   bench/run-enrollment.sh [--installed-server] [--store=h2|postgres|both] [--clients=64] [--duration=20] [--warmup=5] ...
#
# By default core, server and bench are built from this working tree (-pl bench -am), so the figures are
# those of the code in front of you. With --installed-server only bench is built, against the
# phasegate-server jar already in ~/.m2; the figures are then those of whatever was installed last.
# Environment: BENCH_JAVA_OPTS (JVM flags for the benchmark JVM), MAVEN_ARGS (e.g. -o for offline).
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

echo "run-enrollment: building ${modules[*]} with $JAVA_HOME ..." >&2
(cd "$root" && ./mvnw -q -B -DskipTests "${modules[@]}" package) >&2

# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of flags
exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -jar "$bench/target/phasegate-bench.jar" "$@"
