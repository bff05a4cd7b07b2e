import type { LabStore } from '../types';

/** The lab time now: the last report, plus the real time since it when the clock is not pinned. */
export function labNow(clock: LabStore['clock'], perfNow: number): number | null {
  if (!clock) return null;
  return clock.pinned ? clock.now : clock.now + Math.max(0, perfNow - clock.receivedAt);
}
