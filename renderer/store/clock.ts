import type { Slice } from './types';

/**
 * The lab clock as last reported by the host, and when (performance.now()) it was reported: an unpinned lab clock
 * runs with real time, so the UI extrapolates between reports instead of polling.
 */
export interface ClockSlice {
  clock: { now: number; offsetMs: number; pinned: boolean; receivedAt: number } | null;
  setClock(c: { now: number; offsetMs: number; pinned: boolean }, receivedAt: number): void;
}

export const createClockSlice: Slice<ClockSlice> = (set) => ({
  clock: null,
  setClock: (c, receivedAt) => set({ clock: { ...c, receivedAt } }),
});
