#!/usr/bin/env bash
# Load benchmark that models browsers (bench/LOAD.md): for every server given,
# three bounded scenarios on loopback, each against a freshly started server
# (free port, fresh SQLite file in a temp folder, stopped at the end):
#   1 idle+slow  10,000 idle keep-alive + 1,000 slow-header connections open,
#                then 200 fresh batches (new connection each): their latency
#   2 arrivals   5,000 clients over 10 s, one batch each, connection held 5 s;
#                then every event checked in SQLite
#   3 throughput wrk with bench/ingest.lua (as bench/ingest.sh) + CPU per event
#
#   bench/load/run.sh                          # this tree's collector + the 3 candidates
#   bench/load/run.sh old=/path/microtrack-collector new=/other/microtrack-collector
#   bench/load/run.sh candidates               # the candidate servers only
#   bench/load/run.sh "new60=/path/microtrack-collector --timeout-s 60"   # extra server flags after the path
#   SCENARIOS="2 3" RUNS=1 QUICK=1 bench/load/run.sh  # a subset, once, 1/10 of the sizes
# A server is any program that takes --port 0 --db PATH --quiet and prints
# "listening on http://HOST:PORT": microtrack-collector, or the candidates
# (SQLite table `events`, or `bodies` for a candidate). One JSON line per
# scenario goes to $OUT (default build/load/results-<UTC time>.jsonl); a
# summary table is printed at the end (bench/load/report.mjs).
set -euo pipefail
cd "$(dirname "$0")/../.."
SCENARIOS="${SCENARIOS:-1 2 3}"
DURATION="${DURATION:-10}"           # wrk seconds (scenario 3)
RUNS="${RUNS:-3}"                    # rounds; each round runs every server once, so neighbours' load hits all alike
OUT="${OUT:-build/load/results-$(date -u +%Y%m%dT%H%M%S).jsonl}"
if [ -n "${QUICK:-}" ]; then
  IDLE_ARGS="--idle=1000 --slow=100 --probes=50"; ARRIVAL_ARGS="--clients=500 --overMs=5000"
else
  IDLE_ARGS=""; ARRIVAL_ARGS=""
fi

for tool in node wrk sqlite3 cmake; do
  command -v "$tool" >/dev/null || { echo "load: $tool is missing" >&2; exit 1; }
done
# 10,000 + 1,000 sockets on each side: client and server are separate
# processes, each gets this limit.
ulimit -Sn "$(ulimit -Hn)"
[ "$(ulimit -Sn)" = unlimited ] || [ "$(ulimit -Sn)" -ge 12000 ] || { echo "load: ulimit -n $(ulimit -Sn) is below 12000" >&2; exit 1; }

build_collector() {
  [ -f build/release/build.ninja ] ||
    cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DMICROTRACK_TESTS=OFF >/dev/null
  cmake --build build/release --target microtrack-collector >/dev/null
  echo "this=$PWD/build/release/collector/microtrack-collector"
}
build_candidates() {
  [ -f build/candidates/build.ninja ] ||
    cmake -S bench/load/candidates -B build/candidates -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/candidates >/dev/null
  for c in mhd beast evhttp; do echo "$c=$PWD/build/candidates/candidate-$c"; done
}

servers=()
[ $# -gt 0 ] || set -- this candidates
for arg in "$@"; do
  case "$arg" in
    this) mapfile -t -O "${#servers[@]}" servers < <(build_collector) ;;
    candidates) mapfile -t -O "${#servers[@]}" servers < <(build_candidates) ;;
    *) label=${arg%%=*}
       # No label when the part before "=" is a path or holds flags ("/x/collector --timeout-s=60").
       if [ "$label" = "$arg" ] || [[ "$label" == */* || "$label" == *" "* ]]; then label=""; fi
       read -r path flags <<<"${arg#"${label:+$label=}"}"
       servers+=("${label:-$path}=$(realpath "$path")${flags:+ $flags}") ;;
  esac
done
for s in "${servers[@]}"; do
  read -r path _ <<<"${s#*=}"
  [ -x "$path" ] || { echo "load: $path is not an executable (or its build failed)" >&2; exit 1; }
done
[ "${#servers[@]}" -gt 0 ] || { echo "load: no server to run" >&2; exit 1; }

mkdir -p "$(dirname "$OUT")"
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# Starts server $1 (a path, then any extra flags) in a fresh folder; sets
# pid, port and dir.
start_server() {
  local path flags
  read -r path flags <<<"$1"
  dir=$(mktemp -d "$tmp/run.XXXX")
  # shellcheck disable=SC2086  # the extra flags are words
  (cd "$dir" && exec "$path" --port 0 --db "$dir/events.db" --quiet $flags >"$dir/out" 2>"$dir/err") &
  pid=$!
  for _ in $(seq 200); do grep -q listening "$dir/out" 2>/dev/null && break; sleep 0.05; done
  port=$(sed -n 's/.*listening on http:[^ ]*:\([0-9]*\).*/\1/p' "$dir/out")
  [ -n "$port" ] || { echo "load: $1 did not start" >&2; cat "$dir/err" >&2; exit 1; }
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
status_field() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$pid/status"; }

# Stops the server (SIGTERM, SIGKILL after 15 s); sets stop_s.
stop_server() {
  local t0=$SECONDS
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
  stop_s=$((SECONDS - t0))
}

# {"rows":…,"events":…,"distinct_message_ids":…} of the stopped server's file.
stored_events() {
  local db="$dir/events.db"
  if sqlite3 "$db" "SELECT 1 FROM sqlite_master WHERE name = 'events'" | grep -q 1; then
    sqlite3 "$db" "SELECT json_object('rows', count(*), 'events', count(*), 'distinct_message_ids', count(DISTINCT message_id)) FROM events"
  else  # a candidate: one row per request body
    sqlite3 "$db" "SELECT json_object('rows', (SELECT count(*) FROM bodies), 'events', count(*),
      'distinct_message_ids', count(DISTINCT json_extract(value, '\$.messageId'))) FROM bodies, json_each(body, '\$.batch')"
  fi
}

# Runs one scenario's client against a fresh server and appends a JSON line.
run_scenario() {
  local label=$1 binary=$2 scenario=$3 run=$4 client cpu0 cpu1 load0
  start_server "$binary"
  load0=$(cut -d' ' -f1 /proc/loadavg)
  cpu0=$(cpu_ticks)
  case "$scenario" in
    1) client=$(timeout 150 node bench/load/idle_slow.mjs "$port" $IDLE_ARGS) || true ;;
    2) client=$(timeout 120 node bench/load/arrivals.mjs "$port" $ARRIVAL_ARGS) || true ;;
    # The command of bench/ingest.sh; its RESULT line (k=v pairs) as JSON.
    3) client=$(timeout $((DURATION + 30)) wrk -t1 -c8 -d"${DURATION}s" --latency -s bench/ingest.lua \
         "http://127.0.0.1:$port" | sed -n 's/^RESULT /{"/; T; s/=/":/g; s/ /,"/g; s/$/}/p') || true ;;
  esac
  cpu1=$(cpu_ticks)
  local threads rss_kb
  threads=$(status_field Threads); rss_kb=$(status_field VmHWM)
  stop_server
  printf '{"label":"%s","binary":"%s","scenario":%s,"run":%s,"date":"%s","load_before":%s,"server":{"cpu_s":%s,"threads_at_end":%s,"peak_rss_kb":%s,"stop_s":%s},"stored":%s,"client":%s}\n' \
    "$label" "$binary" "$scenario" "$run" "$(date -u +%FT%TZ)" "$load0" \
    "$(awk -v c=$((cpu1 - cpu0)) -v t="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", c / t}')" \
    "$threads" "$rss_kb" "$stop_s" "$(stored_events)" "${client:-null}" >>"$OUT"
  echo "  $label: scenario $scenario done ($(date -u +%T))"
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); load: $(cut -d' ' -f1-3 /proc/loadavg)"
for s in "${servers[@]}"; do echo "${s%%=*}: ${s#*=}"; done
for run in $(seq "$RUNS"); do
  echo "round $run of $RUNS"
  for s in "${servers[@]}"; do
    for scenario in $SCENARIOS; do run_scenario "${s%%=*}" "${s#*=}" "$scenario" "$run"; done
  done
done
echo "results: $OUT"
node bench/load/report.mjs "$OUT"
