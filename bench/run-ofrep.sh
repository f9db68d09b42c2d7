#!/usr/bin/env bash
# OFREP throughput: single-flag evaluations per second and p99 over HTTP keep-alive, against the bare
# /healthz route of the same server in the same run (bench/README.md). Starts the real server jar as its
# own process on the embedded store, loads it with wrk (Debian package 'wrk') from another process, and
# stops it. Traffic stays on 127.0.0.1.
#
#   bench/run-ofrep.sh [--duration=15] [--connections=64] [--threads=2]
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$bench")"
duration=15 connections=64 threads=2
for arg in "$@"; do
  case "$arg" in
    --duration=*) duration="${arg#*=}" ;;
    --connections=*) connections="${arg#*=}" ;;
    --threads=*) threads="${arg#*=}" ;;
    *) echo "unknown argument $arg" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "run-ofrep: needs wrk (apt-get install wrk)" >&2; exit 2; }
# shellcheck source=../scripts/find-java.sh
. "$root/scripts/find-java.sh"
phasegate_find_java || exit 2
[ -f "$root/server/target/phasegate.jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests -pl server -am package)

work="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
admin="phg_bench-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
PHASEGATE_ADMIN_TOKEN="$admin" PHASEGATE_LOG_LEVEL=WARN "$JAVA_HOME/bin/java" -Xmx1g -jar "$root/server/target/phasegate.jar" \
  serve --host 127.0.0.1 --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 60); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.5; done

curl -sf -X PUT -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' "$base/api/v1/rollouts/ofrep-bench" \
  -d '{"phases":[{"name":"all","capacity":1000,"features":["beta"],"percentage":25}],"guards":[]}' >/dev/null
curl -sf -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' "$base/api/v1/rollouts/ofrep-bench/enrollments" \
  -d '{"userId":"user-1"}' >/dev/null
sdk="$(curl -sf -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' "$base/api/v1/tokens" \
  -d '{"kind":"sdk","name":"bench"}' | sed 's/.*"secret":"\([^"]*\)".*/\1/')"

cat >"$work/ofrep.lua" <<LUA
-- each request evaluates the flag for one of 100,000 users
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"context":{"targetingKey":"user-' .. (counter % 100000) .. '"}}'
  return wrk.format("POST", "/ofrep/v1/evaluate/flags/beta", {["Authorization"] = "Bearer $sdk", ["Content-Type"] = "application/json"}, body)
end
LUA
check="$(curl -s -X POST -H "Authorization: Bearer $sdk" -H 'Content-Type: application/json' "$base/ofrep/v1/evaluate/flags/beta" -d '{"context":{"targetingKey":"user-1"}}')"
echo "sample answer: $check"

echo "== $(nproc) cores, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), wrk -t$threads -c$connections -d${duration}s, server: embedded store, -Xmx1g"
# Warm both routes up (JIT), then measure each, alternating, in the same run of the same server.
wrk -t"$threads" -c"$connections" -d5s "$base/healthz" >/dev/null
wrk -t"$threads" -c"$connections" -d5s -s "$work/ofrep.lua" "$base" >/dev/null
run() { wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$@"; }
bare="$(run "$base/healthz")"
ofrep="$(run -s "$work/ofrep.lua" "$base")"
rps() { echo "$1" | awk '/Requests\/sec/ {print $2}'; }
p99() { echo "$1" | awk '/ 99%/ {print $2}'; }
errors() { echo "$1" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' '; }
b=$(rps "$bare"); o=$(rps "$ofrep")
echo "bare   GET /healthz                      : $b req/s, p99 $(p99 "$bare") $(errors "$bare")"
echo "ofrep  POST /ofrep/v1/evaluate/flags/beta: $o req/s, p99 $(p99 "$ofrep") $(errors "$ofrep")"
awk -v o="$o" -v b="$b" 'BEGIN { r = o / b * 100; printf "ofrep/bare = %.0f %%  [target >= 60 %%: %s]\n", r, (r >= 60 ? "met" : "MISSED") }'
