#!/usr/bin/env bash
# Installs what the build, the demo and the tests need, and only what is missing.
# Idempotent: on a machine that has everything it returns in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS="emscripten nlohmann-json3-dev catch2 libcpp-httplib-dev libsqlite3-dev libpq-dev postgresql chromium cmake ninja-build pkg-config g++ wrk"
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

if [ ! -x node_modules/.bin/google-closure-compiler ] || [ ! -x node_modules/.bin/terser ] \
   || [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --omit=optional --include=dev >/dev/null
fi
