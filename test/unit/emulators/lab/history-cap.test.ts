import { describe, expect, it } from 'vitest';
import { LabClock } from '../../../../emulators/lab/clock.js';
import { HistoryFullError, MAX_STEPS, Recorder } from '../../../../emulators/lab/recorder.js';

describe("the lab's in-memory history", () => {
  it(`keeps at most ${MAX_STEPS} steps by default`, () => {
    expect(MAX_STEPS).toBe(50_000);
  });

  it('refuses the step past the cap with a message that says what to do, and keeps what it has', () => {
    const r = new Recorder(new LabClock(0), 'cap', 3);
    for (let i = 0; i < 3; i++) r.open({ kind: 'local', from: 'device', to: 'device', catalogId: 'device.setup', observedBy: 'lab' });
    expect(() => r.open({ kind: 'local', from: 'device', to: 'device', catalogId: 'device.setup', observedBy: 'lab' })).toThrow(HistoryFullError);
    expect(() => r.open({ kind: 'local', from: 'device', to: 'device', catalogId: 'device.setup', observedBy: 'lab' })).toThrow(/at most 3 steps in memory .* start a new run \(Reset\)/);
    expect(r.all()).toHaveLength(3);
  });
});
