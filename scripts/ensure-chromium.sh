#!/usr/bin/env bash
# The UI tests drive Debian's Chromium (never a downloaded browser). Install it when missing and we are root.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then exit 0; fi
if [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
else
  echo "Chromium is missing: sudo apt-get install -y chromium" >&2
  exit 1
fi
