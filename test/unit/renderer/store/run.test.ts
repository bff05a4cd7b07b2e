import { describe, expect, it } from 'vitest';
import type { LabState } from '../../../../app/contract';
import { createLabStore } from '../../../../renderer/store';

const lab = (extra: Partial<LabState> = {}): LabState => ({
  runId: 'run-1', scenario: 'autopilot-eua', options: {}, status: 'running', mode: 'step', waitingStepId: null, cursor: 3, head: 3, stepCount: 4,
  clock: { now: 0, offsetMs: 0, pinned: true }, prompts: 1, breakpoints: [], parties: [], expectations: [], error: null, source: 'live', ...extra, seed: extra.seed ?? null,
});

describe('the run slice', () => {
  it('keeps the newer state when an older one (a late reply) arrives after it', () => {
    const store = createLabStore();
    store.getState().setLab(lab({ seq: 7, status: 'waiting', waitingStepId: 's5' }));
    store.getState().setLab(lab({ seq: 6, status: 'running' }));
    expect(store.getState().lab).toMatchObject({ seq: 7, status: 'waiting', waitingStepId: 's5' });
    store.getState().setLab(lab({ seq: 8, status: 'done' }));
    expect(store.getState().lab?.status).toBe('done');
  });

  it('takes a state without seq (an older host) as it comes', () => {
    const store = createLabStore();
    store.getState().setLab(lab({ seq: 7 }));
    store.getState().setLab(lab({ status: 'idle' }));
    expect(store.getState().lab?.status).toBe('idle');
  });

  it('picking a scenario told under an older Fleet picks its profile; one without keeps the profile chosen', () => {
    const store = createLabStore();
    const opt = { name: 'eua', label: 'EUA', kind: 'boolean' as const, default: true };
    store.getState().setScenarios([
      { name: 'autopilot-eua', title: '', description: '', options: [opt] },
      { name: 'old-bug', title: '', description: '', options: [], fleet: 'eua-first' },
    ]);
    expect(store.getState().fleet).toBeNull();
    store.getState().chooseScenario('old-bug');
    expect(store.getState().fleet).toBe('eua-first');
    store.getState().setFleet('eua-link-fix');
    store.getState().chooseScenario('autopilot-eua');
    expect(store.getState().fleet).toBe('eua-link-fix');
    expect(store.getState().options).toEqual({ eua: true });
  });
});
