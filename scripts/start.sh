#!/usr/bin/env bash
# npm start: build the UI and the Electron shell, then start the host. Opens Electron where its binary exists,
# otherwise prints the loopback URL of the same UI.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir=/usr
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
# Build only when something the UI or the shell is built from changed since the last build (a warm start skips it):
# the renderer, the contract and step catalog it loads, the Electron shell, the build configs and the lockfile.
stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ -n "$(find renderer main app/contract.ts emulators/protocols vite.config.ts tsconfig.json tsconfig.main.json package-lock.json -newer "$stamp" -print -quit)" ]; then
  node_modules/.bin/vite build --logLevel warn
  node_modules/.bin/tsc -p tsconfig.main.json
  touch "$stamp"
fi
# node with tsx's loader, not the tsx CLI: the CLI starts a second node process for the same program (~0.4 s here).
exec node --import tsx app/cli/bin.ts ui --electron "$@"
