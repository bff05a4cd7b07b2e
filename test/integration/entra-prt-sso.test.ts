import { createHmac, createPrivateKey } from 'node:crypto';
import { CompactSign } from 'jose';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startEntra, get, postForm, join, srvChallenge, requestPrt, passwordPrtPayload, claimsOf, alice, BROKER, WINDOWS_SIGN_IN, DRS_RESOURCE, type EntraFixture, type JoinedDevice } from '../helpers/entra.js';
import { signWithSessionKey, unwrapSessionKeyJwe, type KdfVersion } from '../../emulators/protocols/prt-kdf.js';
import type { PrtResponse, TokenResponse } from '../../emulators/protocols/oauth.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';
import { readConfig } from '../../emulators/protocols/login-config.js';
import type { LabResponse } from '../../emulators/lab/lab.js';

/**
 * PRT SSO on /oauth2/authorize (entra-mde2.md corrections §2, §6.6 case 2), as libhimmelblau and ROADtools send it:
 * the PRT cookie (`x-ms-RefreshTokenCredential`) with or without the device credential, then the code redeemed by
 * `grant_type=authorization_code`.
 */
let f: EntraFixture;
let device: JoinedDevice;
let other: JoinedDevice;
let prt: { token: string; sessionKey: Buffer };

const AAD_POWERSHELL = '1b730954-1685-4b74-9bfd-dac224a7b894';
const NATIVE = 'https://login.microsoftonline.com/common/oauth2/nativeclient';
const MSAUTH = 'msauth://Microsoft.AAD.BrokerPlugin';

async function getPrt(d: JoinedDevice): Promise<{ token: string; sessionKey: Buffer }> {
  const r = await requestPrt(f, d, passwordPrtPayload(f, await srvChallenge(f)));
  expect(r.status).toBe(200);
  const body = r.json<PrtResponse>();
  return { token: body.refresh_token, sessionKey: unwrapSessionKeyJwe(body.session_key_jwe, d.transportKey.privateKey) };
}

beforeAll(async () => {
  f = await startEntra('entra-prt-sso');
  device = await join(f);
  prt = await getPrt(device);
  other = await join(f);
});
afterAll(async () => {
  await f.dispose();
});

const tenantUrl = (path: string) => `${f.entra.url}${path}`;
const authorizeUrl = (q: Record<string, string>, version: '1.0' | '2.0' = '1.0') => tenantUrl(`${ENTRA_PATHS.authorize(f.entra.tenantId, version)}?${new URLSearchParams(q)}`);

/** libhimmelblau `RefreshTokenCredentialPayload` with a nonce (no iat; None fields serialised as null), KDFv1 with a 32-byte ctx (compact-jwt `MsOapxbcSessionKey::sign`). */
function himmelblauCookie(nonce: string, p = prt): string {
  const payload = { refresh_token: p.token, request_nonce: nonce, ua_client_id: null, ua_redirect_uri: null, x_client_platform: null, win_ver: 'Ubuntu 24.04 LTS 24.04', windows_api_version: '2.0.1' };
  return signWithSessionKey(payload, p.sessionKey, { ctx: f.lab.ids.bytes(32), kdfVer: 1 });
}

/** libhimmelblau `DeviceCredentialPayload`, RS256 by the device key, header `typ: JWT` and `x5c` as an array. */
async function deviceCredential(d: JoinedDevice, nonce: string, over: Record<string, unknown> = {}): Promise<string> {
  const payload = { grant_type: 'device_auth', iss: 'aad:brokerplugin', request_nonce: nonce, ua_client_id: null, ua_redirect_uri: null, x_client_platform: null, win_ver: 'Ubuntu 24.04 LTS 24.04', windows_api_version: '2.0.1', ...over };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5c: [d.certDer.toString('base64')] })
    .sign(createPrivateKey(d.deviceKey.privateKey.export({ type: 'pkcs8', format: 'pem' })));
}

/** ROADtools `authenticate_with_prt` (KDFv1, 24-byte ctx) and `create_prt_cookie_kdf_ver_2`: `is_primary` and a nonce, or the old `iat`. */
function roadtoolsCookie(kdfVer: KdfVersion, nonce: string | null, p = prt): string {
  const payload = nonce ? { refresh_token: p.token, is_primary: 'true', request_nonce: nonce } : { refresh_token: p.token, is_primary: 'true', iat: String(f.lab.clock.seconds()) };
  return signWithSessionKey(payload, p.sessionKey, { ctx: f.lab.ids.bytes(24), kdfVer });
}

/** The query ROADtools `authenticate_with_prt_cookie` sends (v1, resource AAD Graph, client AAD PowerShell). */
function roadtoolsQuery(nonce: string | null): Record<string, string> {
  return {
    client_id: AAD_POWERSHELL,
    response_type: 'code',
    haschrome: '1',
    redirect_uri: NATIVE,
    'client-request-id': f.lab.ids.uuid(),
    'x-client-SKU': 'PCL.Desktop',
    'x-client-Ver': '3.19.7.16602',
    'x-client-CPU': 'x64',
    'x-client-OS': 'Microsoft Windows NT 10.0.19569.0',
    site_id: '501358',
    ...(nonce && { sso_nonce: nonce }),
    mscrid: f.lab.ids.uuid(),
    resource: 'https://graph.windows.net',
  };
}

const ROADTOOLS_HEADERS = { 'UA-CPU': 'AMD64', 'User-Agent': 'Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; Win64; x64; Trident/7.0; .NET4.0C; .NET4.0E)' };

/** The query libhimmelblau `exchange_prt_for_auth_code_internal` sends for a v1 resource with the broker. */
function himmelblauQuery(resource: string): Record<string, string> {
  return { client_id: BROKER, response_type: 'code', redirect_uri: MSAUTH, 'client-request-id': f.lab.ids.uuid(), resource };
}

/** The first `<a href>` of a 302 body, decoded as an HTML parser would (libhimmelblau's scraper). */
function firstHref(html: string): string | null {
  const m = /<a\s[^>]*href="([^"]*)"/i.exec(html);
  return m ? m[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>') : null;
}

function codeOf(r: LabResponse): string {
  expect(r.status).toBe(302);
  const code = new URL(r.headers.location!).searchParams.get('code');
  expect(code, r.headers.location).toBeTruthy();
  return code!;
}

function errorOf(r: LabResponse): { error: string | null; description: string } {
  expect(r.status).toBe(302);
  const to = new URL(r.headers.location!);
  return { error: to.searchParams.get('error'), description: to.searchParams.get('error_description') ?? '' };
}

async function redeem(code: string, fields: Record<string, string>): Promise<TokenResponse> {
  const r = await postForm(f.lab, tenantUrl(ENTRA_PATHS.token(f.entra.tenantId)), { grant_type: 'authorization_code', code, ...fields });
  expect(r.status, r.text()).toBe(200);
  return r.json<TokenResponse>();
}

/** Bad input: the answer, and the Entra DB file byte for byte as before. */
async function unchanged(send: () => Promise<LabResponse>): Promise<LabResponse> {
  const before = f.entra.store.fileBytes();
  const r = await send();
  expect(f.entra.store.fileBytes().equals(before)).toBe(true);
  return r;
}

describe('libhimmelblau exchange_prt_for_access_token', () => {
  it('the cookie and the device credential as headers give a code in the 302 Location and in the body\'s first <a href>', async () => {
    const nonce = await srvChallenge(f, f.entra.tenantId);
    const r = await get(f.lab, authorizeUrl(himmelblauQuery(DRS_RESOURCE)), { 'user-agent': '', 'x-ms-RefreshTokenCredential': himmelblauCookie(nonce), 'x-ms-DeviceCredential': await deviceCredential(device, nonce) });
    const code = codeOf(r);
    expect(r.headers.location!.startsWith(`${MSAUTH}?`)).toBe(true);
    expect(new URL(firstHref(r.text())!).searchParams.get('code')).toBe(code);
  });

  it('the code redeems (exchange_auth_code_for_access_token_internal) for an access token with deviceid and amr incl. rsa', async () => {
    const nonce = await srvChallenge(f, f.entra.tenantId);
    const r = await get(f.lab, authorizeUrl(himmelblauQuery(DRS_RESOURCE)), { 'x-ms-RefreshTokenCredential': himmelblauCookie(nonce), 'x-ms-DeviceCredential': await deviceCredential(device, nonce) });
    const tokens = await redeem(codeOf(r), { client_id: BROKER, redirect_uri: MSAUTH, 'client-request-id': f.lab.ids.uuid(), resource: DRS_RESOURCE });
    const claims = claimsOf(tokens.access_token);
    expect(claims).toMatchObject({ aud: DRS_RESOURCE, upn: alice(f).upn, deviceid: device.deviceId });
    expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'rsa']));
  });

  it('v2 (/oAuth2/v2.0/authorize with a scope, as libhimmelblau writes the path) works the same', async () => {
    const nonce = await srvChallenge(f, f.entra.tenantId);
    const url = authorizeUrl({ client_id: BROKER, response_type: 'code', redirect_uri: MSAUTH, 'client-request-id': f.lab.ids.uuid(), scope: `openid profile ${DRS_RESOURCE}/.default` }, '2.0').replace('/oauth2/', '/oAuth2/');
    const r = await get(f.lab, url, { 'x-ms-RefreshTokenCredential': himmelblauCookie(nonce), 'x-ms-DeviceCredential': await deviceCredential(device, nonce) });
    expect(codeOf(r)).toMatch(/^1\.A/);
  });

  it('the nonce is spent with the code: the same cookie a second time is refused (AADSTS50132), nothing written', async () => {
    const nonce = await srvChallenge(f, f.entra.tenantId);
    const headers = { 'x-ms-RefreshTokenCredential': himmelblauCookie(nonce), 'x-ms-DeviceCredential': await deviceCredential(device, nonce) };
    codeOf(await get(f.lab, authorizeUrl(himmelblauQuery(DRS_RESOURCE)), headers));
    const again = await unchanged(() => get(f.lab, authorizeUrl(himmelblauQuery(DRS_RESOURCE)), headers));
    expect(errorOf(again).description).toMatch(/^AADSTS50132: .*already used/);
  });

  it('a device credential of another device is AADSTS50155, nothing written, the nonce not spent', async () => {
    const nonce = await srvChallenge(f, f.entra.tenantId);
    const cookie = himmelblauCookie(nonce);
    const r = await unchanged(async () => get(f.lab, authorizeUrl(himmelblauQuery(DRS_RESOURCE)), { 'x-ms-RefreshTokenCredential': cookie, 'x-ms-DeviceCredential': await deviceCredential(other, nonce) }));
    expect(errorOf(r).description).toMatch(/^AADSTS50155: .*another device/);
    // Not spent: the right device credential with the same nonce still signs in.
    codeOf(await get(f.lab, authorizeUrl(himmelblauQuery(DRS_RESOURCE)), { 'x-ms-RefreshTokenCredential': cookie, 'x-ms-DeviceCredential': await deviceCredential(device, nonce) }));
  });

  it('a device credential that is not a device_auth grant, or for another nonce, is AADSTS50155', async () => {
    const nonce = await srvChallenge(f, f.entra.tenantId);
    const cookie = himmelblauCookie(nonce);
    for (const over of [{ grant_type: 'refresh_token' }, { request_nonce: 'AwABEgEAAAADAOz_BQD0_other' }]) {
      const r = await unchanged(async () => get(f.lab, authorizeUrl(himmelblauQuery(DRS_RESOURCE)), { 'x-ms-RefreshTokenCredential': cookie, 'x-ms-DeviceCredential': await deviceCredential(device, nonce, over) }));
      expect(errorOf(r).description).toMatch(/^AADSTS50155: /);
    }
  });
});

describe('ROADtools authenticate_with_prt_cookie', () => {
  it('KDFv1 (authenticate_with_prt): the cookie with a srv_challenge nonce gives a code, redeemed with authenticate_with_code_native', async () => {
    const nonce = await srvChallenge(f);
    const r = await get(f.lab, authorizeUrl(roadtoolsQuery(nonce)), { ...ROADTOOLS_HEADERS, cookie: `x-ms-RefreshTokenCredential=${roadtoolsCookie(1, nonce)}` });
    // ROADtools checks that the Location starts at its redirect URI, in any case.
    expect(r.headers.location!.toLowerCase().startsWith(NATIVE.toLowerCase())).toBe(true);
    const tokens = await redeem(codeOf(r), { client_id: AAD_POWERSHELL, redirect_uri: NATIVE, resource: 'https://graph.windows.net' });
    expect(claimsOf(tokens.access_token)).toMatchObject({ aud: 'https://graph.windows.net', deviceid: device.deviceId });
  });

  it('KDFv2 (authenticate_with_prt_v2, create_prt_cookie_kdf_ver_2): kdf_ver 2 in the header, the key over ctx and the payload', async () => {
    const nonce = await srvChallenge(f);
    const cookie = roadtoolsCookie(2, nonce);
    expect(JSON.parse(Buffer.from(cookie.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'HS256', kdf_ver: 2 });
    const r = await get(f.lab, authorizeUrl(roadtoolsQuery(nonce)), { ...ROADTOOLS_HEADERS, cookie: `x-ms-RefreshTokenCredential=${cookie}` });
    const tokens = await redeem(codeOf(r), { client_id: AAD_POWERSHELL, redirect_uri: NATIVE, resource: 'https://graph.windows.net' });
    expect(claimsOf(tokens.access_token).amr).toEqual(expect.arrayContaining(['rsa']));
  });

  it('a cookie without a nonce (the old iat model) is sent back to authorize with sso_nonce; the cookie signed with it then succeeds', async () => {
    const r = await get(f.lab, authorizeUrl(roadtoolsQuery(null)), { ...ROADTOOLS_HEADERS, cookie: `x-ms-RefreshTokenCredential=${roadtoolsCookie(2, null)}` });
    expect(r.status).toBe(302);
    const to = new URL(r.headers.location!);
    expect(to.pathname).toBe(ENTRA_PATHS.authorize(f.entra.tenantId));
    const ssoNonce = to.searchParams.get('sso_nonce');
    expect(ssoNonce).toBeTruthy();
    expect(to.searchParams.get('client_id')).toBe(AAD_POWERSHELL);
    const retry = await get(f.lab, to.toString(), { ...ROADTOOLS_HEADERS, cookie: `x-ms-RefreshTokenCredential=${roadtoolsCookie(2, ssoNonce)}` });
    expect(codeOf(retry)).toBeTruthy();
  });

  it('an expired nonce is a stale one: a redirect with a fresh sso_nonce, not an error', async () => {
    const nonce = await srvChallenge(f);
    f.lab.clock.advance(6 * 60_000);
    const r = await get(f.lab, authorizeUrl(roadtoolsQuery(nonce)), { cookie: `x-ms-RefreshTokenCredential=${roadtoolsCookie(1, nonce)}` });
    const fresh = new URL(r.headers.location!).searchParams.get('sso_nonce');
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(nonce);
  });

  it('a forged cookie (signed with another key) is AADSTS50132 to the redirect URI, nothing written, the nonce not spent', async () => {
    const nonce = await srvChallenge(f);
    const forged = { token: prt.token, sessionKey: Buffer.alloc(32, 7) };
    const r = await unchanged(() => get(f.lab, authorizeUrl(roadtoolsQuery(nonce)), { cookie: `x-ms-RefreshTokenCredential=${roadtoolsCookie(2, nonce, forged)}` }));
    expect(r.headers.location!.startsWith(NATIVE)).toBe(true);
    expect(errorOf(r)).toMatchObject({ error: 'interaction_required', description: expect.stringMatching(/^AADSTS50132: .*not signed with the session key/) });
    codeOf(await get(f.lab, authorizeUrl(roadtoolsQuery(nonce)), { cookie: `x-ms-RefreshTokenCredential=${roadtoolsCookie(2, nonce)}` }));
  });

  it('a cookie for an unknown PRT is AADSTS50132, nothing written', async () => {
    const nonce = await srvChallenge(f);
    const unknown = { token: `0.A${'x'.repeat(80)}`, sessionKey: prt.sessionKey };
    const r = await unchanged(() => get(f.lab, authorizeUrl(roadtoolsQuery(nonce)), { cookie: `x-ms-RefreshTokenCredential=${roadtoolsCookie(1, nonce, unknown)}` }));
    expect(errorOf(r).description).toMatch(/^AADSTS50132: .*unknown/);
  });

  it('an HS256 cookie without ctx (signed with the raw session key) is not a PRT cookie: AADSTS50132', async () => {
    const nonce = await srvChallenge(f);
    const h = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const p = Buffer.from(JSON.stringify({ refresh_token: prt.token, is_primary: 'true', request_nonce: nonce })).toString('base64url');
    const cookie = `${h}.${p}.${createHmac('sha256', prt.sessionKey).update(`${h}.${p}`).digest('base64url')}`;
    const r = await unchanged(() => get(f.lab, authorizeUrl(roadtoolsQuery(nonce)), { cookie: `x-ms-RefreshTokenCredential=${cookie}` }));
    expect(errorOf(r).description).toMatch(/^AADSTS50132: /);
  });

  it('an unknown redirect URI with a valid cookie is the AADSTS50011 error page; the nonce is not spent', async () => {
    const nonce = await srvChallenge(f);
    const cookie = `x-ms-RefreshTokenCredential=${roadtoolsCookie(1, nonce)}`;
    const r = await unchanged(() => get(f.lab, authorizeUrl({ ...roadtoolsQuery(nonce), redirect_uri: 'https://evil.example/cb' }), { cookie }));
    expect(r.status).toBe(400);
    expect(readConfig(r.text())!.sErrorCode).toBe('50011');
    codeOf(await get(f.lab, authorizeUrl(roadtoolsQuery(nonce)), { cookie }));
  });

  it('prompt=login ignores the cookie (the login pages take over)', async () => {
    const nonce = await srvChallenge(f);
    const r = await get(f.lab, authorizeUrl({ ...roadtoolsQuery(nonce), prompt: 'login' }), { cookie: `x-ms-RefreshTokenCredential=${roadtoolsCookie(1, nonce)}` });
    expect(r.headers.location ?? '').not.toMatch(/[?&]code=/);
  });
});

describe('libhimmelblau acquire_user_prt_by_username_password (the CloudAP password grant)', () => {
  it('x5c as an array, no kdf_ver, windows_api_version 2.0 and tgt=true: a PRT', async () => {
    const nonce = await srvChallenge(f);
    const payload = { client_id: WINDOWS_SIGN_IN, request_nonce: nonce, scope: 'openid aza ugs', win_ver: 'Ubuntu 24.04 LTS 24.04', grant_type: 'password', username: alice(f).upn, password: alice(f).password };
    const request = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5c: [device.certDer.toString('base64')] })
      .sign(createPrivateKey(device.deviceKey.privateKey.export({ type: 'pkcs8', format: 'pem' })));
    const r = await postForm(f.lab, tenantUrl(ENTRA_PATHS.token(f.entra.tenantId)), { windows_api_version: '2.0', grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', request, client_info: '1', tgt: 'true' });
    expect(r.status, r.text()).toBe(200);
    const body = r.json<PrtResponse>();
    expect(body.token_type).toBe('pop');
    expect(unwrapSessionKeyJwe(body.session_key_jwe, device.transportKey.privateKey)).toHaveLength(32);
  });
});

describe('PRT SSO with an expired PRT', () => {
  it('is AADSTS50132, nothing written', async () => {
    f.lab.clock.advance(15 * 24 * 3600_000);
    const nonce = await srvChallenge(f);
    const r = await unchanged(() => get(f.lab, authorizeUrl(roadtoolsQuery(nonce)), { cookie: `x-ms-RefreshTokenCredential=${roadtoolsCookie(2, nonce)}` }));
    expect(errorOf(r).description).toMatch(/^AADSTS50132: .*expired/);
  });
});
