import type { Step } from '../../app/contract';
import type { Slice } from './types';

/** Every step of the current run, by index; updated in batches (one array copy per animation frame). */
export interface StepsSlice {
  steps: Step[];
  applySteps(batch: readonly Step[]): void;
  clearSteps(): void;
}

export const createStepsSlice: Slice<StepsSlice> = (set, get) => ({
  steps: [],
  applySteps: (batch) => {
    if (batch.length === 0) return;
    const steps = get().steps.slice();
    for (const s of batch) steps[s.index] = s;
    set({ steps });
  },
  clearSteps: () => set({ steps: [] }),
});
