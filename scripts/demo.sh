#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and serves the
# demo site (and dist/) from the reference collector, events in SQLite.
#   PORT=8080 DB=microtrack.db ./scripts/demo.sh
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
echo
echo "Demo:      http://127.0.0.1:${PORT}/ (scroll, click, fill the form); events go to ${DB} (table events)."
echo "Dashboard: http://127.0.0.1:${PORT}/dashboard/ (log in with the admin token: ${TOKEN})"
echo "API:       curl -H 'Authorization: Bearer ${TOKEN}' http://127.0.0.1:${PORT}/api/events"
echo "           (the token is kept in ${TOKEN_FILE}). Ctrl-C stops the collector."
exec ./build/native/collector/microtrack-collector --port "$PORT" --db "$DB" \
  --site web-demo/site --dist dist --dashboard web-demo/dashboard --admin-token-file "$TOKEN_FILE"
