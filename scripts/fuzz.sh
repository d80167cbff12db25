#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan + UBSan) and
# runs each one for SECONDS (default 15) from its committed seeds in
# fuzz/corpus/<target>/. New inputs that reach new code are kept in
# build/fuzz/corpus/<target>/ (reused by the next run, never committed);
# a crash, a hang (over 5 s for one input) or a failed oracle stops the run
# and leaves the input in build/fuzz/artifacts/. Exits non-zero then.
#   scripts/fuzz.sh        the test command's short run (6 targets x 15 s)
#   scripts/fuzz.sh 600    a developer's longer run
#   reproduce:  build/fuzz/fuzz/<target> build/fuzz/artifacts/<target>-crash-…
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
targets="json_scan validate_event funnel_step json_view read_config scrub_url"

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j2

mkdir -p build/fuzz/artifacts
for target in $targets; do
  work=build/fuzz/corpus/$target
  mkdir -p "$work"
  dict=()
  case $target in json_scan|validate_event|json_view|read_config) dict=(-dict=fuzz/json.dict) ;; esac
  echo "fuzz: $target for ${seconds}s"
  # -rss_limit_mb: ASan's shadow memory counts; 2 GB leaves room for it and
  # still stops a runaway allocation.
  log=build/fuzz/$target.log
  status=0
  "build/fuzz/fuzz/$target" "$work" "fuzz/corpus/$target" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=8192 \
    -artifact_prefix="build/fuzz/artifacts/$target-" -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs)' "$log" | tr '\n' ' ' || true
  echo
  if [ "$status" != 0 ]; then
    tail -n 60 "$log" >&2
    echo "fuzz: $target failed (exit $status); the input is in build/fuzz/artifacts/, the log in $log" >&2
    exit 1
  fi
done
echo "fuzz: all targets ran ${seconds}s without a finding"
