import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runScenarios } from '../../app/host/headless.js';
import { CompareResultSchema } from '../../app/contract.js';

const exec = promisify(execFile);
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const CLI = join(process.cwd(), 'app', 'cli', 'bin.ts');
const dir = mkdtempSync(join(tmpdir(), 'cli-compare-'));
const file = (name: string) => join(dir, name);

/** `enrollscope compare A B`: its stdout and its exit code (1 and 2 are answers, not failures). */
async function compare(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(TSX, [CLI, 'compare', ...args]).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

beforeAll(async () => {
  const r = await runScenarios(['autopilot-eua', 'autopilot-no-eua'], { seed: 'cli-compare' });
  writeFileSync(file('eua.json'), JSON.stringify(r.runs[0]!.bundle));
  // `run --bundle` writes an array when it ran several scenarios: compare reads the first.
  writeFileSync(file('no-eua.json'), JSON.stringify([r.runs[1]!.bundle]));
  const again = await runScenarios(['autopilot-eua'], { seed: 'cli-compare-2' });
  writeFileSync(file('eua-2.json'), JSON.stringify(again.runs[0]!.bundle));
}, 60_000);

describe('enrollscope compare', () => {
  it('prints both runs, the first divergence and a status per pair; the orbit enrolls are one pair; exit 1', async () => {
    const { code, stdout } = await compare(file('eua.json'), file('no-eua.json'));
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^A: autopilot-eua {2}Fleet current {2}seed cli-compare {2}\d+ steps, 1 prompt\(s\), passed$/);
    expect(lines[1]).toMatch(/^B: autopilot-no-eua {2}Fleet current {2}seed cli-compare {2}\d+ steps, 2 prompt\(s\), passed$/);
    expect(lines[2]).toMatch(/^\d+ same, \d+ changed, \d+ only in A, \d+ only in B$/);
    // Both runs show Fleet's ESP (windows-esp, current): the no-EUA enrollment is linked by serial (#52614) too.
    expect(lines.filter((l) => / device\.esp /.test(l)).every((l) => /^[=~] A\d+ B\d+ /.test(l))).toBe(true);
    // The first divergence: Fleet's MSI install command already carries (or not) the EUA token.
    expect(lines[3]).toMatch(/^first divergence: A\d+ B\d+ omadm\.message: response body: − .*EUA_TOKEN="<jwt>"/);
    const enrolls = lines.filter((l) => / orbit\.enroll /.test(l));
    expect(enrolls).toHaveLength(2);
    expect(enrolls[0]).toMatch(/^~ A(\d+) B\1 +changed orbit\.enroll +orbit → mdm {2}orbit enroll with eua_token$/);
    expect(enrolls[1]).toMatch(/^\+ - B\d+ +only-b {2}orbit\.enroll +orbit → mdm {2}orbit enroll \(retry 1\)$/);
    const pairAt = lines.indexOf(enrolls[0]!);
    expect(lines.slice(pairAt + 1, pairAt + 3)).toEqual(['      request body: − "eua_token": "<jwt>"', '      status 200 → 401']);
  });

  it('--json prints the whole comparison in the contract\'s shape', async () => {
    const { code, stdout } = await compare(file('eua.json'), file('no-eua.json'), '--json');
    expect(code).toBe(1);
    const r = CompareResultSchema.parse(JSON.parse(stdout));
    expect(r.a).toMatchObject({ scenario: 'autopilot-eua', seed: 'cli-compare', prompts: 1, passed: true });
    const pair = r.rows.find((x) => x.catalogId === 'orbit.enroll')!;
    expect(pair.kind).toBe('changed');
    expect(pair.pair!.request!.body.lines.filter((l) => l.op === 'removed').map((l) => l.a)).toEqual([expect.stringMatching(/^ {2}"eua_token": "eyJ/)]);
    expect(r.firstDivergence).toMatchObject({ kind: 'changed', catalogId: 'omadm.message' });
  });

  it('two runs of one scenario with other seeds match: exit 0, no divergence', async () => {
    const { code, stdout } = await compare(file('eua.json'), file('eua-2.json'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+ same, 0 changed, 0 only in A, 0 only in B$/m);
    expect(stdout).toContain('no divergence: the runs match step for step');
  });

  it('a usage error (a missing bundle, a file that is not a bundle) exits 2', async () => {
    expect((await compare(file('eua.json'))).code).toBe(2);
    writeFileSync(file('not-a-bundle.json'), '{"format":"x"}');
    const bad = await compare(file('eua.json'), file('not-a-bundle.json'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not an Enrollscope run bundle');
  });
});
