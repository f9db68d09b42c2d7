#!/usr/bin/env bash
# Builds and runs the time-to-safety benchmark (bench/README.md, "Time to safety"): a server in its own JVM,
# an SDK and a telemetry sender in this one; a hard error-rate breach per trial.
#
#   bench/run-time-to-safety.sh [trials=10]
#
# Environment: MAVEN_ARGS (e.g. -o for offline).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$bench")"

# shellcheck source=../scripts/find-java.sh
. "$root/scripts/find-java.sh"
phasegate_find_java || exit 2

echo "run-time-to-safety: building bench with $JAVA_HOME ..." >&2
(cd "$root" && ./mvnw -q -B -DskipTests ${MAVEN_ARGS:-} -pl bench -am package) >&2
exec "$JAVA_HOME/bin/java" -cp "$bench/target/phasegate-bench.jar" dev.phasegate.bench.TimeToSafety "$@"
