#!/usr/bin/env bash
# Query benchmark (bench/INGEST.md, "Funnels over millions of events"): seeds
# a fresh store with EVENTS realistic events (bench/seed_events.cpp: a month
# of visits to the demo site, through Store::insert_events in batches of
# 5,000), starts a Release collector on it, and times GET /api/funnel (the
# dashboard's newsletter funnel, 5 steps, split by campaign, over the whole
# month) and GET /api/totals (the month) REPS times each, alternately. Prints
# the median, min-max, the collector's peak memory, the store's size on disk
# and the load average; then deletes the store. A benchmark: not part of the
# test command.
#   STORE=sqlite bench/funnel.sh                      # 1M then 10M events
#   STORE=postgres EVENTS=1000000 REPS=3 bench/funnel.sh
# STORE=postgres runs itself under scripts/with-postgres.sh (a throwaway
# cluster, one database per size); STORE=clickhouse under
# scripts/with-clickhouse.sh. 10M events take ~11 GB on disk in SQLite
# (check `df`); the store is deleted after each size.
# STORE_DB=URL times an existing store instead (nothing seeded or deleted;
# EVENTS is then only its label), e.g. one whose seeding was cut short.
set -euo pipefail
cd "$(dirname "$0")/.."
STORE="${STORE:-sqlite}"
EVENTS="${EVENTS:-1000000 10000000}"
REPS="${REPS:-5}"
# Seeding processes: PostgreSQL is filled over two connections (each
# stores every SEED_PARTS-th batch of the same events).
SEED_PARTS="${SEED_PARTS:-$([ "$STORE" = postgres ] && echo 2 || echo 1)}"
export MICROTRACK_PG_TIMEOUT="${MICROTRACK_PG_TIMEOUT:-7200}" MICROTRACK_CH_TIMEOUT="${MICROTRACK_CH_TIMEOUT:-7200}"
case "$STORE" in
  sqlite) ;;
  postgres) [ -n "${MICROTRACK_TEST_PG:-}" ] || exec scripts/with-postgres.sh "$0" "$@" ;;
  clickhouse) [ -n "${MICROTRACK_TEST_CLICKHOUSE:-}" ] || exec scripts/with-clickhouse.sh "$0" "$@" ;;
  *) echo "funnel: STORE is sqlite, postgres or clickhouse" >&2; exit 2 ;;
esac
source bench/lib/release.sh
build_release_collector
build_seed_tool

tmp=$(mktemp -d /tmp/mt-funnel.XXXXXX)
pid=""; db=""; current_events=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; drop_store 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

# The store for $1 events: sets db (the --db value); drop_store deletes it.
make_store() {
  current_events=$1
  if [ -n "${STORE_DB:-}" ]; then db=$STORE_DB; return; fi
  case "$STORE" in
    sqlite) db="$tmp/funnel-$1.db" ;;
    postgres) psql -X -q "$MICROTRACK_TEST_PG" -c "CREATE DATABASE mt_funnel_$1"
              db="${MICROTRACK_TEST_PG%/*}/mt_funnel_$1" ;;
    clickhouse) db="clickhouse://${MICROTRACK_TEST_CLICKHOUSE#http://}/mt_funnel_$1" ;;  # the collector creates it
  esac
}
drop_store() {
  [ -z "${STORE_DB:-}" ] || return 0
  case "$STORE" in
    sqlite) rm -f "$db" "$db-wal" "$db-shm" ;;
    postgres) psql -X -q "$MICROTRACK_TEST_PG" -c "DROP DATABASE IF EXISTS mt_funnel_$current_events" ;;
    clickhouse) curl -sf "$MICROTRACK_TEST_CLICKHOUSE/" --data-binary "DROP DATABASE IF EXISTS mt_funnel_$current_events" ;;
  esac
}
store_megabytes() {
  case "$STORE" in
    sqlite) du -cm "$db"* | tail -1 | cut -f1 ;;
    postgres) psql -X -qtA "$db" -c "SELECT pg_database_size(current_database()) / 1048576" ;;
    clickhouse) curl -sf "$MICROTRACK_TEST_CLICKHOUSE/" --data-binary \
                  "SELECT intDiv(sum(bytes_on_disk), 1048576) FROM system.parts WHERE active AND database = 'mt_funnel_$current_events'" ;;
  esac
}

steps='step=page%3Apath%3D%2F&step=scroll_depth%3Apercent%3D50&step=video_start&step=form_start%3Aform_id%3Dnewsletter&step=form_submit%3Aform_id%3Dnewsletter&by=campaign'
month='from=2026-11-01&to=2026-12-02'
day='from=2026-11-15&to=2026-11-16'
# name and path of each query timed; the month's funnel last (it needs the most memory).
queries=("funnel_day /api/funnel?$steps&$day" "totals_day /api/totals?$day" "totals_month /api/totals?$month"
         "funnel_month /api/funnel?$steps&$month")
# The funnel keeps the events that match a step in the collector's memory
# (~4 GB per million events seeded here): past FUNNEL_MEM_GB of address space
# it answers 500 instead of the machine running out.
FUNNEL_MEM_GB="${FUNNEL_MEM_GB:-12}"
# Milliseconds of one GET of $2 (or "failed"); the answer goes to $tmp/$1.json.
time_get() {
  local ms
  ms=$(curl -s --max-time 1800 -o "$tmp/$1.json" -w '%{http_code} %{time_total}' "$url$2" || true)
  if [ "${ms%% *}" = 200 ]; then
    awk '{printf "%d\n", $2 * 1000}' <<<"$ms"
  else
    # Kept for the report: what the collector answered, after how long.
    echo "HTTP ${ms%% *} after ${ms#* } s: $(head -c 100 "$tmp/$1.json" 2>/dev/null)" >"$tmp/$1.failure"
    echo failed
  fi
}
# median_range NAME: the median and range of NAME's timings.
median_range() {
  local values
  values=$(cat "$tmp/$1.ms")
  if grep -q failed <<<"$values"; then echo "failed after $(grep -vc failed <<<"$values") runs: $(cat "$tmp/$1.failure")"; return; fi
  sort -n <<<"$values" | awk '{v[NR] = $1} END {printf "%d ms (%d-%d), %d runs", v[int((NR + 1) / 2)], v[1], v[NR], NR}'
}
start_collector_capped() {
  start_collector "$db" "$tmp/collector"
  prlimit --pid "$pid" --as=$((FUNNEL_MEM_GB * 1024 * 1024 * 1024))
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB; store: $STORE; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $EVENTS; do
  make_store "$n"
  seed_start=$(date +%s)
  seeds=()
  [ -n "${STORE_DB:-}" ] ||
  for part in $(seq 0 $((SEED_PARTS - 1))); do build/release/seed_events "$db" "$n" 30 "$part/$SEED_PARTS" & seeds+=($!); done
  for seed in "${seeds[@]}"; do wait "$seed" || { echo "funnel: seeding failed" >&2; exit 1; }; done
  [ "$STORE" != postgres ] || [ -n "${STORE_DB:-}" ] || psql -X -q "$db" -c "VACUUM ANALYZE events"  # as autovacuum would have by then
  seed_s=$(( $(date +%s) - seed_start ))
  size_mb=$(store_megabytes)
  loads=""; peak_mb=0
  for q in "${queries[@]}"; do : >"$tmp/${q%% *}.ms"; done
  for _ in $(seq "$REPS"); do
    for q in "${queries[@]}"; do
      if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
        # A fresh collector (first, or after one that the month's funnel ended).
        start_collector_capped
      fi
      # A query that failed once (out of memory) is not tried again.
      grep -q failed "$tmp/${q%% *}.ms" || time_get "${q%% *}" "${q#* }" >>"$tmp/${q%% *}.ms"
      peak_mb=$(awk -v p="$peak_mb" '/VmHWM/ {m = int($2 / 1024); print (m > p ? m : p)}' "/proc/$pid/status" 2>/dev/null || echo "$peak_mb")
    done
    loads="$loads $(cut -d' ' -f1 /proc/loadavg)"
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; pid=""
  echo "RESULT store=$STORE events=$n seeded_in=${seed_s}s size=${size_mb}MB load:${loads} collector_peak=${peak_mb}MB"
  for q in "${queries[@]}"; do echo "  ${q%% *}: $(median_range "${q%% *}")"; done
  # The answers, to compare engines: visitors per funnel step, and the totals.
  python3 -c 'import json, sys
for name in sys.argv[2:]:
    try: a = json.load(open(sys.argv[1] + "/" + name + ".json")); a["steps" if "steps" in a else "total"]
    except Exception: print("  " + name + ": no answer"); continue
    if "steps" in a: print("  " + name + ": steps", " ".join(str(s["count"]) for s in a["steps"]), "in", len(a["groups"]), "groups")
    else: print("  " + name + ":", a["total"], "events,", a["visitors"], "visitors")' "$tmp" funnel_day totals_day funnel_month totals_month
  drop_store
done
