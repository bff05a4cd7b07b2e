#!/usr/bin/env bash
# npm start: build the UI and the Electron shell, then start the host. Opens Electron where its binary exists,
# otherwise prints the loopback URL of the same UI.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir=/usr
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
node_modules/.bin/vite build --logLevel warn
node_modules/.bin/tsc -p tsconfig.main.json
exec node_modules/.bin/tsx app/cli/bin.ts ui --electron "$@"
