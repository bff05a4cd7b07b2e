import { describe, expect, it } from 'vitest';
import { toHar } from '../../../../app/api/har.js';
import type { Step } from '../../../../app/contract.js';
import { recordedStep } from '../../../helpers/step.js';

const step = (over: Partial<Step>): Step => recordedStep({
  id: 's1', index: 0, kind: 'http', from: 'device', to: 'mdm', catalogId: 'mde2.discover', title: 'POST /x', status: 'done', observedBy: 'lab',
  startedAt: Date.UTC(2026, 0, 15, 9), durationMs: 3, tokens: [], changes: [], ...over,
});

describe('HAR 1.2 export', () => {
  it('writes one entry per HTTP step with its request, response and query string', () => {
    const har = toHar([
      step({ request: { method: 'POST', url: 'http://127.0.0.1:1/api/mdm/microsoft/discovery?x=1', headers: { 'content-type': 'application/soap+xml' }, body: '<s:Envelope/>' }, response: { status: 200, headers: { 'content-type': 'application/soap+xml' }, body: '<ok/>' } }),
      step({ id: 's2', index: 1, kind: 'local', catalogId: 'tpm.create-key', title: 'TPM: create key' }),
    ]);
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries).toHaveLength(1);
    expect(har.log.entries[0]!).toMatchObject({
      startedDateTime: '2026-01-15T09:00:00.000Z',
      request: { method: 'POST', queryString: [{ name: 'x', value: '1' }], postData: { mimeType: 'application/soap+xml', text: '<s:Envelope/>' } },
      response: { status: 200, content: { text: '<ok/>' } },
    });
  });

  it('keeps a binary body (an MSI download) as base64', () => {
    const har = toHar([step({ request: { method: 'GET', url: 'http://127.0.0.1:1/stable/fleetd-base.msi', headers: {}, body: '' }, response: { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: 'AAEC', bodyEncoding: 'base64' } })]);
    expect(har.log.entries[0]!.response.content).toMatchObject({ encoding: 'base64', text: 'AAEC' });
  });
});
