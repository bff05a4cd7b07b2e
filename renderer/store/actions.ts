import type { Breakpoint, ControlRequest, LabState } from '../../app/contract';
import { api, type ApiClient } from '../api/client';
import { follow } from '../api/connect';
import { useLab } from './index';
import type { LabStoreApi } from './types';
import { dbViewKey } from './db';
import { selectWaitingStep } from './selectors/run';
import { readBundleFile } from '../lib/bundle-file';

/**
 * What the buttons and keys do, on `store` through `client`: each calls the typed client and reports failures in
 * the top bar. The app uses `actions` (its store, its client); a test makes its own on a fresh store.
 */
export function createActions(store: LabStoreApi, client: ApiClient = api) {
  async function guarded<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      const r = await fn();
      store.getState().setApiError(null);
      return r;
    } catch (e) {
      store.getState().setApiError((e as Error).message);
      return undefined;
    }
  }

  function adopt(lab: LabState) {
    const s = store.getState();
    s.setLab(lab);
    s.setClock(lab.clock, performance.now());
  }

  /** A fresh world is being made: the keys, like the disabled buttons, do nothing until it is there. */
  const isStarting = () => store.getState().starting || store.getState().lab?.status === 'starting';

  /** Show the lab starting (controls off) while `fn` makes a fresh world. */
  async function starting<T>(fn: () => Promise<T>): Promise<T> {
    store.getState().setStarting(true);
    try {
      return await fn();
    } finally {
      store.getState().setStarting(false);
    }
  }

  async function run(stepMode = false): Promise<void> {
    if (isStarting()) return;
    const { scenario, options, seed, tls, fleet, tpm } = store.getState();
    store.getState().setFollow(true);
    // An empty seed field is an unseeded run (null), not "the seed of the run before".
    const lab = await starting(() => guarded(() => client.run({ scenario, options, stepMode, seed: seed.trim() || null, tls, ...(fleet && { fleet }), ...(tpm && { tpm }) })));
    if (lab) adopt(lab);
  }

  async function control(action: ControlRequest['action']): Promise<void> {
    if (isStarting()) return;
    const s = store.getState();
    s.setFollow(true);
    const waiting = selectWaitingStep(s);
    const edited = waiting && s.draft?.stepId === waiting.id && (action === 'step' || action === 'continue') ? s.draft.request : undefined;
    const call = () => guarded(() => client.control(action, edited));
    const r = await (action === 'reset' ? starting(call) : call());
    if (edited) s.clearDraft();
    if (r) {
      adopt(r.state);
      follow(store);
    }
  }

  /** Step: at an idle lab, start the chosen scenario held at its first step; otherwise one step forward. */
  async function step(): Promise<void> {
    const lab = store.getState().lab;
    if (lab?.source === 'bundle') return control('step');
    if (!lab || lab.status === 'idle' || ((lab.status === 'done' || lab.status === 'failed') && lab.cursor >= lab.head)) return run(true);
    return control('step');
  }

  const reset = () => control('reset');

  /** Close the saved run: the live run comes back as it was (the host sends its steps again). */
  async function backToLive(): Promise<void> {
    store.getState().setFollow(true);
    const lab = await guarded(() => client.closeSaved());
    if (lab) adopt(lab);
  }

  /** Open a saved run (a bundle file) in place of the live one; Back/Step then move through it. */
  async function openBundleFile(file: File): Promise<void> {
    const s = store.getState();
    s.setFollow(true);
    const lab = await guarded(async () => client.open(await readBundleFile(file)));
    if (lab) {
      adopt(lab);
      s.setCompareOpen(false);
    }
  }

  async function advanceClock(ms: number): Promise<void> {
    const lab = await guarded(() => client.advanceClock(ms));
    if (lab) adopt(lab);
  }

  async function setBreakpoints(bps: Breakpoint[]): Promise<void> {
    const lab = await guarded(() => client.setBreakpoints(bps));
    if (lab) adopt(lab);
  }

  /** Remove every breakpoint (Reset and Run keep them). */
  async function clearBreakpoints(): Promise<void> {
    const lab = await guarded(() => client.clearBreakpoints());
    if (lab) adopt(lab);
  }

  /** The DB tab: every party's rows after step `index` of the run on screen, fetched once (unless it failed). */
  async function loadDbView(index: number): Promise<void> {
    const key = dbViewKey(store.getState().lab?.runId ?? '', index);
    const had = store.getState().dbViews.get(key);
    if (had && had.status !== 'error') return;
    store.getState().setDbEntry(key, { status: 'loading' });
    try {
      store.getState().setDbEntry(key, { status: 'ready', view: await client.db(index) });
    } catch (e) {
      store.getState().setDbEntry(key, { status: 'error', error: (e as Error).message });
    }
  }

  return {
    run,
    step,
    back: () => control('back'),
    cont: () => control('continue'),
    reset,
    openBundleFile,
    backToLive,
    /** Send the edited request waiting at the gate (the Request tab's Send). */
    sendEdited: () => control('step'),
    advanceClock,
    setBreakpoints,
    clearBreakpoints,
    loadDbView,
  };
}

export type Actions = ReturnType<typeof createActions>;

/** The app's actions, on its one store. */
export const actions: Actions = createActions(useLab);
export const { run, step, back, cont, reset, openBundleFile, backToLive, sendEdited, advanceClock, setBreakpoints, clearBreakpoints, loadDbView } = actions;
