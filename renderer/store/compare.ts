import type { CompareResult, RunBundle, RunSummary } from '../../app/contract';
import type { Slice } from './types';

/** One side of a comparison: a finished run of this session, or a bundle file opened from disk. */
export type CompareSource = { kind: 'run'; runId: string } | { kind: 'file'; name: string; bundle: RunBundle };

/** The host's alignment of two runs, with both runs' steps so each row can show them. */
export interface Comparison {
  result: CompareResult;
  a: RunBundle;
  b: RunBundle;
}

/** The compare view: which runs are picked, the host's alignment of them, the row the user looks at. */
export interface CompareSlice {
  compareOpen: boolean;
  runs: RunSummary[];
  sides: { a: CompareSource | null; b: CompareSource | null };
  comparison: Comparison | null;
  compareRow: number | null;
  compareBusy: boolean;
  compareError: string | null;
  setCompareOpen(open: boolean): void;
  setRuns(runs: RunSummary[]): void;
  setSide(which: 'a' | 'b', source: CompareSource | null): void;
  setComparison(c: Comparison | null): void;
  selectCompareRow(row: number | null): void;
  setCompareBusy(busy: boolean): void;
  setCompareError(e: string | null): void;
}

export const createCompareSlice: Slice<CompareSlice> = (set, get) => ({
  compareOpen: false,
  runs: [],
  sides: { a: null, b: null },
  comparison: null,
  compareRow: null,
  compareBusy: false,
  compareError: null,
  setCompareOpen: (compareOpen) => set({ compareOpen }),
  setRuns: (runs) => set({ runs }),
  setSide: (which, source) => set({ sides: { ...get().sides, [which]: source }, comparison: null, compareRow: null }),
  setComparison: (comparison) => set({ comparison, compareRow: null }),
  selectCompareRow: (compareRow) => set({ compareRow }),
  setCompareBusy: (compareBusy) => set({ compareBusy }),
  setCompareError: (compareError) => set({ compareError }),
});
