#!/usr/bin/env bash
# Runs a command against a throwaway ClickHouse server (Debian's
# clickhouse-server, 18.16), like scripts/with-postgres.sh does PostgreSQL:
#   scripts/with-clickhouse.sh COMMAND [ARGS...]
# A config in a temporary folder (data, logs, free loopback ports), the
# server started in the background and waited for (GET /ping), then
# MICROTRACK_TEST_CLICKHOUSE=http://127.0.0.1:PORT (its HTTP interface,
# user `default`) exported for the command; whatever happens, the server is
# stopped and the folder deleted. The command's exit status is the
# script's; MICROTRACK_CH_TIMEOUT (seconds, default 900) bounds it.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
command -v clickhouse-server >/dev/null \
  || { echo "with-clickhouse: no ClickHouse server (apt-get install clickhouse-server)" >&2; exit 1; }

dir=$(mktemp -d /tmp/mt-ch.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    # It flushes and exits within a few seconds; never wait for ever.
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
http_port=$(free_port)
tcp_port=$(free_port)
mkdir -p "$dir/data/tmp" "$dir/data/user_files" "$dir/log"
cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog></logger>
  <http_port>$http_port</http_port>
  <tcp_port>$tcp_port</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$dir/data/</path>
  <tmp_path>$dir/data/tmp/</tmp_path>
  <user_files_path>$dir/data/user_files/</user_files_path>
  <users_config>/etc/clickhouse-server/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
</yandex>
XML
# ClickHouse runs as root from a config of its own (unlike PostgreSQL).
clickhouse-server --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1 &
pid=$!
url="http://127.0.0.1:$http_port"
for _ in $(seq 300); do
  [ "$(curl -s "$url/ping" 2>/dev/null)" = "Ok." ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ "$(curl -s "$url/ping" 2>/dev/null)" != "Ok." ]; then
  echo "with-clickhouse: the server did not start:" >&2
  tail -20 "$dir/log/error.log" "$dir/log/stdout.log" >&2 2>/dev/null || true
  exit 1
fi

export MICROTRACK_TEST_CLICKHOUSE="$url"
echo "with-clickhouse: ClickHouse $(curl -s "$url/?query=SELECT%20version()") at $url" >&2
status=0
timeout --kill-after=10 "${MICROTRACK_CH_TIMEOUT:-900}" "$@" || status=$?
exit $status
