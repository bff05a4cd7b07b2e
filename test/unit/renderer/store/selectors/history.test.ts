import { describe, expect, it } from 'vitest';
import type { DbChange, Step, TokenView } from '../../../../../app/contract';
import { rowHistory, tokenOrigin } from '../../../../../renderer/store/selectors/history';
import { recordedStep } from '../../../../helpers/step';

const token = (raw: string, where: string): TokenView => ({
  where, format: 'jws', raw, header: { alg: 'RS256' }, payload: { upn: 'alice@enrollscope.onmicrosoft.com' },
  signature: { verdict: 'valid' }, time: { verdict: 'valid', checkedAt: 0 },
});
const step = (index: number, extra: Partial<Step> = {}): Step => recordedStep({
  id: `s${index}`, index, kind: 'local', catalogId: 'device.setup', from: 'mdm', to: 'mdm', title: `step ${index}`, status: 'done', observedBy: 'lab', startedAt: 0, durationMs: 1, tokens: [], changes: [], ...extra,
});
const change = (table: string, op: DbChange['op'], before: DbChange['before'], after: DbChange['after'], party: DbChange['party'] = 'mdm'): DbChange => ({ party, table, op, before, after });

describe('rowHistory: every step that wrote a row', () => {
  const enrollment = { id: 1, mdm_device_id: 'dev-1', host_uuid: '' };
  const steps: Step[] = [
    step(0, { changes: [change('mdm_windows_enrollments', 'insert', null, enrollment)] }),
    step(1, { changes: [change('mdm_windows_enrollments', 'insert', null, { id: 2, mdm_device_id: 'dev-2', host_uuid: '' })] }),
    step(2, { changes: [change('hosts', 'insert', null, { id: 1, uuid: 'h-1' })] }),
    step(3, { changes: [change('mdm_windows_enrollments', 'update', enrollment, { ...enrollment, host_uuid: 'h-1' }), change('mdm_idp_accounts', 'insert', null, { uuid: 'acc-1', username: 'alice' })] }),
    step(4, { changes: [change('mdm_windows_enrollments', 'delete', { ...enrollment, host_uuid: 'h-1' }, null)] }),
  ];

  it('follows the row by its primary key through insert, update and delete, in step order', () => {
    const h = rowHistory(steps, 'mdm', 'mdm_windows_enrollments', { ...enrollment, host_uuid: 'h-1' });
    expect(h.map((w) => [w.step.index, w.change.op])).toEqual([[0, 'insert'], [3, 'update'], [4, 'delete']]);
    expect(h[1]!.change.before?.host_uuid).toBe('');
    expect(h[1]!.change.after?.host_uuid).toBe('h-1');
  });

  it('keeps rows of other tables and parties with the same key out', () => {
    expect(rowHistory(steps, 'mdm', 'hosts', { id: 1 }).map((w) => w.step.index)).toEqual([2]);
    expect(rowHistory(steps, 'entra', 'mdm_windows_enrollments', enrollment)).toEqual([]);
    expect(rowHistory(steps, 'mdm', 'mdm_idp_accounts', { uuid: 'acc-1', username: 'changed since' }).map((w) => w.step.index)).toEqual([3]);
  });

  it('joins an update that changed a key column to the row it started as', () => {
    const renamed = [step(0, { changes: [change('lab_settings', 'insert', null, { name: 'a', value: '1' })] }), step(1, { changes: [change('lab_settings', 'update', { name: 'a', value: '1' }, { name: 'b', value: '1' })] })];
    expect(rowHistory(renamed, 'mdm', 'lab_settings', { name: 'a', value: '1' }).map((w) => w.step.index)).toEqual([0, 1]);
    expect(rowHistory(renamed, 'mdm', 'lab_settings', { name: 'b', value: '1' }).map((w) => w.step.index)).toEqual([1]);
  });
});

describe('tokenOrigin: the step that issued a token', () => {
  const steps: Step[] = [
    step(0, { tokens: [token('A', 'request header authorization')] }),
    step(1, { tokens: [token('B', 'response body'), token('C', 'response body (base64-wrapped)')] }),
    step(2, { tokens: [token('B', 'detail')] }),
    step(3, { tokens: [token('B', 'request body'), token('A', 'request body')] }),
    step(4, { tokens: [token('A', 'response header location')] }),
  ];

  it('names the first step whose response carried the raw token', () => {
    expect(tokenOrigin(steps, 'B', 3)).toMatchObject({ step: { index: 1 }, where: 'response body', issued: true });
    expect(tokenOrigin(steps, 'C', 1)).toMatchObject({ step: { index: 1 }, issued: true });
  });

  it('names the step that first sent a token no earlier response carried (built by the client), never a later echo', () => {
    expect(tokenOrigin(steps, 'A', 3)).toMatchObject({ step: { index: 0 }, where: 'request header authorization', issued: false });
    expect(tokenOrigin(steps, 'A', 4)).toMatchObject({ step: { index: 0 }, issued: false });
  });

  it('looks no further than the step on screen', () => {
    expect(tokenOrigin(steps, 'B', 0)).toBeNull();
    expect(tokenOrigin(steps, 'unknown', 4)).toBeNull();
  });

  it('skips steps not loaded yet', () => {
    const sparse: (Step | undefined)[] = [undefined, steps[1]];
    expect(tokenOrigin(sparse, 'B', 1)).toMatchObject({ step: { index: 1 } });
  });
});
