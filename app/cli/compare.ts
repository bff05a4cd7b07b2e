import { readFileSync, writeFileSync } from 'node:fs';
import { RunBundleSchema, type RunBundle } from '../contract.js';
import { compareRuns, formatComparison } from '../compare/compare.js';
import { toHar } from '../api/har.js';

/** A bundle file: one run, or the first of the runs `run --bundle` wrote for several scenarios. */
export function readBundle(file: string): RunBundle {
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const one = Array.isArray(raw) ? raw[0] : raw;
  const parsed = RunBundleSchema.safeParse(one);
  if (!parsed.success) throw new Error(`${file} is not an Enrollscope run bundle: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** `compare A B`: exit 0 when the runs match step for step, 1 when they differ (as diff(1)). */
export function compareCommand(a: string, b: string, opts: { json?: boolean }): void {
  try {
    const ba = readBundle(a);
    const bb = readBundle(b);
    const result = compareRuns(ba, bb);
    process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${formatComparison(result, ba, bb)}\n`);
    const { changed, onlyA, onlyB } = result.summary;
    process.exitCode = changed + onlyA + onlyB === 0 ? 0 : 1;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}

/** `export BUNDLE --har FILE`: the HTTP steps of a saved run as HAR 1.2, for any HAR viewer. */
export function exportCommand(bundle: string, opts: { har?: string }): void {
  try {
    const har = toHar(readBundle(bundle).steps);
    const text = JSON.stringify(har, null, 1);
    if (opts.har) writeFileSync(opts.har, text);
    else process.stdout.write(`${text}\n`);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
