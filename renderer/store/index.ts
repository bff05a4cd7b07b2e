import { create } from 'zustand';
import type { LabStore } from './types';
import { createRunSlice } from './run';
import { createStepsSlice } from './steps';
import { createSelectionSlice } from './selection';
import { createGateSlice } from './gate';
import { createClockSlice } from './clock';
import { createUiSlice } from './ui';
import { createCompareSlice } from './compare';
import { createConsoleSlice } from './console';

export type { LabStore };

/** Make a store (the app has one; tests make their own). */
export const createLabStore = () =>
  create<LabStore>()((...a) => ({
    ...createRunSlice(...a),
    ...createStepsSlice(...a),
    ...createSelectionSlice(...a),
    ...createGateSlice(...a),
    ...createClockSlice(...a),
    ...createUiSlice(...a),
    ...createCompareSlice(...a),
    ...createConsoleSlice(...a),
  }));

export const useLab = createLabStore();
