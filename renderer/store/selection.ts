import type { Slice } from './types';

/**
 * Which step the inspector shows. `follow` keeps the selection on the lab's cursor (the world the DBs are at)
 * while the user steps; picking a step by hand turns following off until the next Step/Back/Run.
 */
export interface SelectionSlice {
  selected: number | null;
  follow: boolean;
  select(index: number | null, opts?: { follow?: boolean }): void;
  setFollow(follow: boolean): void;
}

export const createSelectionSlice: Slice<SelectionSlice> = (set) => ({
  selected: null,
  follow: true,
  select: (selected, opts) => set({ selected, follow: opts?.follow ?? false }),
  setFollow: (follow) => set({ follow }),
});
