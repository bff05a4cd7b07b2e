import { describe, expect, it } from 'vitest';
import { parseShard } from '../../../../emulators/load/shard.js';
import { deviceIdentity } from '../../../../emulators/load/identity.js';
import { duplicates, mergeErrors } from '../../../../emulators/load/summary.js';
import { percentiles, PhaseTimer } from '../../../../emulators/load/stats.js';

describe('parseShard', () => {
  it('reads i/N, and takes i from JOB_COMPLETION_INDEX when only /N is given', () => {
    expect(parseShard(undefined, {})).toEqual({ index: 0, count: 1 });
    expect(parseShard('2/5', {})).toEqual({ index: 2, count: 5 });
    expect(parseShard('/5', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 5 });
    expect(parseShard('5', { JOB_COMPLETION_INDEX: '4' })).toEqual({ index: 4, count: 5 });
  });

  it('refuses a shard outside its count, a missing index and nonsense', () => {
    expect(() => parseShard('5/5', {})).toThrow(/not below the count/);
    expect(() => parseShard('/5', {})).toThrow(/JOB_COMPLETION_INDEX/);
    expect(() => parseShard('/5', { JOB_COMPLETION_INDEX: 'x' })).toThrow(/JOB_COMPLETION_INDEX/);
    expect(() => parseShard('0/0', {})).toThrow(/1 or more/);
    expect(() => parseShard('a/b', {})).toThrow(/must be i\/N/);
  });
});

describe('device identities', () => {
  it('are disjoint between shards and the same for the same seed', () => {
    const ids = (index: number) => Array.from({ length: 300 }, (_, n) => deviceIdentity('s', { index, count: 3 }, 300, n, 'd.example'));
    const all = [0, 1, 2].flatMap(ids);
    for (const f of ['hardwareUuid', 'serial', 'upn', 'deviceName', 'mdmDeviceId'] as const) expect(new Set(all.map((d) => d[f])).size, f).toBe(900);
    expect(ids(1)).toEqual(ids(1));
    expect(deviceIdentity('other', { index: 1, count: 3 }, 300, 0, 'd.example').hardwareUuid).not.toBe(ids(1)[0]!.hardwareUuid);
    expect(duplicates(all.map((d) => ({ index: d.globalIndex, hardwareUuid: d.hardwareUuid, serial: d.serial, deviceName: d.deviceName, upn: d.upn, ok: true, prompts: 1 })))).toBe(0);
  });

  it('counts a device that shares a user with an earlier one', () => {
    const d = { index: 0, hardwareUuid: 'A', serial: '1', deviceName: 'X', upn: 'u@d', ok: true, prompts: 1 };
    expect(duplicates([d, { ...d, index: 1, hardwareUuid: 'B', serial: '2', upn: 'U@D' }])).toBe(1);
  });
});

describe('load statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const p = percentiles(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(p).toMatchObject({ n: 100, p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
    expect(percentiles([])).toMatchObject({ n: 0, p50: 0 });
  });

  it('keeps a nested phase out of the outer one, and names the phase a failure came from', async () => {
    const t = new PhaseTimer();
    let tick = 0;
    const now = performance.now;
    performance.now = () => (tick += 10);
    try {
      await t.time('device', () => t.time('management', () => t.time('orbit', async () => undefined)));
      await expect(t.time('device', () => t.time('prt', async () => { throw new Error('no'); }))).rejects.toThrow('no');
    } finally {
      performance.now = now;
    }
    expect(t.ms.orbit).toBe(10);
    expect(t.ms.management).toBe(30 - 10);
    expect(t.failed).toBe('prt');
  });

  it('merges error kinds by count, keeping the first sample', () => {
    const m = mergeErrors([[{ kind: 'a', count: 1, sample: 'first', sampleDevice: 1 }], [{ kind: 'a', count: 2, sample: 'second', sampleDevice: 7 }, { kind: 'b', count: 5, sample: 'b', sampleDevice: 2 }]]);
    expect(m).toEqual([{ kind: 'b', count: 5, sample: 'b', sampleDevice: 2 }, { kind: 'a', count: 3, sample: 'first', sampleDevice: 1 }]);
  });
});
