#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster:
#   scripts/with-postgres.sh ctest --test-dir build/native -R collector
# initdb in a temporary folder, a server on a free loopback port (and a
# socket in that folder), MICROTRACK_TEST_PG=postgresql://... exported for
# the command; then, whatever happens, the server is stopped and the folder
# deleted. PostgreSQL refuses to run as root, so as root the cluster runs as
# the `postgres` user. The command's exit status is the script's.
# MICROTRACK_PG_TIMEOUT (seconds, default 900; 0 = none) bounds the command.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$PG_BIN/initdb" ] || { echo "with-postgres: no PostgreSQL server (apt-get install postgresql)" >&2; exit 1; }

dir=$(mktemp -d /tmp/mt-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi
cleanup() {
  "${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free port: ask the kernel for one, then give it to the server.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_owner[@]}" "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# fsync off: the cluster is thrown away, so durability only costs time here.
"${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

export MICROTRACK_TEST_PG="postgresql://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') at $MICROTRACK_TEST_PG" >&2
status=0
if [ "${MICROTRACK_PG_TIMEOUT:-900}" = 0 ]; then
  # No limit (the demo): the command stays in this process group, so a
  # Ctrl-C reaches it (timeout would run it in a group of its own).
  "$@" || status=$?
else
  timeout --kill-after=10 "${MICROTRACK_PG_TIMEOUT:-900}" "$@" || status=$?
fi
exit $status
