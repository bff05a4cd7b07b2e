// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { LabState } from '../../../../../app/contract';
import { currentIndex, enabledControls, isUndone, selectRunStatus, selectWaitingParty, selectWaitingStep } from '../../../../../renderer/store/selectors/run';
import { sampleLab as lab, sampleSteps as steps } from '../../../../helpers/renderer/sample-run';

describe('run selectors', () => {
  it('finds the waiting step and the party that waits', () => {
    const s = { lab: lab(), steps };
    expect(selectWaitingStep(s)?.index).toBe(5);
    expect(selectWaitingParty(s)).toBe('orbit');
    expect(selectWaitingStep({ lab: lab({ waitingStepId: null }), steps })).toBeNull();
  });

  it('makes the waiting step current at the head, the cursor step while browsing history', () => {
    expect(currentIndex(lab(), steps[5]!)).toBe(5);
    expect(currentIndex(lab({ cursor: 2 }), steps[5]!)).toBe(2);
    expect(currentIndex(lab({ status: 'idle', cursor: -1, head: -1, waitingStepId: null }), null)).toBeNull();
  });

  it('enables Back only with history, Continue only with somewhere to go', () => {
    expect(enabledControls(lab(), true)).toMatchObject({ run: true, step: true, back: true, continue: true });
    expect(enabledControls(lab({ status: 'idle', cursor: -1, head: -1, waitingStepId: null, mode: 'run' }), true)).toMatchObject({ step: true, back: false, continue: false });
    expect(enabledControls(lab({ status: 'done', waitingStepId: null, mode: 'run' }), true)).toMatchObject({ back: true, continue: false });
    expect(enabledControls(null, true).run).toBe(false);
  });
});

describe('controls of a saved run', () => {
  const lab = (cursor: number): LabState => ({
    runId: 'bundle:x', source: 'bundle', scenario: 'autopilot-eua', options: {}, seed: null, status: 'done', mode: 'step', waitingStepId: null, cursor, head: 9, stepCount: 10,
    clock: { now: 0, offsetMs: 0, pinned: true }, prompts: 1, breakpoints: [], parties: [], expectations: [], error: null,
  });
  it('Back and Step move through its history; Continue has nothing to continue', () => {
    expect(enabledControls(lab(9), true)).toMatchObject({ back: true, step: false, continue: false, reset: true });
    expect(enabledControls(lab(4), true)).toMatchObject({ back: true, step: true, continue: false });
    expect(enabledControls(lab(-1), true)).toMatchObject({ back: false, step: true });
  });
});

describe('while the lab starts', () => {
  it('disables every control, whether the UI or the host says so', () => {
    const none = { run: false, step: false, back: false, continue: false, reset: false };
    expect(enabledControls(lab({ status: 'idle', cursor: -1, head: -1, waitingStepId: null, mode: 'run' }), true, true)).toEqual(none);
    expect(enabledControls(lab({ status: 'starting', waitingStepId: null }), true)).toEqual(none);
  });

  it('shows starting from the moment Run, Step or Reset is pressed', () => {
    expect(selectRunStatus({ lab: lab({ status: 'idle' }), starting: true })).toBe('starting');
    expect(selectRunStatus({ lab: lab({ status: 'waiting' }), starting: false })).toBe('waiting');
    expect(selectRunStatus({ lab: null, starting: true })).toBeNull();
  });
});

describe('undone steps', () => {
  const done = { ...steps[2]!, status: 'done' as const };
  it('are the closed steps after the cursor once the user stepped back', () => {
    expect(isUndone({ ...done, index: 4 }, 2, 4)).toBe(true);
    expect(isUndone({ ...done, index: 2 }, 2, 4)).toBe(false);
    expect(isUndone({ ...done, index: 4 }, 4, 4)).toBe(false);
    expect(isUndone({ ...done, index: 5, status: 'waiting' }, 2, 4)).toBe(false);
  });
});
