// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { LabState, Step } from '../../../../../app/contract';
import { filterSteps, lanesOf, promptsOf, stepAction, stepStatus, statusTone } from '../../../../../renderer/store/selectors/steps';
import { currentIndex, enabledControls, selectWaitingParty, selectWaitingStep } from '../../../../../renderer/store/selectors/run';
import { neighbour, selectSelectedStep } from '../../../../../renderer/store/selectors/selection';
import { labNow } from '../../../../../renderer/store/selectors/clock';
import { createLabStore } from '../../../../../renderer/store';
import { recordedStep } from '../../../../helpers/step';

const base = { kind: 'http' as const, observedBy: 'lab' as const, startedAt: 0, durationMs: 1, tokens: [], changes: [] };
const http = (index: number, from: Step['from'], to: Step['to'], url: string, status: number | null, extra: Partial<Step> = {}): Step => recordedStep({
  ...base, id: `s${index}`, index, from, to, title: `step ${index}`, status: status === null ? 'waiting' : 'done',
  request: { method: 'POST', url, headers: {}, body: '' }, ...(status !== null && { response: { status, headers: {}, body: '' } }), ...extra,
});
const steps: Step[] = [
  http(0, 'device', 'entra', 'http://e/oauth2/token', 200),
  http(1, 'device', 'mdm', 'http://m/api/mdm/microsoft/enroll', 200, { request: { method: 'POST', url: 'http://m/api/mdm/microsoft/enroll', headers: {}, body: '<s:Envelope xmlns:s="x" xmlns:a="y"><s:Header><a:Action>http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RST/wstep</a:Action></s:Header></s:Envelope>' } }),
  recordedStep({ ...base, id: 's2', index: 2, kind: 'local', catalogId: 'oobe.signin-prompt', from: 'user', to: 'user', title: 'Sign in', status: 'done', prompt: { kind: 'password', count: 1, text: 'Sign in' } }),
  http(3, 'orbit', 'mdm', 'http://m/api/fleet/orbit/enroll', 401),
  http(4, 'external', 'mdm', 'http://m/EnrollmentServer/Discovery.svc', 200, { observedBy: 'mdm' }),
  http(5, 'orbit', 'mdm', 'http://m/api/fleet/orbit/enroll', null),
];
const lab = (over: Partial<LabState> = {}): LabState => ({
  runId: 'run-1', source: 'live', scenario: 'autopilot-eua', options: {}, status: 'waiting', mode: 'step', waitingStepId: 's5', cursor: 4, head: 4, stepCount: 6,
  clock: { now: 0, offsetMs: 0, pinned: false }, prompts: 1, breakpoints: [], parties: [], expectations: [], error: null, ...over,
});
const none = { text: '', party: '' as const, status: '' };

describe('step selectors', () => {
  it('filters by party on either end, by status class or exact status, and by words of the text', () => {
    expect(filterSteps(steps, none)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(filterSteps(steps, { ...none, party: 'orbit' })).toEqual([3, 5]);
    expect(filterSteps(steps, { ...none, status: '4xx' })).toEqual([3]);
    expect(filterSteps(steps, { ...none, status: '401' })).toEqual([3]);
    expect(filterSteps(steps, { ...none, status: 'waiting' })).toEqual([5]);
    expect(filterSteps(steps, { ...none, status: 'prompt' })).toEqual([2]);
    expect(filterSteps(steps, { ...none, text: 'orbit enroll' })).toEqual([3, 5]);
    expect(filterSteps(steps, { ...none, text: 'external' })).toEqual([4]);
  });

  it('adds the outside client lane only once one has spoken', () => {
    expect(lanesOf(steps.slice(0, 4))).toEqual(['user', 'device', 'tpm', 'entra', 'mdm', 'orbit']);
    expect(lanesOf(steps)).toContain('external');
  });

  it('names a step by its SOAP action and shows HTTP status, else where it is', () => {
    expect(stepAction(steps[1]!)).toBe('POST RST/wstep');
    expect(stepAction(steps[2]!)).toBe('local');
    expect(stepStatus(steps[3]!)).toBe('401');
    expect(stepStatus(steps[5]!)).toBe('waiting');
    expect(statusTone(steps[3]!)).toBe('error');
    expect(statusTone(steps[5]!)).toBe('pending');
  });

  it('counts the prompts so far', () => {
    expect(promptsOf(steps).map((s) => s.index)).toEqual([2]);
  });
});

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

describe('selection selectors', () => {
  it('moves within the visible rows, from anywhere', () => {
    const visible = [1, 3, 5];
    expect(neighbour(visible, null, 1)).toBe(1);
    expect(neighbour(visible, null, -1)).toBe(5);
    expect(neighbour(visible, 3, 1)).toBe(5);
    expect(neighbour(visible, 3, -1)).toBe(1);
    expect(neighbour(visible, 5, 1)).toBe(5);
    expect(neighbour(visible, 2, 1)).toBe(3);
    expect(neighbour(visible, 2, -1)).toBe(1);
    expect(neighbour([], 2, 1)).toBeNull();
  });

  it('gives the selected step', () => {
    expect(selectSelectedStep({ selected: 3, steps })?.id).toBe('s3');
    expect(selectSelectedStep({ selected: null, steps })).toBeNull();
  });
});

describe('clock selector', () => {
  it('runs an unpinned lab clock on from its last report; a pinned one stands still', () => {
    expect(labNow({ now: 1000, offsetMs: 0, pinned: false, receivedAt: 50 }, 550)).toBe(1500);
    expect(labNow({ now: 1000, offsetMs: 0, pinned: true, receivedAt: 50 }, 550)).toBe(1000);
    expect(labNow(null, 1)).toBeNull();
  });
});

describe('the store', () => {
  it('applies step batches by index and keeps the scenario defaults', () => {
    const store = createLabStore();
    store.getState().applySteps([steps[1]!, steps[0]!]);
    expect(store.getState().steps.map((s) => s.id)).toEqual(['s0', 's1']);
    store.getState().applySteps([{ ...steps[1]!, title: 'closed' }]);
    expect(store.getState().steps[1]!.title).toBe('closed');
    store.getState().setScenarios([{ name: 'autopilot-eua', title: '', description: '', options: [{ name: 'eua', label: 'EUA', kind: 'boolean', default: true }] }]);
    expect(store.getState()).toMatchObject({ scenario: 'autopilot-eua', options: { eua: true } });
  });
});
