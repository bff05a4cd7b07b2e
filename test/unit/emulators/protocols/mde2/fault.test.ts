import { describe, it, expect } from 'vitest';
import { parseSoapEnvelope, readSoapFault } from '../../../../../emulators/protocols/soap.js';
import { MDE2 } from '../../../../../emulators/protocols/mde2/envelope.js';
import { buildFault } from '../../../../../emulators/protocols/mde2/fault.js';

describe('MS-MDE2 faults as Fleet sends them', () => {
  it.each([
    ['discovery', MDE2.actions.discoverResponse],
    ['policy', MDE2.actions.getPoliciesResponse],
    ['enrollment', MDE2.actions.rstrc],
    ['other', MDE2.actions.diagnostics],
  ] as const)('answers a failed %s request with its Action and a s:receiver / s:messageformat fault', (kind, action) => {
    const env = parseSoapEnvelope(buildFault({ kind, relatesTo: 'urn:uuid:1', activityId: 'x', reason: 'r' }));
    expect(env.header.action).toBe(action);
    expect(readSoapFault(env)).toEqual({ code: 's:receiver', subcode: 's:messageformat', reason: 'r' });
  });

  it('relates to invalid_message_id when the request had no MessageID', () => {
    expect(buildFault({ kind: 'policy', relatesTo: '', activityId: 'x', reason: 'r' })).toContain('<a:RelatesTo>invalid_message_id</a:RelatesTo>');
  });
});
