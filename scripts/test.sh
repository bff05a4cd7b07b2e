#!/usr/bin/env bash
# npm test: types, UI build, unit + integration tests (vitest), UI tests (Playwright in Debian's Chromium).
# A failed type check or build counts as one failure each. Ends with one plain line "N passed, N failed, N skipped" summing every suite; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir=/usr PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
bash scripts/ensure-chromium.sh || exit 1
mkdir -p .ci-out
rm -f .ci-out/vitest.json .ci-out/playwright.json
# The fuzz suites take 1,000 inputs per endpoint in `npm run test:fuzz` (~105 s); here 250, to keep CI under 20 min.
export FUZZ_RUNS="${FUZZ_RUNS:-250}"
rc=0; typefail=0; t0=$SECONDS
node_modules/.bin/tsc --noEmit -p . || { rc=1; typefail=$((typefail + 1)); }
node_modules/.bin/tsc --noEmit -p renderer/tsconfig.json || { rc=1; typefail=$((typefail + 1)); }
node_modules/.bin/tsc --noEmit -p test/unit/renderer/tsconfig.json || { rc=1; typefail=$((typefail + 1)); }
node_modules/.bin/tsc --noEmit -p test/e2e/tsconfig.json || { rc=1; typefail=$((typefail + 1)); }
node_modules/.bin/vite build --logLevel warn || { rc=1; typefail=$((typefail + 1)); }
node_modules/.bin/tsc -p tsconfig.main.json || { rc=1; typefail=$((typefail + 1)); }
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile=.ci-out/vitest.json || rc=1
PLAYWRIGHT_JSON_OUTPUT_NAME=.ci-out/playwright.json node_modules/.bin/playwright test --reporter=list,json || rc=1
echo "tests took $((SECONDS - t0)) s"
TYPEFAIL=$typefail node -e '
const fs = require("fs"); let p = 0, f = Number(process.env.TYPEFAIL), s = 0;
try { const v = JSON.parse(fs.readFileSync(".ci-out/vitest.json", "utf8")); p += v.numPassedTests; f += v.numFailedTests; s += v.numPendingTests + (v.numTodoTests || 0); if (v.numFailedTestSuites && !v.numFailedTests) f += v.numFailedTestSuites; /* a suite that failed to load has no failed test */ } catch { f++; console.error("no vitest report"); }
try { const w = JSON.parse(fs.readFileSync(".ci-out/playwright.json", "utf8")).stats; p += w.expected + w.flaky; f += w.unexpected; s += w.skipped; } catch { f++; console.error("no playwright report"); }
console.log(`${p} passed, ${f} failed, ${s} skipped`);'
exit $rc
