#!/usr/bin/env bash
# Builds the native tree (core, collector, tests) and the wasm tree (dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset native >/dev/null
cmake --build --preset native
cmake --preset wasm >/dev/null
cmake --build --preset wasm
