import type { LabState, PartyIdT, Step } from '../../../app/contract';
import type { LabStore } from '../types';

/** The step held at the gate, if any. */
export function selectWaitingStep(s: Pick<LabStore, 'lab' | 'steps'>): Step | null {
  const id = s.lab?.waitingStepId;
  if (!id) return null;
  for (let i = s.steps.length - 1; i >= 0; i--) if (s.steps[i]?.id === id) return s.steps[i]!;
  return null;
}

/** The party whose request waits at the gate (the one that is "waiting" in the progress bar). */
export function selectWaitingParty(s: Pick<LabStore, 'lab' | 'steps'>): PartyIdT | null {
  return selectWaitingStep(s)?.from ?? null;
}

/**
 * The current step: while the user browses history (cursor behind the head) the step the world is at; at the head,
 * the request waiting at the gate if there is one, else the newest closed step.
 */
export function currentIndex(lab: LabState | null, waiting: Step | null): number | null {
  if (!lab) return null;
  if (lab.cursor < lab.head) return lab.cursor < 0 ? null : lab.cursor;
  if (waiting) return waiting.index;
  return lab.cursor < 0 ? null : lab.cursor;
}

/** What the header says the lab is doing: `starting` from the moment Run, Step or Reset is pressed until the host answers. */
export function selectRunStatus(s: Pick<LabStore, 'lab' | 'starting'>): LabState['status'] | null {
  if (!s.lab) return null;
  return s.starting ? 'starting' : s.lab.status;
}

/**
 * A step the world is not at any more: the user stepped Back behind it (the lab's history is by step index, its
 * snapshots too). Step replays it; a step still open (waiting at the gate) is not undone, it has not happened.
 */
export function isUndone(step: Step, cursor: number, head: number): boolean {
  return cursor < head && step.index > cursor && (step.status === 'done' || step.status === 'error');
}

export type Control = 'run' | 'step' | 'back' | 'continue' | 'reset';

const NONE: Record<Control, boolean> = { run: false, step: false, back: false, continue: false, reset: false };

/** Which controls make sense now (buttons stay visible; these only disable). Nothing while the lab starts. */
export function enabledControls(lab: LabState | null, scenarioKnown: boolean, starting = false): Record<Control, boolean> {
  if (!lab || starting || lab.status === 'starting') return NONE;
  // A saved run: Back/Step move through its history; nothing waits at a gate, so nothing to continue.
  if (lab.source === 'bundle') return { run: scenarioKnown, step: lab.cursor < lab.head, back: lab.cursor >= 0, continue: false, reset: true };
  const active = lab.status === 'running' || lab.status === 'waiting';
  return {
    run: scenarioKnown,
    step: active ? lab.mode === 'step' || lab.waitingStepId !== null : scenarioKnown || lab.cursor < lab.head,
    back: lab.cursor >= 0,
    continue: active || lab.cursor < lab.head,
    reset: true,
  };
}
