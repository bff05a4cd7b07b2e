import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startEntra, get, postForm, alice, bob, claimsOf, ropcV1, BROKER, DRS_RESOURCE, type EntraFixture } from '../helpers/entra.js';
import { authorizePage, beginAuth, codeOf, endAuthPoll, getCredType, page, postPassword, processAuth, MSAUTH, type Page } from '../helpers/login-pages.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';

let f: EntraFixture;
beforeAll(async () => {
  f = await startEntra('entra-login-pages');
});
afterAll(async () => {
  await f.dispose();
});

const tokenUrl = () => `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`;
const unchanged = async (fn: () => Promise<unknown>) => {
  const before = f.entra.store.fileBytes();
  await fn();
  return f.entra.store.fileBytes().equals(before);
};

/** authorize → GetCredentialType → the password POST for bob: the MFA page. */
async function mfaPage(): Promise<Page> {
  const first = await authorizePage(f);
  expect((await getCredType(f, first.config, bob(f).upn)).status).toBe(200);
  return page(await postPassword(f, first.config, bob(f).upn, bob(f).password));
}

describe('libhimmelblau check_user_exists (request_auth_config_internal + get_cred_type)', () => {
  it('the authorize page is HTML whose $Config has the flow token, context, canary, session and the URLs of the next steps', async () => {
    const { res, config } = await authorizePage(f);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(config).toMatchObject({ pgid: 'ConvergedSignIn', urlPost: `${f.entra.url}/${f.entra.tenantId}/login`, urlGetCredentialType: `${f.entra.url}/common/GetCredentialType?mkt=en-US` });
    for (const k of ['sFT', 'sCtx', 'canary', 'sessionId'] as const) expect(typeof config[k]).toBe('string');
    // The sso_nonce is a srv_challenge nonce (ROADtools reads $Config.bsso.nonce for its PRT cookie).
    const nonce = f.entra.store.read((db) => db.prepare(`SELECT purpose, used_at FROM nonces WHERE nonce = ?`).get(config.bsso!.nonce!));
    expect(nonce).toEqual({ purpose: 'prt', used_at: null });
  });

  it('IfExistsResult is 0 for a user of the tenant, with a password and the flow token', async () => {
    const { config } = await authorizePage(f);
    const r = await getCredType(f, config, alice(f).upn);
    expect(r.json()).toMatchObject({ Username: alice(f).upn, IfExistsResult: 0, ThrottleStatus: 0, Credentials: { PrefCredential: 1, HasPassword: true, RemoteNgcParams: null, FidoParams: null }, FlowToken: config.sFT, apiCanary: config.apiCanary });
  });

  it('IfExistsResult is 1 for a user the tenant does not have, and nothing is written', async () => {
    const { config } = await authorizePage(f);
    let body: unknown;
    expect(await unchanged(async () => (body = (await getCredType(f, config, `nobody@${f.entra.tenantDomain}`)).json()))).toBe(true);
    expect(body).toMatchObject({ IfExistsResult: 1 });
  });
});

describe('libhimmelblau initiate_acquire_token_by_mfa_flow_for_device_enrollment + acquire_token_by_mfa_flow', () => {
  it('password, push, EndAuth pending, the phone approves, EndAuth success, ProcessAuth, the code: tokens with amr pwd+mfa, DRS by refresh', async () => {
    const tfa = (await mfaPage()).config;
    expect(tfa).toMatchObject({ pgid: 'ConvergedTFA', urlBeginAuth: `${f.entra.url}/common/SAS/BeginAuth`, urlEndAuth: `${f.entra.url}/common/SAS/EndAuth`, urlPost: `${f.entra.url}/common/SAS/ProcessAuth`, iPollingInterval: 3000 });
    expect(tfa.arrUserProofs).toEqual([expect.objectContaining({ authMethodId: 'PhoneAppNotification', isDefault: true })]);

    const begun = await beginAuth(f, tfa);
    expect(begun).toMatchObject({ Success: true, ResultValue: 'Success', SessionId: tfa.sessionId });
    expect(begun.Entropy).toBeGreaterThanOrEqual(10);
    expect(f.entra.pendingMfa()).toEqual([{ id: tfa.sessionId, upn: bob(f).upn, entropy: begun.Entropy }]);

    expect(await endAuthPoll(f.lab, tfa, begun, 1)).toMatchObject({ Success: false, ResultValue: 'AuthenticationPending', Retry: true });
    f.entra.resolveMfa(tfa.sessionId!, true);
    const ended = await endAuthPoll(f.lab, tfa, begun, 2);
    expect(ended).toMatchObject({ Success: true, Ctx: tfa.sCtx });
    expect(ended.FlowToken).not.toBe(begun.FlowToken);

    const code = codeOf(await processAuth(f, tfa, ended, bob(f).upn));
    const tokens = (await postForm(f.lab, tokenUrl(), { client_id: BROKER, grant_type: 'authorization_code', code, redirect_uri: MSAUTH })).json<{ access_token: string; refresh_token: string }>();
    expect(claimsOf(tokens.access_token)).toMatchObject({ upn: bob(f).upn, amr: ['pwd', 'mfa'] });
    // enroll_device: the DRS token from the refresh token keeps the sign-in's amr.
    const drs = (await postForm(f.lab, tokenUrl(), { client_id: BROKER, grant_type: 'refresh_token', refresh_token: tokens.refresh_token, resource: DRS_RESOURCE })).json<{ access_token: string }>();
    expect(claimsOf(drs.access_token)).toMatchObject({ aud: DRS_RESOURCE, amr: ['pwd', 'mfa'] });
    expect(f.entra.pendingMfa()).toEqual([]);
  });

  it('a user without MFA gets the code straight from the password POST (AuthCodeReceived)', async () => {
    const { config } = await authorizePage(f, { state: 'st-1' });
    const r = await postPassword(f, config, alice(f).upn, alice(f).password);
    const to = new URL(r.headers.location as string);
    expect(String(r.headers.location).startsWith(`${MSAUTH}?code=`)).toBe(true);
    expect(to.searchParams.get('state')).toBe('st-1');
    expect(r.text()).toContain(`<a href="${MSAUTH}?code=`);
    const tokens = (await postForm(f.lab, tokenUrl(), { client_id: BROKER, grant_type: 'authorization_code', code: codeOf(r), redirect_uri: MSAUTH })).json<{ access_token: string }>();
    expect(claimsOf(tokens.access_token)).toMatchObject({ upn: alice(f).upn, amr: ['pwd'] });
  });
});

describe('ROPC for an MFA user', () => {
  it('is invalid_grant AADSTS50076 and ends there: no MFA request, nothing written', async () => {
    let r!: Awaited<ReturnType<typeof ropcV1>>;
    expect(await unchanged(async () => (r = await ropcV1(f, DRS_RESOURCE, bob(f))))).toBe(true);
    const body = r.json<Record<string, unknown>>();
    expect(body).toMatchObject({ error: 'invalid_grant', error_codes: [50076], suberror: 'basic_action' });
    expect(Object.keys(body).filter((k) => k.startsWith('mfa'))).toEqual([]);
    expect(f.entra.pendingMfa()).toEqual([]);
  });
});

describe("bad input gets Entra's error and leaves the Entra DB file unchanged", () => {
  it('an unknown redirect URI: the error page with AADSTS50011', async () => {
    let p!: Page;
    expect(await unchanged(async () => (p = page(await get(f.lab, `${f.entra.url}${ENTRA_PATHS.authorize('common')}?${new URLSearchParams({ client_id: BROKER, response_type: 'code', redirect_uri: 'https://evil.example/cb', resource: DRS_RESOURCE })}`))))).toBe(true);
    expect(p.config.sErrorCode).toBe('50011');
  });

  it('a wrong password: the sign-in page again with sErrorCode 50126, and the same flow token still signs in', async () => {
    const { config } = await authorizePage(f);
    let p!: Page;
    expect(await unchanged(async () => (p = page(await postPassword(f, config, alice(f).upn, 'wrong'))))).toBe(true);
    expect(p.res.status).toBe(200);
    expect(p.config).toMatchObject({ pgid: 'ConvergedSignIn', sErrorCode: '50126', sFT: config.sFT, sPOST_Username: alice(f).upn });
    expect(String(p.config.sErrTxt)).toMatch(/^AADSTS50126: /);
    expect(p.res.text()).toContain('Your account or password is incorrect');
    expect((await postPassword(f, config, alice(f).upn, alice(f).password)).status).toBe(302);
  });

  it('a denied push: EndAuth says PhoneAppDenied (AADSTS500121, no retry) and ProcessAuth is refused', async () => {
    const tfa = (await mfaPage()).config;
    const begun = await beginAuth(f, tfa);
    f.entra.resolveMfa(tfa.sessionId!, false);
    expect(await endAuthPoll(f.lab, tfa, begun, 1)).toMatchObject({ Success: false, ResultValue: 'PhoneAppDenied', Retry: false, ErrCode: 500121 });
    let p!: Page;
    expect(await unchanged(async () => (p = page(await processAuth(f, tfa, begun, bob(f).upn))))).toBe(true);
    expect(p.res.status).toBe(200);
    expect(p.config.sErrorCode).toBe('500121');
  });

  it('ProcessAuth before the push was approved is AADSTS50074', async () => {
    const tfa = (await mfaPage()).config;
    const begun = await beginAuth(f, tfa);
    let p!: Page;
    expect(await unchanged(async () => (p = page(await processAuth(f, tfa, begun, bob(f).upn))))).toBe(true);
    expect(p.config.sErrorCode).toBe('50074');
  });

  it('a forged flow token: the password POST is the error page with AADSTS90100, GetCredentialType a 400', async () => {
    const { config } = await authorizePage(f);
    const forged = { ...config, sFT: `${config.sFT!.slice(0, -4)}AAAA` };
    let p!: Page;
    expect(await unchanged(async () => (p = page(await postPassword(f, forged, alice(f).upn, alice(f).password))))).toBe(true);
    expect(p.config.sErrorCode).toBe('90100');
    let r!: Awaited<ReturnType<typeof getCredType>>;
    expect(await unchanged(async () => (r = await getCredType(f, forged, alice(f).upn)))).toBe(true);
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: 'invalid_request', error_codes: [90100] });
  });

  it("a foreign flow token (another sign-in's, with this page's context) is refused", async () => {
    const mine = (await authorizePage(f)).config;
    const theirs = (await authorizePage(f)).config;
    let p!: Page;
    expect(await unchanged(async () => (p = page(await postPassword(f, { ...mine, sFT: theirs.sFT }, alice(f).upn, alice(f).password))))).toBe(true);
    expect(p.config.sErrorCode).toBe('90100');
  });

  it('a stale flow token (the one the sign-in page had, after the password moved the flow on) is refused', async () => {
    const first = await authorizePage(f);
    page(await postPassword(f, first.config, bob(f).upn, bob(f).password));
    let p!: Page;
    expect(await unchanged(async () => (p = page(await postPassword(f, first.config, bob(f).upn, bob(f).password))))).toBe(true);
    expect(p.config.sErrorCode).toBe('90100');
  });

  it('a flow token past its half hour is AADSTS50089', async () => {
    const { config } = await authorizePage(f);
    f.lab.clock.advance(31 * 60_000);
    let p!: Page;
    expect(await unchanged(async () => (p = page(await postPassword(f, config, alice(f).upn, alice(f).password))))).toBe(true);
    expect(p.config.sErrorCode).toBe('50089');
  });

  it('EndAuth for another session: InvalidSession, no retry', async () => {
    const tfa = (await mfaPage()).config;
    const begun = await beginAuth(f, tfa);
    const other = (await mfaPage()).config;
    let r!: Awaited<ReturnType<typeof endAuthPoll>>;
    expect(await unchanged(async () => (r = await endAuthPoll(f.lab, tfa, begun, 1, other.sessionId!)))).toBe(true);
    expect(r).toMatchObject({ Success: false, Retry: false, ResultValue: 'InvalidSession', ErrCode: 90100 });
  });
});
