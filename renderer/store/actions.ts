import type { Breakpoint, ControlRequest } from '../../app/contract';
import { api } from '../api/client';
import { follow } from '../api/connect';
import { useLab } from './index';
import { selectWaitingStep } from './selectors/run';
import { readBundleFile } from '../lib/bundle-file';

/** What the buttons and keys do: each calls the typed client and reports failures in the top bar. */
async function guarded<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    const r = await fn();
    useLab.getState().setApiError(null);
    return r;
  } catch (e) {
    useLab.getState().setApiError((e as Error).message);
    return undefined;
  }
}

function adopt(lab: Awaited<ReturnType<typeof api.state>>) {
  const s = useLab.getState();
  s.setLab(lab);
  s.setClock(lab.clock, performance.now());
}

export async function run(stepMode = false): Promise<void> {
  const { scenario, options } = useLab.getState();
  useLab.getState().setFollow(true);
  const lab = await guarded(() => api.run({ scenario, options, stepMode }));
  if (lab) adopt(lab);
}

async function control(action: ControlRequest['action']): Promise<void> {
  const s = useLab.getState();
  s.setFollow(true);
  const waiting = selectWaitingStep(s);
  const edited = waiting && s.draft?.stepId === waiting.id && (action === 'step' || action === 'continue') ? s.draft.request : undefined;
  const r = await guarded(() => api.control(action, edited));
  if (edited) s.clearDraft();
  if (r) {
    adopt(r.state);
    follow(useLab);
  }
}

/** Step: at an idle lab, start the chosen scenario held at its first step; otherwise one step forward. */
export async function step(): Promise<void> {
  const lab = useLab.getState().lab;
  if (lab?.source === 'bundle') return control('step');
  if (!lab || lab.status === 'idle' || ((lab.status === 'done' || lab.status === 'failed') && lab.cursor >= lab.head)) return run(true);
  return control('step');
}

export const back = () => control('back');
export const cont = () => control('continue');
export const reset = () => control('reset');

/** Open a saved run (a bundle file) in place of the live one; Back/Step then move through it. */
export async function openBundleFile(file: File): Promise<void> {
  const s = useLab.getState();
  s.setFollow(true);
  const lab = await guarded(async () => api.open(await readBundleFile(file)));
  if (lab) {
    adopt(lab);
    s.setCompareOpen(false);
  }
}

/** Leave a saved run: a fresh live lab (Reset). */
export const backToLive = () => reset();

/** Send the edited request waiting at the gate (the Request tab's Send). */
export const sendEdited = () => control('step');

export async function advanceClock(ms: number): Promise<void> {
  const lab = await guarded(() => api.advanceClock(ms));
  if (lab) adopt(lab);
}

export async function setBreakpoints(bps: Breakpoint[]): Promise<void> {
  const lab = await guarded(() => api.setBreakpoints(bps));
  if (lab) adopt(lab);
}
