import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runLoad } from '../../emulators/load/engine.js';
import { KEYS_PER_DEVICE } from '../../emulators/load/key-pool.js';
import { keygenMeter } from '../../emulators/lab/keys.js';
import type { DeviceRun } from '../../emulators/load/flows.js';
import { startWorld, type World } from '../../emulators/scenarios/world.js';

/**
 * `load`: 20 virtual devices through the whole autopilot-eua story at once against one world. Correctness only
 * (speed lives in `npm run bench`): every device enrolled, linked to its own user by its EUA token, one prompt each.
 */
const keyCacheDir = join(tmpdir(), 'enrollscope-test-keycache');

describe('load', () => {
  it('puts 20 devices through autopilot-eua: each enrolled, linked by its EUA token, one prompt, no errors', async () => {
    const N = 20;
    let seen: { hosts: number; linked: { host_uuid: string; email: string }[]; enrollments: { mdm_device_id: string; host_uuid: string }[]; runs: readonly DeviceRun[] } | undefined;
    const summary = await runLoad({
      devices: N,
      concurrency: 10,
      keys: 'pooled',
      scenario: 'autopilot-eua',
      seed: 'load-test',
      shard: { index: 0, count: 1 },
      keyCacheDir,
      progress: null,
      poolSize: 12,
      inspect: (world: World, runs) => {
        const read = <T>(sql: string) => world.mdm.ctx.store.read((db) => db.prepare(sql).all() as T[]);
        seen = {
          hosts: world.mdm.ctx.store.read((db) => db.prepare(`SELECT COUNT(*) FROM hosts`).pluck().get() as number),
          linked: read(`SELECT h.host_uuid, a.email FROM host_mdm_idp_accounts h JOIN mdm_idp_accounts a ON a.uuid = h.account_uuid`),
          enrollments: read(`SELECT mdm_device_id, host_uuid FROM mdm_windows_enrollments`),
          runs,
        };
      },
    });
    expect(summary.errors).toEqual([]);
    expect(summary).toMatchObject({ devices: N, ok: N, failed: 0 });
    expect(summary.deviceList).toHaveLength(N);
    expect(summary.latency.device.n).toBe(N);
    for (const phase of ['join', 'prt', 'enroll', 'management', 'orbit'] as const) expect(summary.latency[phase].n, phase).toBe(N);

    // Read the world's MDM DB apart from the engine's own checks.
    const s = seen!;
    expect(s.hosts).toBe(N);
    const linked = new Map(s.linked.map((r) => [r.host_uuid, r.email]));
    const enrolled = new Map(s.enrollments.map((r) => [r.mdm_device_id, r.host_uuid]));
    for (const r of s.runs) {
      expect(r.error).toBeNull();
      expect(r.prompts, r.identity.upn).toBe(1);
      expect(r.orbit).toMatchObject({ enrolled: true, sentEuaToken: true, ssoPrompts: 0 });
      expect(enrolled.get(r.mdmDeviceId!)).toBe(r.identity.hardwareUuid);
      // Linked to its own user: the EUA token carried this device's sign-in, not a neighbour's.
      expect(linked.get(r.identity.hardwareUuid)).toBe(r.identity.upn);
    }
    expect(new Set(summary.deviceList.map((d) => d.upn)).size).toBe(N);
    expect(summary.rows.mdm!.host_mdm_idp_accounts).toBe(N);
  });

  it('a load on swtpm (--tpm swtpm, a swtpm process per device) enrolls and checks every device', async () => {
    const summary = await runLoad({ devices: 2, concurrency: 2, keys: 'fresh', tpm: 'swtpm', scenario: 'autopilot-eua', seed: 'load-test-swtpm', shard: { index: 0, count: 1 }, keyCacheDir, progress: null });
    expect(summary.errors).toEqual([]);
    expect(summary).toMatchObject({ devices: 2, ok: 2, failed: 0 });
  });

  it('a fresh-key load in a device worker gets its keys from the main thread\'s generation threads', async () => {
    // The world's own server keys come from the seed's key cache; a first run on a clean machine makes them here,
    // so the world is started once before counting.
    const seed = 'load-test-fresh-worker';
    const dataDir = mkdtempSync(join(tmpdir(), 'load-test-'));
    await (await startWorld({ dataDir, seed, keyCacheDir, light: true })).close();
    rmSync(dataDir, { recursive: true, force: true });
    const before = keygenMeter.keys;
    const summary = await runLoad({ devices: 2, concurrency: 2, keys: 'fresh', scenario: 'autopilot-eua', seed, shard: { index: 0, count: 1 }, keyCacheDir, progress: null, workers: 1 });
    expect(summary.errors).toEqual([]);
    expect(summary).toMatchObject({ devices: 2, ok: 2, failed: 0 });
    // Every TPM key of both devices was made on this thread's behalf: none by the worker on its own.
    expect(keygenMeter.keys - before).toBe(2 * KEYS_PER_DEVICE);
    expect(keygenMeter.inFlight).toBe(0);
  });

  it('refuses --tpm swtpm with pooled keys: a pool of ours never reaches swtpm', async () => {
    await expect(runLoad({ devices: 1, concurrency: 1, keys: 'pooled', tpm: 'swtpm', scenario: 'autopilot-eua', seed: 'load-test', shard: { index: 0, count: 1 }, keyCacheDir, progress: null })).rejects.toThrow(/--keys fresh/);
  });

  it('refuses a load of no devices and changes nothing', async () => {
    await expect(runLoad({ devices: 0, concurrency: 1, keys: 'pooled', scenario: 'autopilot-eua', seed: 'load-test', shard: { index: 0, count: 1 }, keyCacheDir, progress: null })).rejects.toThrow(/--devices/);
  });
});
