#!/usr/bin/env bash
# The README's second command: installs what is missing, builds both trees and
# runs every test: the core's Catch2 suite and the collector's (via ctest),
# the collector's again on PostgreSQL (a throwaway cluster), its store tests
# on ClickHouse (a throwaway server), the same two
# suites again under AddressSanitizer + UBSan (the asan preset), each fuzz
# target for 15 s (scripts/fuzz.sh), the loader's pure modules in node
# (node --test tests/js/), then the browser tests in headless Chromium (node
# --test), including the transfer-size budget, then two collectors on
# PostgreSQL behind nginx with one killed mid-stream, then the detector specs,
# then the npm package (npm pack) built into a Vite and a webpack app.
# Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake --workflow --preset native
# The collector's tests again on PostgreSQL (a throwaway cluster): every
# store gives the same answers.
./scripts/with-postgres.sh ctest --test-dir build/native -j2 -R '^collector:' --output-on-failure --no-tests=error
# The store and query tests again on ClickHouse (a throwaway server): those
# tagged [stores] give the same answers there, plus the ClickHouse client's
# own [clickhouse] cases (flows, live stream and the HTTP layer do not
# depend on the store, and ClickHouse keeps no delivery log).
./scripts/with-clickhouse.sh build/native/tests/collector/collector_tests '[stores],[clickhouse]'
cmake --workflow --preset asan
./scripts/fuzz.sh 15
cmake --workflow --preset wasm
node --test tests/js/
node --test tests/browser/
# Two collectors on one PostgreSQL behind nginx, one killed mid-stream (it
# is skipped in the line above, which has no database).
./scripts/with-postgres.sh node --test tests/browser/multi-instance.test.mjs
node --test tests/browser/detectors/*.spec.mjs
node --test tests/bundlers/
