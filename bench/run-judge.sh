#!/usr/bin/env bash
# Monte Carlo harness for the statistical judge (bench/README.md, "Statistical judge"): false alarm rates
# and detection power of the error-rate and latency-tail judges, checked every simulated second for an
# hour at 100 requests/s per cohort. CPU only, no network, no server. Arguments go to
# dev.phasegate.bench.judge.MonteCarlo:
#
#   bench/run-judge.sh [--runs=1000] [--latency-runs=1000] [--seed=20261127] [--threads=2] [--mixing-sd=0.05]
#                      [--scenarios=abcd]
#
# The harness needs only the server module and its dependencies, so it is compiled here with javac
# against the server's classpath rather than through the bench module (whose JMH and peer SDKs it does
# not use). Offline: MAVEN_ARGS=-o bench/run-judge.sh ...
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$bench")"
# shellcheck source=../scripts/find-java.sh
. "$root/scripts/find-java.sh"
phasegate_find_java || exit 2
cd "$root"
./mvnw -q -B -DskipTests -pl server -am install
./mvnw -q -B -pl server dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$bench/target/judge-classpath.txt"
classpath="$root/server/target/classes:$(cat "$bench/target/judge-classpath.txt")"
out="$bench/target/judge-classes"
rm -rf "$out" && mkdir -p "$out"
"$JAVA_HOME/bin/javac" -d "$out" -cp "$classpath" --release 21 "$bench"/src/main/java/dev/phasegate/bench/judge/*.java
exec "$JAVA_HOME/bin/java" -Xmx1g -cp "$out:$classpath" dev.phasegate.bench.judge.MonteCarlo "$@"
