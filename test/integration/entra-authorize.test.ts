import { createHash } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startEntra, get, postForm, alice, claimsOf, BROKER, DRS_RESOURCE, type EntraFixture } from '../helpers/entra.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';
import { readConfig } from '../../emulators/protocols/login-config.js';
import { findUser } from '../../emulators/entra/directory.js';
import { issueCode } from '../../emulators/entra/authorize/codes.js';
import type { AuthorizeRequest } from '../../emulators/entra/authorize/request.js';

let f: EntraFixture;
beforeAll(async () => {
  f = await startEntra('entra-authorize');
});
afterAll(async () => {
  await f.dispose();
});

const authorizeUrl = (q: Record<string, string>, version: '1.0' | '2.0' = '1.0') => `${f.entra.url}${ENTRA_PATHS.authorize('common', version)}?${new URLSearchParams(q)}`;
const tokenUrl = (version: '1.0' | '2.0' = '1.0') => `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId, version)}`;
const MSAUTH = 'msauth://Microsoft.AAD.BrokerPlugin';

/** A code as a sign-in at authorize would mint it (the login pages and PRT SSO have their own tests). */
function codeFor(over: Partial<AuthorizeRequest> = {}): string {
  const user = findUser(f.entra.ctx, alice(f).upn)!;
  const req: AuthorizeRequest = {
    tenantId: f.entra.tenantId,
    tenantSegment: 'common',
    version: '1.0',
    clientId: BROKER,
    redirectUri: MSAUTH,
    resource: DRS_RESOURCE,
    scope: null,
    state: null,
    nonce: null,
    responseMode: 'query',
    codeChallenge: null,
    codeChallengeMethod: null,
    prompt: null,
    loginHint: null,
    ...over,
  };
  return issueCode(f.entra.ctx, req, { user, amr: ['pwd'], deviceId: null });
}

describe('authorize: the request checks (RFC 6749 §4.1.2.1)', () => {
  it('an unregistered redirect URI is an error page with AADSTS50011 in $Config, nothing written', async () => {
    const before = f.entra.store.fileBytes();
    const r = await get(f.lab, authorizeUrl({ client_id: BROKER, response_type: 'code', redirect_uri: 'https://evil.example/cb', resource: DRS_RESOURCE }));
    expect(f.entra.store.fileBytes().equals(before)).toBe(true);
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    const config = readConfig(r.text())!;
    expect(config.sErrorCode).toBe('50011');
    expect(String(config.strServiceExceptionMessage)).toMatch(/^AADSTS50011: The redirect URI 'https:\/\/evil.example\/cb' specified in the request does not match/);
  });

  it('an unknown client is an error page with AADSTS700016', async () => {
    const r = await get(f.lab, authorizeUrl({ client_id: '11111111-2222-3333-4444-555555555555', response_type: 'code', redirect_uri: MSAUTH }));
    expect(r.status).toBe(400);
    expect(readConfig(r.text())!.sErrorCode).toBe('700016');
  });

  it('a registered redirect URI matches with the scheme and host in another case (WAM writes microsoft.aad.brokerplugin)', async () => {
    const r = await get(f.lab, authorizeUrl({ client_id: BROKER, response_type: 'token', redirect_uri: 'MSAUTH://microsoft.aad.brokerplugin', resource: DRS_RESOURCE, state: 's1' }));
    expect(r.status).toBe(302);
    const to = new URL(r.headers.location!);
    expect(to.searchParams.get('error')).toBe('unsupported_response_type');
  });

  it('prompt=none without SSO goes back to the redirect URI with login_required (AADSTS50058), with state', async () => {
    const r = await get(f.lab, authorizeUrl({ client_id: BROKER, response_type: 'code', redirect_uri: MSAUTH, resource: DRS_RESOURCE, prompt: 'none', state: 'xyz' }));
    expect(r.status).toBe(302);
    const to = new URL(r.headers.location!);
    expect(r.headers.location!.startsWith(`${MSAUTH}?`)).toBe(true);
    expect(to.searchParams.get('error')).toBe('login_required');
    expect(to.searchParams.get('error_description')).toMatch(/^AADSTS50058: /);
    expect(to.searchParams.get('state')).toBe('xyz');
    // The 302 body repeats the URL in its first <a href> (libhimmelblau reads it there).
    expect(r.text()).toMatch(/<a href="[^"]*error=login_required/);
  });

  it('a v2 request without scope goes back with AADSTS900144', async () => {
    const r = await get(f.lab, authorizeUrl({ client_id: BROKER, response_type: 'code', redirect_uri: MSAUTH }, '2.0'));
    expect(new URL(r.headers.location!).searchParams.get('error_description')).toMatch(/^AADSTS900144: .*'scope'/);
  });
});

describe('grant_type=authorization_code (RFC 6749 §4.1.3; libhimmelblau exchange_authorization_code_for_access_token_internal)', () => {
  it('redeems a code once for tokens of the authorize request\'s resource', async () => {
    const code = codeFor();
    const r = await postForm(f.lab, tokenUrl(), { client_id: BROKER, grant_type: 'authorization_code', code, redirect_uri: MSAUTH });
    expect(r.status).toBe(200);
    const body = r.json<{ access_token: string; refresh_token: string }>();
    expect(claimsOf(body.access_token)).toMatchObject({ aud: DRS_RESOURCE, upn: alice(f).upn, amr: ['pwd'] });
    expect(body.refresh_token).toBeTruthy();
  });

  it('a code redeemed twice is AADSTS54005, and the second try writes nothing', async () => {
    const code = codeFor();
    expect((await postForm(f.lab, tokenUrl(), { client_id: BROKER, grant_type: 'authorization_code', code, redirect_uri: MSAUTH })).status).toBe(200);
    const before = f.entra.store.fileBytes();
    const again = await postForm(f.lab, tokenUrl(), { client_id: BROKER, grant_type: 'authorization_code', code, redirect_uri: MSAUTH });
    expect(f.entra.store.fileBytes().equals(before)).toBe(true);
    expect(again.json<{ error_codes: number[] }>().error_codes).toEqual([54005]);
  });

  it('another redirect URI at redemption is refused, nothing written', async () => {
    const code = codeFor();
    const before = f.entra.store.fileBytes();
    const r = await postForm(f.lab, tokenUrl(), { client_id: BROKER, grant_type: 'authorization_code', code, redirect_uri: 'ms-aadj-redir://auth/drs' });
    expect(f.entra.store.fileBytes().equals(before)).toBe(true);
    expect(r.json<{ error: string; error_codes: number[] }>()).toMatchObject({ error: 'invalid_grant', error_codes: [500112] });
  });

  it('PKCE S256: the right verifier redeems, a wrong one is AADSTS501481 and writes nothing (RFC 7636 §4.6)', async () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const code = codeFor({ codeChallenge: challenge, codeChallengeMethod: 'S256' });
    const before = f.entra.store.fileBytes();
    const wrong = await postForm(f.lab, tokenUrl(), { client_id: BROKER, grant_type: 'authorization_code', code, redirect_uri: MSAUTH, code_verifier: `${verifier.slice(0, -1)}A` });
    expect(f.entra.store.fileBytes().equals(before)).toBe(true);
    expect(wrong.json<{ error_codes: number[] }>().error_codes).toEqual([501481]);
    const right = await postForm(f.lab, tokenUrl(), { client_id: BROKER, grant_type: 'authorization_code', code, redirect_uri: MSAUTH, code_verifier: verifier });
    expect(right.status).toBe(200);
  });

  it('a code past its ten minutes is AADSTS70008', async () => {
    const code = codeFor();
    f.lab.clock.advance(11 * 60_000);
    const r = await postForm(f.lab, tokenUrl(), { client_id: BROKER, grant_type: 'authorization_code', code, redirect_uri: MSAUTH });
    expect(r.json<{ error_codes: number[] }>().error_codes).toEqual([70008]);
  });

  it('a code issued to another client is refused', async () => {
    const code = codeFor();
    const r = await postForm(f.lab, tokenUrl(), { client_id: '1b730954-1685-4b74-9bfd-dac224a7b894', grant_type: 'authorization_code', code, redirect_uri: MSAUTH });
    expect(r.json<{ error: string }>().error).toBe('invalid_grant');
  });
});
