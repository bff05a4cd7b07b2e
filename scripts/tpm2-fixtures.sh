#!/usr/bin/env bash
# Capture TPM 2.0 command/response bytes of tpm2-tools talking to swtpm (swtpm's --log level 20 dumps every
# command it reads and every response it writes) into test/fixtures/tpm2/tpm2-tools.txt, one "> hex" / "< hex" pair a
# line each. The codec test (test/unit/emulators/protocols/tpm2.test.ts) round-trips them. Run by hand; commit the text.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-swtpm.sh
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(( 20000 + RANDOM % 20000 )); ctrl=$(( port + 1 ))
swtpm socket --tpm2 --server type=tcp,port=$port,bindaddr=127.0.0.1 --ctrl type=tcp,port=$ctrl,bindaddr=127.0.0.1 \
  --tpmstate dir="$work" --flags not-need-init --log file="$work/log",level=20 &
pid=$!
export TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$port"
for _ in $(seq 50); do tpm2_startup -c 2>/dev/null && break; sleep 0.1; done
cd "$work"
flush() { tpm2_flushcontext -t >/dev/null; }
tpm2_getrandom 16 >/dev/null
tpm2_createprimary -C o -G aes128cfb -c srk.ctx >/dev/null; flush
tpm2_create -C srk.ctx -G rsa2048 -u k.pub -r k.priv >/dev/null; flush
printf 'sealed-secret-for-the-fixture' > secret
tpm2_create -C srk.ctx -i secret -u s.pub -r s.priv >/dev/null; flush
tpm2_create -C srk.ctx -G hmac -u h.pub -r h.priv >/dev/null; flush
tpm2_load -C srk.ctx -u k.pub -r k.priv -c k.ctx >/dev/null; flush
printf 'message' > msg
tpm2_sign -c k.ctx -g sha256 -s rsassa -o sig msg; flush
tpm2_readpublic -c k.ctx >/dev/null; flush
tpm2_rsaencrypt -c k.ctx -s oaep -o ct secret 2>/dev/null || tpm2_rsaencrypt -c k.ctx -o ct secret; flush
tpm2_rsadecrypt -c k.ctx -s oaep -o pt ct; flush
tpm2_load -C srk.ctx -u s.pub -r s.priv -c s.ctx >/dev/null; flush
tpm2_unseal -c s.ctx >/dev/null; flush
tpm2_load -C srk.ctx -u h.pub -r h.priv -c h.ctx >/dev/null; flush
tpm2_hmac -c h.ctx -g sha256 msg >/dev/null; flush
tpm2_clear -c l; flush
tpm2_load -C srk.ctx -u k.pub -r k.priv -c k2.ctx >/dev/null 2>&1 || true
cd - >/dev/null
# The log: " SWTPM_IO_Read: length N" (a command) or " SWTPM_IO_Write: length N" (a response), then hex lines.
awk '
  /SWTPM_IO_Read:/  { flushline(); dir = ">"; next }
  /SWTPM_IO_Write:/ { flushline(); dir = "<"; next }
  /^ ([0-9A-F][0-9A-F] ?)+$/ { if (dir != "") { gsub(/ /, ""); buf = buf $0 }; next }
  { flushline() }
  function flushline() { if (dir != "" && buf != "") print dir " " tolower(buf); dir = ""; buf = "" }
  END { flushline() }
' "$work/log" > test/fixtures/tpm2/tpm2-tools.txt
{ echo "# tpm2-tools $(tpm2_startup --version 2>/dev/null | head -1 | tr -d '\n') against $(swtpm --version | head -1)"; cat test/fixtures/tpm2/tpm2-tools.txt; } > "$work/out" && mv "$work/out" test/fixtures/tpm2/tpm2-tools.txt
echo "wrote test/fixtures/tpm2/tpm2-tools.txt ($(grep -c '^>' test/fixtures/tpm2/tpm2-tools.txt) commands)"
