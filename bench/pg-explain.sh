#!/usr/bin/env bash
# EXPLAIN for every query the PostgreSQL store runs, on a seeded throwaway
# cluster (docs/COLLECTOR.md "Stores" quotes the output):
#   bench/pg-explain.sh            (after a native build)
# The collector creates the schema (it migrates on start), then psql seeds
# and explains (bench/pg-explain.sql).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${MICROTRACK_TEST_PG:-}" ]; then exec scripts/with-postgres.sh "$0" "$@"; fi
bin=build/native/collector/microtrack-collector
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" --port 0 --db "$MICROTRACK_TEST_PG" --quiet >"$out" 2>/dev/null &
pid=$!
for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.1; done
kill "$pid"; wait "$pid" || true
grep -q listening "$out" || { echo "pg-explain: the collector did not start" >&2; exit 1; }
psql -X -q "$MICROTRACK_TEST_PG" -f bench/pg-explain.sql
