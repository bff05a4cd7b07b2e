import { create } from 'zustand';
import type { LabStore } from './types';
import { createRunSlice } from './run';
import { createStepsSlice } from './steps';
import { createSelectionSlice } from './selection';
import { createEditDraftSlice } from './edit-draft';
import { createClockSlice } from './clock';
import { createUiSlice } from './ui';
import { createCompareSlice } from './compare';
import { createConsoleSlice } from './console';
import { createDbSlice } from './db';

export type { LabStore, LabStoreApi } from './types';

/** Make a store (the app has one; tests make their own). */
export const createLabStore = () =>
  create<LabStore>()((...a) => ({
    ...createRunSlice(...a),
    ...createStepsSlice(...a),
    ...createSelectionSlice(...a),
    ...createEditDraftSlice(...a),
    ...createClockSlice(...a),
    ...createUiSlice(...a),
    ...createCompareSlice(...a),
    ...createConsoleSlice(...a),
    ...createDbSlice(...a),
  }));

export const useLab = createLabStore();
