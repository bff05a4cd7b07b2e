import { describe, expect, it } from 'vitest';
import { LabClock } from '../../../../emulators/lab/clock.js';

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
