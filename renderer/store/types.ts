import type { StateCreator, StoreApi } from 'zustand';
import type { RunSlice } from './run';
import type { StepsSlice } from './steps';
import type { SelectionSlice } from './selection';
import type { EditDraftSlice } from './edit-draft';
import type { DbSlice } from './db';
import type { ClockSlice } from './clock';
import type { UiSlice } from './ui';
import type { CompareSlice } from './compare';
import type { ConsoleSlice } from './console';

/** The whole UI state: one slice per domain (STYLE.md "Domain stores apart from components"). */
export type LabStore = RunSlice & StepsSlice & SelectionSlice & EditDraftSlice & ClockSlice & UiSlice & CompareSlice & ConsoleSlice & DbSlice;

/** A store as actions take it (`createActions(store)`): the app's `useLab`, or a fresh one in a test. */
export type LabStoreApi = StoreApi<LabStore>;

export type Slice<T> = StateCreator<LabStore, [], [], T>;
