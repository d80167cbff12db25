#!/usr/bin/env bash
# Installs what the build, the demo and the tests need, and only what is missing.
# Idempotent: on a machine that has everything it returns in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

# clang + libclang-rt-14-dev: libFuzzer and clang's sanitizer runtimes (scripts/fuzz.sh);
# g++ brings its own ASan/UBSan runtimes (the asan preset).
PKGS="emscripten nlohmann-json3-dev catch2 libcpp-httplib-dev libmicrohttpd-dev zlib1g-dev libsqlite3-dev libpq-dev postgresql clickhouse-server clickhouse-client libssl-dev iproute2 nginx-light chromium cmake ninja-build pkg-config g++ wrk clang libclang-rt-14-dev"
missing=$(for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
done)
if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:" $missing
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# playwright-core needs node >= 18
node -e 'process.exit(parseInt(process.versions.node) < 18 ? 1 : 0)' \
  || { echo "setup: node >= 18 is required (found $(node --version))" >&2; exit 1; }

# --omit=optional leaves out google-closure-compiler's native build (219 MB;
# closure runs on java). esbuild's native binary is optional too: its own
# postinstall (allowed in package.json's allowScripts) then fetches the
# package of this platform from the registry.
if [ ! -x node_modules/.bin/google-closure-compiler ] || [ ! -x node_modules/.bin/terser ] \
   || [ ! -x node_modules/.bin/esbuild ] || [ ! -d node_modules/playwright-core ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --omit=optional --include=dev >/dev/null
fi
# The bundlers the npm package is tested with (tests/bundlers), in their own
# lock file: Vite's rolldown needs its optional native binary.
if [ ! -d tests/bundlers/node_modules/vite ] || [ ! -d tests/bundlers/node_modules/webpack ] \
   || [ tests/bundlers/package-lock.json -nt tests/bundlers/node_modules/.package-lock.json ]; then
  echo "setup: npm ci (tests/bundlers)"
  (cd tests/bundlers && npm ci --no-audit --no-fund >/dev/null)
fi
