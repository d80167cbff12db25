#!/usr/bin/env bash
# The README's second command: installs what is missing, builds both trees and
# runs every test: the core's Catch2 suite and the collector's (via ctest),
# the same two suites again under AddressSanitizer + UBSan (the asan preset),
# each fuzz target for 15 s (scripts/fuzz.sh), the loader's pure modules in
# node (node --test tests/js/), then the browser tests in headless Chromium
# (node --test), including the transfer-size budget, then the detector specs,
# then the npm package (npm pack) built into a Vite and a webpack app.
# Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake --workflow --preset native
cmake --workflow --preset asan
./scripts/fuzz.sh 15
cmake --workflow --preset wasm
node --test tests/js/
node --test tests/browser/
node --test tests/browser/detectors/*.spec.mjs
node --test tests/bundlers/
