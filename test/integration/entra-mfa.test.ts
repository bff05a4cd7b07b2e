import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startEntra, postForm, verifyWithServedJwks, bob, BROKER, DRS_RESOURCE, type EntraFixture } from '../helpers/entra.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';

let f: EntraFixture;
beforeEach(async () => {
  f = await startEntra();
});
afterEach(async () => {
  await f.dispose();
});

interface MfaRequired {
  error: string;
  error_codes: number[];
  suberror: string;
  mfa_request_id: string;
  mfa_entropy: number;
  interval: number;
}

const tokenUrl = () => `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`;

async function ropcBob(): Promise<MfaRequired> {
  const r = await postForm(f.lab, tokenUrl(), { client_id: BROKER, grant_type: 'password', username: bob(f).upn, password: bob(f).password, resource: DRS_RESOURCE });
  expect(r.status).toBe(400);
  return r.json<MfaRequired>();
}

const redeem = (id: string) => postForm(f.lab, tokenUrl(), { client_id: BROKER, grant_type: 'urn:enrollscope:params:oauth:grant-type:mfa', mfa_request_id: id });

describe('MFA sign-in (lab flow, entra-mde2.md §5.5 shape)', () => {
  it('ROPC for an MFA user answers AADSTS50076 with a pending MFA request the lab lists', async () => {
    const e = await ropcBob();
    expect(e).toMatchObject({ error: 'invalid_grant', error_codes: [50076], suberror: 'basic_action' });
    expect(e.mfa_entropy).toBeGreaterThanOrEqual(10);
    expect(f.entra.pendingMfa()).toEqual([{ id: e.mfa_request_id, upn: bob(f).upn, entropy: e.mfa_entropy }]);
  });

  it('pending → the user approves → the client redeems tokens with amr pwd+mfa', async () => {
    const e = await ropcBob();
    expect((await redeem(e.mfa_request_id)).json<{ error: string }>().error).toBe('authorization_pending');
    f.entra.resolveMfa(e.mfa_request_id, true);
    const step = f.lab.recorder.all().at(-1)!;
    expect(step).toMatchObject({ kind: 'local', from: 'user', to: 'entra', title: `User approves sign-in (number ${e.mfa_entropy})` });
    f.lab.clock.advance(e.interval * 1000);
    const r = await redeem(e.mfa_request_id);
    expect(r.status).toBe(200);
    const claims = await verifyWithServedJwks(f, r.json<{ access_token: string }>().access_token);
    expect(claims).toMatchObject({ aud: DRS_RESOURCE, upn: bob(f).upn, amr: ['pwd', 'mfa'], scp: 'adrs_access' });
    expect(f.entra.pendingMfa()).toEqual([]);
  });

  it('the user denies → the client gets access_denied AADSTS500121', async () => {
    const e = await ropcBob();
    f.entra.resolveMfa(e.mfa_request_id, false);
    const before = f.entra.store.fileBytes();
    const r = await redeem(e.mfa_request_id);
    expect(r.json<{ error: string; error_codes: number[] }>()).toMatchObject({ error: 'access_denied', error_codes: [500121] });
    expect(f.entra.store.fileBytes().equals(before)).toBe(true);
    expect(() => f.entra.resolveMfa(e.mfa_request_id, true)).toThrow(/already denied/);
  });

  it('an MFA user with a wrong password gets AADSTS50126 and no MFA request', async () => {
    const before = f.entra.store.fileBytes();
    const r = await postForm(f.lab, tokenUrl(), { client_id: BROKER, grant_type: 'password', username: bob(f).upn, password: 'wrong', resource: DRS_RESOURCE });
    expect(r.json<{ error_codes: number[] }>().error_codes).toEqual([50126]);
    expect(f.entra.store.fileBytes().equals(before)).toBe(true);
    expect(f.entra.pendingMfa()).toEqual([]);
  });

  it('an unanswered request expires: expired_token', async () => {
    const e = await ropcBob();
    f.lab.clock.advance(301_000);
    expect((await redeem(e.mfa_request_id)).json<{ error: string }>().error).toBe('expired_token');
    expect(f.entra.pendingMfa()).toEqual([]);
  });
});
