import type { LabEvent, LabState, Step } from '../../app/contract';
import type { LabStoreApi } from '../store/types';
import { currentIndex, selectWaitingStep } from '../store/selectors/run';
import { api } from './client';

/**
 * Feed the store from the host's event stream. Step events are queued and applied once per animation frame, so
 * a 10,000-step replay costs a few store updates, not 10,000 renders.
 */
export function connect(store: LabStoreApi): () => void {
  let queue: Step[] = [];
  let pendingState: LabState | null = null;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const s = store.getState();
    s.applySteps(queue);
    queue = [];
    if (pendingState) {
      const lab = pendingState;
      pendingState = null;
      s.setLab(lab);
      s.setClock(lab.clock, performance.now());
    }
    follow(store);
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(flush);
  };

  const onEvent = (ev: LabEvent) => {
    if (ev.type === 'reset') {
      queue = [];
      const s = store.getState();
      s.clearSteps();
      s.clearDraft();
      s.select(null, { follow: true });
      s.setLab(ev.state);
      s.setClock(ev.state.clock, performance.now());
      void api.scenarios().then((list) => store.getState().setScenarios(list)).catch(() => undefined);
      void api.fleetProfiles().then((list) => store.getState().setFleetProfiles(list)).catch(() => undefined);
      return;
    }
    if (ev.type === 'step') queue.push(ev.step);
    else pendingState = ev.state;
    schedule();
  };
  return api.events(onEvent, (e) => store.getState().setApiError(e.message));
}

/** While following, the selection tracks the current step (the cursor, or the request held at the gate). */
export function follow(store: LabStoreApi): void {
  const s = store.getState();
  if (!s.follow) return;
  const idx = currentIndex(s.lab, selectWaitingStep(s));
  const target = idx ?? (s.lab && s.lab.status !== 'idle' && s.steps.length ? s.steps.length - 1 : null);
  if (target !== s.selected) s.select(target, { follow: true });
}
