import { describe, expect, it } from 'vitest';
import { LabClock } from '../../../../emulators/lab/clock.js';
import { LabIds } from '../../../../emulators/lab/ids.js';

describe('the lab clock', () => {
  it('a pinned clock stands still until advanced', () => {
    const c = new LabClock(Date.UTC(2026, 0, 15, 9));
    expect(c.now()).toBe(Date.UTC(2026, 0, 15, 9));
    c.advance(2 * 3600_000);
    expect(c.date().toISOString()).toBe('2026-01-15T11:00:00.000Z');
  });

  it('an unpinned clock follows real time, plus what was advanced', () => {
    const c = new LabClock();
    c.advance(3_600_000);
    expect(Math.abs(c.now() - (Date.now() + 3_600_000))).toBeLessThan(1000);
  });

  it('never moves backwards', () => {
    expect(() => new LabClock(0).advance(-1)).toThrow(RangeError);
  });
});

describe('lab ids', () => {
  it('a seed gives the same ids every time', () => {
    const a = new LabIds('seed-1');
    const b = new LabIds('seed-1');
    expect([a.uuid(), a.hex(8), a.text(12)]).toEqual([b.uuid(), b.hex(8), b.text(12)]);
  });

  it('different seeds give different ids', () => {
    expect(new LabIds('a').uuid()).not.toBe(new LabIds('b').uuid());
  });

  it('makes RFC 4122 version-4 UUIDs', () => {
    expect(new LabIds('x').uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
