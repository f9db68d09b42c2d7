# Sourced by ./phasegate, ./run-tests and .ci/run: sets JAVA_HOME to a JDK 21 or newer, looking at
# JAVA_HOME, then java on PATH, then the usual install folders. Returns 1 with a message if none.
_pg_java_version() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1; }
_pg_is_21_or_newer() { local v; v="$(_pg_java_version "$1" 2>/dev/null || true)"; [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; }

phasegate_find_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && _pg_is_21_or_newer "$JAVA_HOME/bin/java"; then return 0; fi
  if command -v javac >/dev/null 2>&1; then
    local home; home="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
    if _pg_is_21_or_newer "$home/bin/java"; then export JAVA_HOME="$home"; return 0; fi
  fi
  local home
  for home in /usr/lib/jvm/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if [ -x "$home/bin/javac" ] && _pg_is_21_or_newer "$home/bin/java"; then export JAVA_HOME="$home"; return 0; fi
  done
  echo "Phasegate needs a JDK 21 or newer; none found in JAVA_HOME, on PATH or under /usr/lib/jvm. Install one and set JAVA_HOME." >&2
  return 1
}
