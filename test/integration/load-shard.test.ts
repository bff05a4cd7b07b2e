import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runLoad } from '../../emulators/load/engine.js';
import { mergeSummaries } from '../../emulators/load/summary.js';

/** Two shards of one load, as two pods of an Indexed Job: disjoint devices and users, and their summaries merge. */
const keyCacheDir = join(tmpdir(), 'enrollscope-test-keycache');
// Shard 1's devices run in a worker thread (the CLI's default), shard 0's beside the servers.
const shard = (index: number) => runLoad({ devices: 3, concurrency: 3, keys: 'pooled', scenario: 'autopilot-eua', seed: 'load-shard', shard: { index, count: 2 }, keyCacheDir, progress: null, poolSize: 12, workers: index });

describe('load --shard', () => {
  it('gives two shards disjoint identities, every device of each enrolled, and merges them', async () => {
    const [a, b] = await Promise.all([shard(0), shard(1)]);
    for (const s of [a, b]) expect(s.errors).toEqual([]);
    const key = (s: typeof a, f: 'hardwareUuid' | 'serial' | 'upn' | 'deviceName') => new Set(s.deviceList.map((d) => d[f]));
    for (const f of ['hardwareUuid', 'serial', 'upn', 'deviceName'] as const) {
      const inBoth = [...key(a, f)].filter((v) => key(b, f).has(v));
      expect(inBoth, f).toEqual([]);
    }
    expect(a.deviceList.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(b.deviceList.map((d) => d.index)).toEqual([3, 4, 5]);
    const m = mergeSummaries([b, a]);
    expect(m).toMatchObject({ devices: 6, ok: 6, failed: 0, duplicateIdentities: 0, shards: [{ index: 0, count: 2 }, { index: 1, count: 2 }] });
    expect(m.latency.device.n).toBe(6);
    expect(m.rows.mdm!.hosts).toBe(6);
    // CPU is summed: what the pods together spent.
    expect(a.cpuMs).toBeGreaterThan(0);
    expect(m.cpuMs).toBeCloseTo(a.cpuMs + b.cpuMs, 0);
    // The same shard twice is refused: its devices would be counted twice.
    expect(() => mergeSummaries([a, a])).toThrow(/shard 0\/2 is in more than one summary/);
  });
});
