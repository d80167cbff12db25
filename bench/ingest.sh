#!/usr/bin/env bash
# Ingest benchmark: wrk on loopback POSTs batches of 20 unique SDK-shaped
# events to a Release build of microtrack-collector on a fresh store, for
# DURATION seconds, then checks that every event answered 200 was stored.
# Prints events/s, latency percentiles, and the CPU time per event of the
# collector(s) and of the database server.
#   bench/ingest.sh                 # SQLite file (WAL), 10 s, 1 wrk thread, 8 connections
#   DURATION=30 CONNECTIONS=16 THREADS=2 bench/ingest.sh
#   STORE=postgres bench/ingest.sh  # one collector on a throwaway PostgreSQL
#   STORE=postgres2 bench/ingest.sh # two collectors on it; wrk splits its
#                                   # connections between them (THREADS=2: one thread each)
#   STORE=clickhouse bench/ingest.sh
# postgres* run under scripts/with-postgres.sh (fsync=off, synchronous_commit=off:
# see bench/INGEST.md), clickhouse under scripts/with-clickhouse.sh; each run
# gets a database of its own, dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
STORE="${STORE:-sqlite}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-8}"
COLLECTORS=1
[ "$STORE" != postgres2 ] || COLLECTORS=2
THREADS="${THREADS:-$COLLECTORS}"
# The collector's polling threads (connections no longer hold one); kept at
# CONNECTIONS + 4 as before so that runs compare with the earlier ones. Two
# collectors have half each.
SERVER_THREADS="${SERVER_THREADS:-$(( (CONNECTIONS + 4) / COLLECTORS ))}"
case "$STORE" in
  sqlite) ;;
  postgres | postgres2) [ -n "${MICROTRACK_TEST_PG:-}" ] || exec scripts/with-postgres.sh "$0" "$@" ;;
  clickhouse) [ -n "${MICROTRACK_TEST_CLICKHOUSE:-}" ] || exec scripts/with-clickhouse.sh "$0" "$@" ;;
  *) echo "ingest: STORE is sqlite, postgres, postgres2 or clickhouse" >&2; exit 2 ;;
esac

command -v wrk >/dev/null || { echo "ingest: wrk is missing (apt-get install wrk)" >&2; exit 1; }
source bench/lib/release.sh
build_release_collector

tmp=$(mktemp -d)
pids=()
database="mt_ingest_$$"
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  case "$STORE" in
    postgres*) psql -X -q "$MICROTRACK_TEST_PG" -c "DROP DATABASE IF EXISTS $database" 2>/dev/null || true ;;
    clickhouse) curl -s "$MICROTRACK_TEST_CLICKHOUSE/" --data-binary "DROP DATABASE IF EXISTS $database" || true ;;
  esac
  rm -rf "$tmp"
}
trap cleanup EXIT

# The --db value of a fresh store, and the database server's pid (none for SQLite).
case "$STORE" in
  sqlite) db="$tmp/bench.db"; server_port="" ;;
  postgres*) psql -X -q "$MICROTRACK_TEST_PG" -c "CREATE DATABASE $database"
             db="${MICROTRACK_TEST_PG%/*}/$database"
             server_port=$(sed 's|.*:\([0-9]*\)/.*|\1|' <<<"$MICROTRACK_TEST_PG") ;;
  clickhouse) curl -sf "$MICROTRACK_TEST_CLICKHOUSE/" --data-binary "CREATE DATABASE $database"
              db="clickhouse://${MICROTRACK_TEST_CLICKHOUSE#http://}/$database"
              server_port=${MICROTRACK_TEST_CLICKHOUSE##*:} ;;
esac
server_pid=""
[ -z "$server_port" ] || server_pid=$(ss -Hltnp "sport = :$server_port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)

urls=()
for i in $(seq "$COLLECTORS"); do
  start_collector "$db" "$tmp/collector$i" --threads "$SERVER_THREADS"
  pids+=("$pid"); urls+=("$url")
done
# wrk's threads take the collectors' addresses in turn (bench/ingest.lua):
# with two collectors, each gets half of the connections.
export INGEST_TARGETS="${urls[*]#http://}"

# CPU ticks (user + system) of the collectors; of the database server with
# its children (PostgreSQL's backends) and the children it has reaped.
collector_ticks() { local t=0 p; for p in "${pids[@]}"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
server_ticks() {
  [ -n "$server_pid" ] || { echo 0; return; }
  local t c
  t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$server_pid/stat")
  for c in $(cat /proc/"$server_pid"/task/*/children 2>/dev/null); do
    t=$((t + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$c/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "store: $STORE ($COLLECTORS collector(s): ${urls[*]}, --threads $SERVER_THREADS each)"
echo "command: STORE=$STORE bench/ingest.sh = wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency -s bench/ingest.lua ${urls[0]}"
each_ticks() { local p; for p in "${pids[@]}"; do awk '{printf "%d ", $14 + $15}' "/proc/$p/stat"; done; }
cpu_before=$(collector_ticks); server_before=$(server_ticks); each_before=($(each_ticks))
timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/ingest.lua "${urls[0]}" | tee "$tmp/wrk"
cpu_after=$(collector_ticks); server_after=$(server_ticks); each_after=($(each_ticks))
result=$(grep '^RESULT' "$tmp/wrk")
requests=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$result")
failed=$(sed -n 's/.* failed=\([0-9]*\).*/\1/p' <<<"$result")
# Every collector sees the whole store: ask the first.
stored=$(curl -s "${urls[0]}/api/totals" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
echo "stored: $stored events for $requests requests ($failed failed)"
# On a shared machine wall-clock rates depend on the neighbours; the
# processes' own CPU time per event does much less.
ticks=$(getconf CLK_TCK)
awk -v c=$((cpu_after - cpu_before)) -v s=$((server_after - server_before)) -v t="$ticks" -v e="$stored" 'BEGIN {
  printf "collector CPU: %.2f s for %d events = %.1f us/event (%.0f events per CPU-second)\n", c / t, e, c / t * 1e6 / e, e / (c / t)
  if (s > 0) printf "database server CPU: %.2f s = %.1f us/event; together %.1f us/event\n", s / t, s / t * 1e6 / e, (c + s) / t * 1e6 / e }'
if [ "$COLLECTORS" -gt 1 ]; then
  # Each collector's share: both must have worked (the split is wrk's).
  for i in "${!pids[@]}"; do printf "collector %d: %.2f s CPU\n" $((i + 1)) "$(awk -v d=$((each_after[i] - each_before[i])) -v t="$ticks" 'BEGIN {print d / t}')"; done
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# wrk counts a request cut off at the deadline as neither; allow those few.
if [ "$failed" != 0 ] || [ "$stored" -lt $(( (requests - CONNECTIONS) * 20 )) ]; then
  echo "ingest: events lost or requests failed" >&2
  exit 1
fi
