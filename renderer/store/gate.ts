import type { HttpRequest } from '../../app/contract';
import type { Slice } from './types';

/** The user's edit of the request waiting at the gate; Send releases it with this request instead. */
export interface GateSlice {
  draft: { stepId: string; request: HttpRequest } | null;
  setDraft(stepId: string, request: HttpRequest): void;
  clearDraft(): void;
}

export const createGateSlice: Slice<GateSlice> = (set) => ({
  draft: null,
  setDraft: (stepId, request) => set({ draft: { stepId, request } }),
  clearDraft: () => set({ draft: null }),
});
