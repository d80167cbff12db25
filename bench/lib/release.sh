# Shared by bench/ingest.sh and bench/funnel.sh (sourced, from the repo root):
# the Release collector, the seeding tool, and starting a collector.

# build/release/collector/microtrack-collector (the release preset: -O3, no tests).
build_release_collector() {
  [ -f build/release/build.ninja ] || cmake --preset release >/dev/null
  cmake --build --preset release -j2 --target microtrack-collector >/dev/null
}

# build/release/seed_events (bench/seed_events.cpp against the collector's
# library), rebuilt when either is newer.
build_seed_tool() {
  local tool=build/release/seed_events lib=build/release/collector/libmicrotrack_collector_lib.a
  if [ ! -x "$tool" ] || [ "$lib" -nt "$tool" ] || [ bench/seed_events.cpp -nt "$tool" ]; then
    # shellcheck disable=SC2046  # pkg-config prints several flags
    g++ -O2 -std=c++17 -Wall -Wextra -Icollector bench/seed_events.cpp "$lib" \
      -lsqlite3 $(pkg-config --libs cpp-httplib libpq libmicrohttpd) -lcrypto -lz -pthread -o "$tool.new"
    mv "$tool.new" "$tool"  # a seed running meanwhile keeps its binary
  fi
}

# start_collector DB PREFIX [FLAGS...]: a Release collector on a free
# loopback port with store DB, output in PREFIX.out/.err; sets pid and url.
# --rate-limit 0: the load comes from one address, and the benchmarks
# measure the store, not the limit.
start_collector() {
  local db=$1 prefix=$2
  shift 2
  build/release/collector/microtrack-collector --port 0 --db "$db" --site "" --dist "" --dashboard "" \
    --rate-limit 0 --quiet "$@" >"$prefix.out" 2>"$prefix.err" &
  pid=$!
  for _ in $(seq 300); do grep -q listening "$prefix.out" 2>/dev/null && break; sleep 0.05; done
  url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$prefix.out")
  [ -n "$url" ] || { echo "bench: the collector did not start" >&2; cat "$prefix.err" >&2; return 1; }
}
