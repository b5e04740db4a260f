#!/bin/sh
# `npm start` runs this first. It builds dist/ when dist/ is missing or older than anything it is
# built from, and otherwise does nothing (a few milliseconds): a fresh clone needs only
# `npm ci && npm start`, an edited tree never runs stale code, and a restart pays for no build.
set -eu
cd "$(dirname "$0")/.."
stamp=dist/.build-stamp
if [ -f "$stamp" ] && [ -z "$(find src scripts/build.js package.json package-lock.json -newer "$stamp" -print 2>/dev/null | head -n 1)" ]; then
  exit 0
fi
echo "Building Latchkey: dist/ is missing or older than its sources…" >&2
node scripts/build.js
