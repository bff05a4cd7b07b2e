// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { Step } from '../../../../../app/contract';
import { errorGist, filterSteps, lanesOf, promptsOf, stepAction, stepStatus, statusTone } from '../../../../../renderer/store/selectors/steps';
import { recordedStep } from '../../../../helpers/step';
import { sampleSteps as steps } from '../../../../helpers/renderer/sample-run';

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

/** A closed orbit enroll step; `extra` changes any field. */
const step = (index: number, extra: Partial<Step> = {}): Step => recordedStep({
  id: `s${index}`, index, kind: 'http', catalogId: 'orbit.enroll', from: 'orbit', to: 'mdm', title: 'orbit enroll', status: 'done', observedBy: 'lab', startedAt: 0, durationMs: 1, tokens: [], changes: [], ...extra,
});

describe('errorGist: why a step failed, in the server\'s words', () => {
  it("reads Fleet's JSON error (END_USER_AUTH_REQUIRED)", () => {
    const s = step(0, { response: { status: 401, headers: {}, body: JSON.stringify({ message: 'END_USER_AUTH_REQUIRED', errors: [{ name: 'base', reason: 'END_USER_AUTH_REQUIRED' }] }) } });
    expect(errorGist(s)).toBe('END_USER_AUTH_REQUIRED');
  });

  it('reads an OAuth error and a SOAP fault subcode (Fleet answers faults with 200)', () => {
    expect(errorGist(step(0, { response: { status: 400, headers: {}, body: '{"error":"invalid_grant"}' } }))).toBe('invalid_grant');
    const fault = '<s:Envelope xmlns:s="x"><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>s:InternalServiceFault</s:Value></s:Subcode></s:Code></s:Fault></s:Body></s:Envelope>';
    expect(errorGist(step(0, { response: { status: 200, headers: {}, body: fault } }))).toBe('s:InternalServiceFault');
  });

  it('says nothing for a step that succeeded', () => {
    expect(errorGist(step(0, { response: { status: 200, headers: {}, body: '{"message":"ok"}' } }))).toBeNull();
  });
});
