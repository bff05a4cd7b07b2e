#!/usr/bin/env bash
# The TPM tests start swtpm (libtpms); the fixture script drives it with tpm2-tools. Install them when missing and we are root.
set -euo pipefail
if command -v swtpm >/dev/null 2>&1 && command -v tpm2_startup >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq swtpm swtpm-tools tpm2-tools >/dev/null
else
  echo "swtpm is missing: sudo apt-get install -y swtpm swtpm-tools tpm2-tools" >&2
  exit 1
fi
