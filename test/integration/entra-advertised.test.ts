import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startEntra, postForm, get, ropcV1, alice, claimsOf, BROKER, DRS_RESOURCE, type EntraFixture } from '../helpers/entra.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';
import type { LabResponse } from '../../emulators/lab/lab.js';

let f: EntraFixture;
beforeAll(async () => {
  f = await startEntra('entra-advertised');
});
afterAll(async () => {
  await f.dispose();
});

/** Send a request and prove Entra's DB file did not change. */
async function readOnly(send: () => Promise<LabResponse>): Promise<LabResponse> {
  const before = f.entra.store.fileBytes();
  const r = await send();
  expect(f.entra.store.fileBytes().equals(before)).toBe(true);
  return r;
}

/** Every string anywhere in a JSON document that is a URL on this Entra server. */
function labUrls(doc: unknown, base: string, out = new Set<string>()): Set<string> {
  if (typeof doc === 'string' && doc.startsWith(base)) out.add(doc);
  else if (doc && typeof doc === 'object') for (const v of Object.values(doc)) labUrls(v, base, out);
  return out;
}

describe('every endpoint the discovery documents advertise answers', () => {
  it('walks the v1 and v2 OIDC metadata and DRS discovery and GETs every advertised URL: none is 404', async () => {
    const docs = [
      (await get(f.lab, `${f.entra.url}${ENTRA_PATHS.openidConfiguration(f.entra.tenantId)}`)).json(),
      (await get(f.lab, `${f.entra.url}${ENTRA_PATHS.openidConfiguration('common', '2.0')}`)).json(),
      (await get(f.lab, `${f.entra.url}${ENTRA_PATHS.drsDiscover(f.entra.tenantId)}?api-version=1.9`)).json(),
    ];
    const urls = new Set<string>();
    for (const d of docs) labUrls(d, f.entra.url, urls);
    const missing: string[] = [];
    for (const url of urls) if ((await get(f.lab, url)).status === 404) missing.push(url);
    expect(urls.size).toBeGreaterThanOrEqual(12);
    expect(missing).toEqual([]);
  });

  it('a GET of the POST-only token and device-code endpoints is AADSTS900561, as Entra answers it', async () => {
    for (const path of [ENTRA_PATHS.token(f.entra.tenantId), ENTRA_PATHS.token('common', '2.0'), ENTRA_PATHS.deviceCode('common', '2.0')]) {
      const r = await readOnly(() => get(f.lab, `${f.entra.url}${path}`));
      expect(r.status).toBe(400);
      expect(r.json()).toMatchObject({ error: 'invalid_request', error_codes: [900561] });
    }
  });
});

describe('the end_session_endpoint (OIDC RP-Initiated Logout §2)', () => {
  it('with post_logout_redirect_uri and state: 302 back to the client with state, session cookies cleared, nothing written', async () => {
    const url = `${f.entra.url}${ENTRA_PATHS.logout('common', '2.0')}?post_logout_redirect_uri=${encodeURIComponent('https://app.example/signed-out')}&state=s-1`;
    const r = await readOnly(() => get(f.lab, url));
    expect(r.step.catalogId).toBe('entra.logout');
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('https://app.example/signed-out?state=s-1');
    expect(r.headers['set-cookie']).toMatch(/ESTSAUTH=; expires=Thu, 01 Jan 1970/);
    expect(r.text()).toContain('href="https://app.example/signed-out?state=s-1"');
  });

  it('without a redirect: the signed-out page (v1, and v2 by POST)', async () => {
    const v1 = await readOnly(() => get(f.lab, `${f.entra.url}${ENTRA_PATHS.logout(f.entra.tenantId)}`));
    expect(v1.status).toBe(200);
    expect(v1.text()).toContain('You signed out of your account');
    const v2 = await readOnly(() => postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.logout(f.entra.tenantDomain, '2.0')}`, {}));
    expect(v2.status).toBe(200);
  });

  it('a post_logout_redirect_uri that is not an absolute URI is refused and clears nothing', async () => {
    const r = await readOnly(() => get(f.lab, `${f.entra.url}${ENTRA_PATHS.logout('common', '2.0')}?post_logout_redirect_uri=%2Fhome`));
    expect(r.status).toBe(400);
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('a sign-out leaves refresh tokens valid (Entra revokes them only by revokeSignInSessions)', async () => {
    const rt = (await ropcV1(f, DRS_RESOURCE)).json<{ refresh_token: string }>().refresh_token;
    await get(f.lab, `${f.entra.url}${ENTRA_PATHS.logout('common')}`);
    const again = await postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token('common')}`, { grant_type: 'refresh_token', client_id: BROKER, refresh_token: rt, resource: DRS_RESOURCE });
    expect(again.status).toBe(200);
  });
});

describe('the UserInfo endpoint (OIDC Core §5.3)', () => {
  const userinfo = () => `${f.entra.url}${ENTRA_PATHS.userinfo(f.entra.tenantId)}`;

  it('a Graph token gets the user\'s claims, sub being the client\'s id_token sub', async () => {
    const tokens = (await ropcV1(f, 'https://graph.microsoft.com')).json<{ access_token: string; id_token: string }>();
    const r = await readOnly(() => get(f.lab, userinfo(), { authorization: `Bearer ${tokens.access_token}` }));
    expect(r.step.catalogId).toBe('entra.userinfo');
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({
      sub: claimsOf(tokens.id_token).sub,
      name: 'Alice Lab',
      family_name: 'Lab',
      given_name: 'Alice',
      picture: 'https://graph.microsoft.com/v1.0/me/photo/$value',
      email: alice(f).upn,
    });
  });

  it('the token may come as a form field (RFC 6750 §2.2)', async () => {
    const token = (await ropcV1(f, '00000003-0000-0000-c000-000000000000')).json<{ access_token: string }>().access_token;
    const r = await readOnly(() => postForm(f.lab, userinfo(), { access_token: token }));
    expect(r.status).toBe(200);
    expect(r.json<{ email: string }>().email).toBe(alice(f).upn);
  });

  it('no token: 401 with WWW-Authenticate Bearer and no error attribute (RFC 6750 §3.1)', async () => {
    const r = await readOnly(() => get(f.lab, userinfo()));
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="", authorization_uri="[^"]+", client_id="00000003-0000-0000-c000-000000000000"$/);
    expect(r.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
  });

  it('a token for another resource (DRS) is invalid_token', async () => {
    const token = (await ropcV1(f, DRS_RESOURCE)).json<{ access_token: string }>().access_token;
    const r = await readOnly(() => get(f.lab, userinfo(), { authorization: `Bearer ${token}` }));
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('a forged token (payload edited, signature kept) is invalid_token', async () => {
    const token = (await ropcV1(f, 'https://graph.microsoft.com')).json<{ access_token: string }>().access_token;
    const [h, p, s] = token.split('.');
    const edited = Buffer.from(JSON.stringify({ ...claimsOf(token), name: 'Mallory' })).toString('base64url');
    const r = await readOnly(() => get(f.lab, userinfo(), { authorization: `Bearer ${h}.${edited}.${s}` }));
    expect(p).not.toBe(edited);
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('an expired Graph token (the lab clock two hours on) is invalid_token', async () => {
    const token = (await ropcV1(f, 'https://graph.microsoft.com')).json<{ access_token: string }>().access_token;
    f.lab.clock.advance(2 * 3600_000);
    const r = await readOnly(() => get(f.lab, userinfo(), { authorization: `Bearer ${token}` }));
    expect(r.status).toBe(401);
    expect(r.json()).toMatchObject({ error: { message: 'Lifetime validation failed, the token is expired.' } });
  });
});

describe('the WS-Federation PassiveAuthEndpoint (WS-Federation 1.2 §13.2)', () => {
  const wsfed = (q: string) => `${f.entra.url}${ENTRA_PATHS.wsfed(f.entra.tenantId)}${q}`;
  const cases: [string, string, RegExp][] = [
    ['no wa', '', /AADSTS90014: The required field 'wa'/],
    ['an unknown wa', '?wa=wsignup9', /AADSTS90014: The WS-Federation action 'wsignup9' is not supported/],
    ['wsignin1.0 without wtrealm', '?wa=wsignin1.0', /AADSTS90014: The required field 'wtrealm'/],
    ['wsignin1.0 for a realm the tenant does not have', '?wa=wsignin1.0&wtrealm=urn%3Aexample%3Arp', /AADSTS700016: Application with identifier 'urn:example:rp' was not found/],
    ['wsignin1.0 for an app with no such reply URL', `?wa=wsignin1.0&wtrealm=${encodeURIComponent(DRS_RESOURCE)}&wreply=https%3A%2F%2Frp.example%2F`, /AADSTS50011: The redirect URI 'https:\/\/rp.example\/' specified in the request does not match/],
  ];
  for (const [name, q, message] of cases) {
    it(`${name}: Entra's error page with the AADSTS line and trace details, nothing written`, async () => {
      const r = await readOnly(() => get(f.lab, wsfed(q)));
      expect(r.step.catalogId).toBe('entra.wsfed');
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      // The page escapes quotes as numeric references (protocols/html.ts).
      expect(r.text().replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))).toMatch(message);
      expect(r.text()).toMatch(/Correlation Id<\/dt><dd>[0-9a-f-]{36}/);
    });
  }

  it('wsignout1.0 with wreply signs out and redirects there', async () => {
    const r = await readOnly(() => get(f.lab, wsfed('?wa=wsignout1.0&wreply=https%3A%2F%2Frp.example%2Fbye')));
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('https://rp.example/bye');
  });
});

describe('the DRS RegistrationEndpoint (MS-DVRE workplace join, not offered)', () => {
  const url = () => `${f.entra.url}${ENTRA_PATHS.drsRegistration}`;
  const soap = (body: string) => ({ method: 'POST', url: url(), headers: { 'content-type': 'application/soap+xml; charset=utf-8' }, body });
  const rst = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action s:mustUnderstand="1">http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RST/wstep</a:Action><a:MessageID>urn:uuid:0d5a1441-5891-453b-becf-a2e5f6ea3749</a:MessageID></s:Header><s:Body><wst:RequestSecurityToken xmlns:wst="http://docs.oasis-open.org/ws-sx/ws-trust/200512"><wst:TokenType>http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentToken</wst:TokenType><wst:RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</wst:RequestType></wst:RequestSecurityToken></s:Body></s:Envelope>`;

  it('a WS-Trust RST Issue gets a SOAP 1.2 Receiver fault (500) relating to its MessageID', async () => {
    const r = await readOnly(() => f.lab.send({ from: 'device', to: 'entra', request: soap(rst) }));
    expect(r.step.catalogId).toBe('drs.registration');
    expect(r.status).toBe(500);
    expect(r.text()).toContain('<s:Value>s:Receiver</s:Value>');
    expect(r.text()).toContain('<a:RelatesTo>urn:uuid:0d5a1441-5891-453b-becf-a2e5f6ea3749</a:RelatesTo>');
    expect(r.text()).toContain('Workplace join (MS-DVRE) is not enabled for this tenant');
  });

  it('a body that is not an RST is a Sender fault (400); a GET is 405', async () => {
    const bad = await readOnly(() => f.lab.send({ from: 'device', to: 'entra', request: soap('not xml') }));
    expect(bad.status).toBe(400);
    expect(bad.text()).toContain('<s:Value>s:Sender</s:Value>');
    const getR = await readOnly(() => get(f.lab, url()));
    expect(getR.status).toBe(405);
    expect(getR.headers.allow).toBe('POST');
  });
});
