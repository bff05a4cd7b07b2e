import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { FLEET_PROFILES } from '../../emulators/mdm/profiles/profiles.js';
import { FLEET_SWITCHES } from '../../emulators/mdm/profiles/switches.js';
import { FleetProfileInfoSchema } from '../../app/contract.js';

const exec = promisify(execFile);
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const CLI = join(process.cwd(), 'app', 'cli', 'bin.ts');
const dirs: string[] = [];

/** The CLI's stdout, stderr and exit code (1 and 2 are answers, not failures). */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(TSX, [CLI, ...args]).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('enrollscope list --fleet', () => {
  it('prints every profile, then every switch with its source and a mark under each profile that has it on', async () => {
    const { code, stdout } = await cli('list', '--fleet');
    expect(code).toBe(0);
    for (const p of FLEET_PROFILES) expect(stdout).toMatch(new RegExp(`^${p.name} +${p.title.replace(/[()]/g, '\\$&')} +${p.source}$`, 'm'));
    expect(stdout).toMatch(/^switch +eua-first +eua-link-fix +current +source$/m);
    // eua-first has no switch on, current has them all.
    for (const s of FLEET_SWITCHES) expect(stdout).toMatch(new RegExp(`^${s.id} +- +(on|-) +on +${s.source}$`, 'm'));
  });

  it('--json gives the profiles with each switch on or off, in the contract shape', async () => {
    const { code, stdout } = await cli('list', '--fleet', '--json');
    expect(code).toBe(0);
    const infos = FleetProfileInfoSchema.array().parse(JSON.parse(stdout));
    expect(infos.map((p) => p.name)).toEqual(['eua-first', 'eua-link-fix', 'current']);
    const linkFix = infos.find((p) => p.name === 'eua-link-fix')!;
    expect(linkFix.switches.filter((s) => s.on).map((s) => s.id)).toEqual(['fleetd-install-one-command', 'eua-link-after-enroll']);
  });
});

describe('--fleet on run, serve and compare', () => {
  it('run --fleet with an unknown profile is a usage error (exit 2) that lists the profiles, and runs nothing', async () => {
    const { code, stdout, stderr } = await cli('run', 'autopilot-eua', '--fleet', 'fleet-4.60');
    expect(code).toBe(2);
    expect(stderr).toContain('--fleet fleet-4.60: no such Fleet profile; profiles: eua-first, eua-link-fix, current');
    expect(stdout).toBe('');
  });

  it('run --fleet --json runs under that profile', async () => {
    const { code, stdout } = await cli('run', 'autopilot-eua', '--seed', 'cli-fleet', '--fleet', 'eua-first', '--json');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { passed: number }).passed).toBe(1);
  });

  it('serve --fleet starts the MDM server as that Fleet: serve --json names it and the schema has its key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-fleet-serve-'));
    dirs.push(dir);
    const child = spawn(TSX, [CLI, 'serve', '--json', '--data-dir', dir, '--fleet', 'eua-first'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
    const info = JSON.parse(line) as { fleet: string; db: Record<string, string> };
    try {
      expect(info.fleet).toBe('eua-first');
      const db = new Database(info.db.mdm!, { readonly: true });
      const sql = db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'mdm_windows_enrollments'`).pluck().get() as string;
      db.close();
      // Before the 2026-08-31 migration one HWDevID is one enrollment.
      expect(sql).toContain('CONSTRAINT idx_type UNIQUE (mdm_hardware_id)');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('compare --scenario wants exactly two --fleet profiles (exit 2)', async () => {
    const one = await cli('compare', '--scenario', 'autopilot-eua', '--fleet', 'current');
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('compare --scenario wants two --fleet profiles (A and B), got 1');
    const both = await cli('compare', 'a.json', 'b.json', '--scenario', 'autopilot-eua');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
  });

  it('compare --scenario S --fleet A --fleet B runs S under each and names the profiles in its header', async () => {
    const { code, stdout } = await cli('compare', '--scenario', 'autopilot-eua', '--fleet', 'eua-first', '--fleet', 'eua-first', '--seed', 'cli-fleet-cmp');
    // The same profile twice on the same seed: the runs match step for step.
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^A: autopilot-eua {2}Fleet eua-first {2}seed cli-fleet-cmp {2}\d+ steps/);
    expect(lines[1]).toMatch(/^B: autopilot-eua {2}Fleet eua-first {2}seed cli-fleet-cmp {2}\d+ steps/);
    expect(lines[3]).toBe('no divergence: the runs match step for step');
  });
});
