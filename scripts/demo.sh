#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and serves the
# demo site (and dist/) from the reference collector, events in SQLite.
#   PORT=8080 DB=microtrack.db ./scripts/demo.sh
# The same demo with several collectors: two on a throwaway PostgreSQL
# (deleted on exit) behind nginx on PORT, round robin:
#   STORE=postgres ./scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
PORT="${PORT:-8080}"
DB="${DB:-microtrack.db}"
# The dashboard and the query API want the admin token (docs/COLLECTOR.md,
# "Access"); the demo makes one on first start and keeps it in build/.
TOKEN_FILE="${TOKEN_FILE:-build/demo-admin-token}"
if [ ! -s "$TOKEN_FILE" ]; then
  mkdir -p "$(dirname "$TOKEN_FILE")"
  (umask 077; od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$TOKEN_FILE")
fi
TOKEN="$(cat "$TOKEN_FILE")"
STORE="${STORE:-sqlite}"
case "$STORE" in
  sqlite) WHERE="${DB} (table events)" ;;
  postgres) WHERE="a throwaway PostgreSQL (table events), through nginx to two collectors" ;;
  *) echo "demo: STORE must be sqlite or postgres" >&2; exit 2 ;;
esac
echo
echo "Demo:      http://127.0.0.1:${PORT}/ (scroll, click, fill the form); events go to ${WHERE}."
echo "Dashboard: http://127.0.0.1:${PORT}/dashboard/ (log in with the admin token: ${TOKEN})"
echo "API:       curl -H 'Authorization: Bearer ${TOKEN}' http://127.0.0.1:${PORT}/api/events"
echo "           (the token is kept in ${TOKEN_FILE}). Ctrl-C stops the collector."
if [ "$STORE" = postgres ]; then
  # No time limit: the demo runs until Ctrl-C, which then stops everything.
  PORT="$PORT" TOKEN_FILE="$TOKEN_FILE" MICROTRACK_PG_TIMEOUT=0 exec ./scripts/with-postgres.sh ./scripts/demo-two-collectors.sh
fi
exec ./build/native/collector/microtrack-collector --port "$PORT" --db "$DB" \
  --site web-demo/site --dist dist --dashboard web-demo/dashboard --admin-token-file "$TOKEN_FILE"
