import type { StateCreator } from 'zustand';
import type { RunSlice } from './run';
import type { StepsSlice } from './steps';
import type { SelectionSlice } from './selection';
import type { GateSlice } from './gate';
import type { ClockSlice } from './clock';
import type { UiSlice } from './ui';

/** The whole UI state: one slice per domain (STYLE.md "Domain stores apart from components"). */
export type LabStore = RunSlice & StepsSlice & SelectionSlice & GateSlice & ClockSlice & UiSlice;

export type Slice<T> = StateCreator<LabStore, [], [], T>;
