import type { HttpRequest } from '../../app/contract';
import type { Slice } from './types';

/** The user's edit draft of the request held at the lab's gate; Send releases the request with this version instead. */
export interface EditDraftSlice {
  draft: { stepId: string; request: HttpRequest } | null;
  setDraft(stepId: string, request: HttpRequest): void;
  clearDraft(): void;
}

export const createEditDraftSlice: Slice<EditDraftSlice> = (set) => ({
  draft: null,
  setDraft: (stepId, request) => set({ draft: { stepId, request } }),
  clearDraft: () => set({ draft: null }),
});
