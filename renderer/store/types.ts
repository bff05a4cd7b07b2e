import type { StateCreator } from 'zustand';
import type { RunSlice } from './run';
import type { StepsSlice } from './steps';
import type { SelectionSlice } from './selection';
import type { GateSlice } from './gate';
import type { ClockSlice } from './clock';
import type { UiSlice } from './ui';
import type { CompareSlice } from './compare';
import type { ConsoleSlice } from './console';

/** The whole UI state: one slice per domain (STYLE.md "Domain stores apart from components"). */
export type LabStore = RunSlice & StepsSlice & SelectionSlice & GateSlice & ClockSlice & UiSlice & CompareSlice & ConsoleSlice;

export type Slice<T> = StateCreator<LabStore, [], [], T>;
