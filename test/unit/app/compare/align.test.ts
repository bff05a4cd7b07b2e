import { describe, expect, it } from 'vitest';
import type { Step } from '../../../../app/contract.js';
import { alignSteps, stepKey } from '../../../../app/compare/align.js';
import { recordedStep } from '../../../helpers/step.js';

let n = 0;
const base = { observedBy: 'lab' as const, startedAt: 0, durationMs: 1, tokens: [], changes: [], status: 'done' as const };
/** An HTTP step; the catalog id and the protocol facts come from the recorder's own classifier and decoder. */
const http = (from: Step['from'], url: string, status: number, body = '', title = url): Step =>
  recordedStep({ ...base, id: `s${n}`, index: n++, kind: 'http', from, to: /oauth2\/|\/common\//.test(url) ? 'entra' : 'mdm', title, request: { method: 'POST', url, headers: {}, body }, response: { status, headers: {}, body: '' } });
const local = (catalogId: Step['catalogId'], from: Step['from'] = 'device'): Step => recordedStep({ ...base, id: `s${n}`, index: n++, kind: 'local', catalogId, from, to: from, title: catalogId });
const syncml = (session: number, msg: number) =>
  http('device', 'http://127.0.0.1:9/api/mdm/microsoft/management?mode=Maintenance', 200, `<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>${session}</SessionID><MsgID>${msg}</MsgID><Target><LocURI>x</LocURI></Target><Source><LocURI>y</LocURI></Source></SyncHdr><SyncBody><Final/></SyncBody></SyncML>`, `session ${session} message ${msg}`);

const ENROLL = 'http://127.0.0.1:1/api/fleet/orbit/enroll';
const pairs = (a: Step[], b: Step[]) => alignSteps(a, b).map((p) => [p.a === null ? null : a[p.a]!.title, p.b === null ? null : b[p.b]!.title]);

describe('the step key', () => {
  it('is the catalog id, the parties, the method, the path without host, port, query or tenant id, and the SOAP action', () => {
    expect(stepKey(http('orbit', ENROLL, 200))).toBe('orbit.enroll orbit>mdm POST /api/fleet/orbit/enroll');
    expect(stepKey(http('device', 'http://127.0.0.1:5/18df7fca-4137-4b56-935e-7e9fe1f2a944/oauth2/token?x=1', 200, 'grant_type=srv_challenge'))).toBe('prt.nonce device>entra POST /<id>/oauth2/token');
    const soap = http('device', 'http://127.0.0.1:9/api/mdm/microsoft/enroll', 200, '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action>http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RST/wstep</a:Action></s:Header><s:Body/></s:Envelope>');
    expect(stepKey(soap)).toBe('mde2.rst device>mdm POST /api/mdm/microsoft/enroll http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RST/wstep');
    expect(stepKey(syncml(2, 1))).toBe('omadm.message device>mdm POST /api/mdm/microsoft/management session 2');
    expect(stepKey(local('orbit.start', 'orbit'))).toBe('orbit.start orbit>orbit');
  });
});

describe('aligning two runs', () => {
  it('A\'s one orbit enroll pairs with B\'s first (refused); B\'s SSO steps and its retry are only in B', () => {
    const a = [local('msi.install'), http('orbit', ENROLL, 200, '', 'enroll with eua_token'), local('orbit.keep-node-key', 'orbit')];
    const b = [local('msi.install'), http('orbit', ENROLL, 401, '', 'enroll refused'), local('orbit.sso-prompt', 'orbit'), http('user', 'http://127.0.0.1:1/api/v1/fleet/mdm/sso/callback', 200, '', 'sso callback'), http('orbit', ENROLL, 200, '', 'enroll retry 1'), local('orbit.keep-node-key', 'orbit')];
    expect(pairs(a, b)).toEqual([
      ['msi.install', 'msi.install'],
      ['enroll with eua_token', 'enroll refused'],
      [null, 'orbit.sso-prompt'],
      [null, 'sso callback'],
      [null, 'enroll retry 1'],
      ['orbit.keep-node-key', 'orbit.keep-node-key'],
    ]);
  });

  it('retries pair in order: A\'s retry 1 with B\'s retry 1, B\'s retry 2 is a gap', () => {
    const a = [http('orbit', ENROLL, 401, '', 'a0'), http('orbit', ENROLL, 200, '', 'a1')];
    const b = [http('orbit', ENROLL, 401, '', 'b0'), http('orbit', ENROLL, 401, '', 'b1'), http('orbit', ENROLL, 200, '', 'b2')];
    expect(pairs(a, b)).toEqual([['a0', 'b0'], ['a1', 'b1'], [null, 'b2']]);
  });

  it('OMA-DM messages pair within their session, even when one run\'s earlier session had one more message', () => {
    const a = [syncml(1, 1), syncml(1, 2), local('omadm.session-end'), syncml(2, 1), local('omadm.session-end')];
    const b = [syncml(1, 1), syncml(1, 2), syncml(1, 3), local('omadm.session-end'), syncml(2, 1), syncml(2, 2), local('omadm.session-end')];
    expect(pairs(a, b)).toEqual([
      ['session 1 message 1', 'session 1 message 1'],
      ['session 1 message 2', 'session 1 message 2'],
      [null, 'session 1 message 3'],
      ['omadm.session-end', 'omadm.session-end'],
      ['session 2 message 1', 'session 2 message 1'],
      [null, 'session 2 message 2'],
      ['omadm.session-end', 'omadm.session-end'],
    ]);
  });

  it('two steps that raced (another order in B) still pair; steps only one run has stay gaps', () => {
    const jwks = () => recordedStep({ ...base, id: `s${n}`, index: n++, kind: 'http', from: 'mdm', to: 'entra', title: 'jwks', request: { method: 'GET', url: 'http://127.0.0.1:2/common/discovery/v2.0/keys', headers: {}, body: '' } });
    const pol = () => http('device', 'http://127.0.0.1:9/api/mdm/microsoft/policy', 200, '', 'policies');
    expect(pairs([local('device.setup'), pol(), jwks(), local('tpm.create-key', 'tpm')], [local('device.setup'), jwks(), pol(), local('tpm.create-csr', 'tpm')])).toEqual([
      ['device.setup', 'device.setup'],
      ['policies', 'policies'],
      ['jwks', 'jwks'],
      ['tpm.create-key', null],
      [null, 'tpm.create-csr'],
    ]);
  });

  it('the same catalog id at another path pairs with it between the same neighbours', () => {
    const a = [local('device.setup'), http('device', 'http://127.0.0.1:9/EnrollmentServer/Discovery.svc', 200, '', 'discover A'), local('tpm.create-key', 'tpm')];
    const b = [local('device.setup'), local('oobe.signin-prompt'), http('device', 'http://127.0.0.1:9/api/mdm/microsoft/discovery', 200, '', 'discover B'), local('tpm.create-key', 'tpm')];
    expect(a[1]!.catalogId).toBe(b[2]!.catalogId);
    expect(pairs(a, b)).toEqual([
      ['device.setup', 'device.setup'],
      [null, 'oobe.signin-prompt'],
      ['discover A', 'discover B'],
      ['tpm.create-key', 'tpm.create-key'],
    ]);
  });

  it('an empty run is all gaps', () => {
    const b = [local('device.setup'), local('oobe.signin-prompt')];
    expect(alignSteps([], b)).toEqual([{ a: null, b: 0 }, { a: null, b: 1 }]);
    expect(alignSteps(b, [])).toEqual([{ a: 0, b: null }, { a: 1, b: null }]);
  });
});
