#!/usr/bin/env bash
# Builds and runs the enrollment admission load benchmark (bench/README.md). Finds a JDK 21 or newer by
# itself (JAVA_HOME, java on PATH, /usr/lib/jvm), like ./phasegate.
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

java_version() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1; }
is_21_or_newer() { local v; v="$(java_version "$1" 2>/dev/null || true)"; [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; }

find_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && is_21_or_newer "$JAVA_HOME/bin/java"; then echo "$JAVA_HOME"; return; fi
  if command -v java >/dev/null 2>&1 && is_21_or_newer "$(command -v java)"; then
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"; return
  fi
  for home in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    if [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] && is_21_or_newer "$home/bin/java"; then echo "$home"; return; fi
  done
  return 1
}

if ! JAVA_HOME="$(find_java)"; then
  echo "run-enrollment: needs a JDK 21 or newer; none found in JAVA_HOME, on PATH or under /usr/lib/jvm." >&2
  exit 2
fi
export JAVA_HOME

modules=(-pl bench -am)
if [ "${1:-}" = "--installed-server" ]; then
  modules=(-pl bench)
  shift
fi

echo "run-enrollment: building ${modules[*]} with $JAVA_HOME ..." >&2
(cd "$root" && ./mvnw -q -B -DskipTests "${modules[@]}" package) >&2

# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of flags
exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -jar "$bench/target/phasegate-bench.jar" "$@"
