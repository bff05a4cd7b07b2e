import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runScenarios } from '../../app/host/headless.js';
import { compareRuns } from '../../app/compare/compare.js';
import type { RunBundle } from '../../app/contract.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';

const run = promisify(execFile);
let eua: RunBundle;
let eua2: RunBundle;
let noEua: RunBundle;

beforeAll(async () => {
  const r = await runScenarios(['autopilot-eua', 'autopilot-no-eua'], { seed: 'compare' });
  eua = r.runs[0]!.bundle;
  noEua = r.runs[1]!.bundle;
  eua2 = (await runScenarios(['autopilot-eua'], { seed: 'compare-2' })).runs[0]!.bundle;
});

describe('comparing two runs', () => {
  it('two runs of the same scenario align step for step with nothing but volatile values differing', () => {
    const c = compareRuns(eua, eua2);
    expect(c.summary).toMatchObject({ onlyA: 0, onlyB: 0 });
    expect(c.rows.every((r) => r.kind === 'same' || r.differences.every((d) => !d.startsWith('status')))).toBe(true);
  });

  it('with and without EUA: B has the refused orbit enroll and the SSO prompt, A does not', () => {
    const c = compareRuns(eua, noEua);
    expect(c.a.prompts).toBe(1);
    expect(c.b.prompts).toBe(2);
    const onlyB = c.rows.filter((r) => r.kind === 'only-b').map((r) => noEua.steps[r.b!]!);
    expect(onlyB.some((s) => s.request?.url.includes(MDM_PATHS.orbitEnroll) && s.response?.status === 401)).toBe(true);
    expect(onlyB.some((s) => s.prompt?.count === 2)).toBe(true);
  });

  it('the CLI prints the comparison and exits 1 when the runs differ', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compare-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify(eua));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(noEua));
    const err = await run(join(process.cwd(), 'node_modules/.bin/tsx'), ['app/cli/bin.ts', 'compare', join(dir, 'a.json'), join(dir, 'b.json')]).then(() => null, (e: { code: number; stdout: string }) => e);
    expect(err?.code).toBe(1);
    expect(err?.stdout).toMatch(/A: autopilot-eua .* 1 prompt\(s\), passed/);
    expect(err?.stdout).toMatch(/B: autopilot-no-eua .* 2 prompt\(s\), passed/);
  });
});
