// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { Step } from '../../../../../app/contract';
import { errorGist, filterSteps, indexSteps, lanesOf, matchReason, promptsOf, SEARCH_BODY_LIMIT, searchIndex, stepAction, stepStatus, statusTone } from '../../../../../renderer/store/selectors/steps';
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

describe('search everything: the filter reads bodies, headers, claims, CSP paths and DB values', () => {
  const claims: Step['tokens'][number] = {
    where: 'request body', format: 'jws', raw: 'x.y.z', header: { alg: 'RS256', kid: 'eua-key' }, payload: { upn: 'alice@enrollscope.onmicrosoft.com', device_id: 'd3v1c3-0001', exp: 1 },
    signature: { verdict: 'valid' }, time: { verdict: 'valid', checkedAt: 0 },
  };
  const steps: Step[] = [
    step(0, { request: { method: 'POST', url: 'http://m/api/fleet/orbit/enroll', headers: { 'content-type': 'application/json' }, body: '{"enroll_secret":"s3cret"}' }, response: { status: 401, headers: { 'x-fleet': 'yes' }, body: JSON.stringify({ message: 'END_USER_AUTH_REQUIRED' }) } }),
    step(1, { tokens: [claims], request: { method: 'POST', url: 'http://m/api/fleet/orbit/enroll', headers: {}, body: '{}' } }),
    step(2, {
      kind: 'http', catalogId: 'omadm.message', title: 'OMA-DM session', from: 'device', to: 'mdm',
      request: { method: 'POST', url: 'http://m/api/mdm/microsoft/management', headers: {}, body: '' },
      protocol: { kind: 'syncml', request: { sessionId: '1', msgId: '1', commands: [{ verb: 'Get', cmdId: '2', target: './DevDetail/SwV' }], statuses: [] }, reply: null, error: null },
    }),
    step(3, { changes: [{ party: 'mdm', table: 'mdm_idp_accounts', op: 'insert', before: null, after: { uuid: 'acc-1', username: 'alice', fullname: 'Alice Example' } }] }),
    step(4, { request: { method: 'GET', url: 'http://m/fleetd-base.msi', headers: {}, body: '' }, response: { status: 200, headers: {}, body: btoa('alice in a binary'), bodyEncoding: 'base64' } }),
    step(5, { request: { method: 'POST', url: 'http://e/oauth2/token', headers: {}, body: 'grant_type=password&username=bob%40enrollscope.onmicrosoft.com' } }),
  ];
  const find = (text: string) => filterSteps(steps, { ...none, text });

  it('finds a word in a body, a header, a decoded claim (name or value), a CSP path and a DB table or value', () => {
    expect(find('END_USER_AUTH_REQUIRED')).toEqual([0]);
    expect(find('s3cret')).toEqual([0]);
    expect(find('x-fleet')).toEqual([0]);
    expect(find('d3v1c3-0001')).toEqual([1]);
    expect(find('upn')).toEqual([1]);
    expect(find('eua-key')).toEqual([1]);
    expect(find('./devdetail/swv')).toEqual([2]);
    expect(find('mdm_idp_accounts')).toEqual([3]);
    expect(find('alice')).toEqual([1, 3]);
    expect(find('alice example')).toEqual([3]);
  });

  it('reads form bodies decoded, and skips base64 (binary) bodies', () => {
    expect(find('bob@enrollscope')).toEqual([5]);
    expect(find('binary')).toEqual([]);
  });

  it('says where a step matched when its row does not show it, with the tab that does', () => {
    expect(matchReason(steps[0]!, ['end_user_auth_required'])).toEqual({ label: 'response body', tab: 'response' });
    expect(matchReason(steps[0]!, ['x-fleet'])).toEqual({ label: 'response header x-fleet', tab: 'response' });
    expect(matchReason(steps[1]!, ['d3v1c3'])).toEqual({ label: 'claim device_id', tab: 'tokens' });
    expect(matchReason(steps[2]!, ['swv'])).toEqual({ label: 'CSP Get', tab: 'request' });
    expect(matchReason(steps[3]!, ['mdm_idp_accounts'])).toEqual({ label: 'db mdm_idp_accounts', tab: 'db' });
    expect(matchReason(steps[3]!, ['example'])).toEqual({ label: 'db mdm_idp_accounts.fullname', tab: 'db' });
    // the title holds every word: nothing to explain; a word the step lacks: no reason either
    expect(matchReason(steps[0]!, ['orbit', 'enroll'])).toBeNull();
    expect(matchReason(steps[0]!, ['nowhere'])).toBeNull();
    // the first word the row lacks names the part
    expect(matchReason(steps[1]!, ['orbit', 'upn'])).toEqual({ label: 'claim upn', tab: 'tokens' });
  });

  it('builds the index once per step version and caps a body at SEARCH_BODY_LIMIT', () => {
    const s = steps[0]!;
    expect(searchIndex(s)).toBe(searchIndex(s));
    const changed = { ...s, title: 'changed' };
    expect(searchIndex(changed)).not.toBe(searchIndex(s));
    const huge = step(9, { request: { method: 'POST', url: 'http://m/x', headers: {}, body: `${'a'.repeat(SEARCH_BODY_LIMIT)}needle` } });
    expect(filterSteps([huge], { ...none, text: 'needle' })).toEqual([]);
    expect(searchIndex(huge).hay.length).toBeLessThan(SEARCH_BODY_LIMIT + 1000);
  });

  it('narrows the last result while the text is typed on, and starts over when it is not', () => {
    // each answer as a scan of a fresh copy of the list (never narrowed) would give it
    const whole = (text: string) => filterSteps(steps.slice(), { ...none, text });
    for (const text of ['a', 'al', 'ali', 'alice', 'alice ', 'alice exa', 'alice', 'd3v', 'END', 'END_USER']) expect([text, find(text)]).toEqual([text, whole(text)]);
    expect(find('alice exa')).toEqual([3]);
    expect(find('alice')).toEqual([1, 3]);
    // another array (a new batch of steps) is filtered whole
    expect(filterSteps([...steps, step(6, { response: { status: 200, headers: {}, body: 'alice' } })], { ...none, text: 'alice' })).toEqual([1, 3, 6]);
  });

  it('indexes steps ahead of the first search while there is time, and stops when there is none', () => {
    const fresh = [step(0), undefined, step(2)];
    let budget = 1;
    expect(indexSteps(fresh, 0, () => budget-- > 0)).toBe(1);
    expect(indexSteps(fresh, 1, () => true)).toBe(3);
  });
});
