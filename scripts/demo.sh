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
echo
echo "Demo: open http://127.0.0.1:${PORT}/ and scroll; events go to ${DB} (table events)."
echo "      http://127.0.0.1:${PORT}/api/events lists them. Ctrl-C stops the collector."
exec ./build/native/collector/microtrack-collector --port "$PORT" --db "$DB" \
  --site web-demo/site --dist dist --dashboard web-demo/dashboard
