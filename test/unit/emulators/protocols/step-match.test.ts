import { describe, expect, it } from 'vitest';
import { classifyRequest } from '../../../../emulators/protocols/step-match.js';

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const jwt = (header: Record<string, unknown>) => `${Buffer.from(JSON.stringify(header)).toString('base64url')}.e30.sig`;

describe('a request from outside the lab is classified by the catalog', () => {
  it('tells the discovery probe from Discover by method', () => {
    expect(classifyRequest({ server: 'mdm', method: 'GET', path: '/EnrollmentServer/Discovery.svc' })).toBe('mde2.discovery-probe');
    expect(classifyRequest({ server: 'mdm', method: 'POST', path: '/EnrollmentServer/Discovery.svc' })).toBe('mde2.discover');
  });

  it('tells token requests apart by grant_type', () => {
    const token = (body: string) => classifyRequest({ server: 'entra', method: 'POST', path: '/organizations/oauth2/v2.0/token', body });
    expect(token(form({ grant_type: 'password', username: 'a', password: 'b' }))).toBe('entra.token.password');
    expect(token(form({ grant_type: 'refresh_token', refresh_token: 'x' }))).toBe('entra.token.refresh');
    expect(token(form({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'x' }))).toBe('entra.token.device-code');
    expect(token(form({ grant_type: 'srv_challenge' }))).toBe('prt.nonce');
    expect(token(form({ grant_type: 'authorization_code', code: 'x' }))).toBe('entra.token.auth-code');
  });

  it('tells the PRT request from the PRT exchange by the request JWT header (RS256 + x5c vs HS256 + ctx)', () => {
    const bearer = (header: Record<string, unknown>) =>
      classifyRequest({ server: 'entra', method: 'POST', path: '/t/oauth2/token', body: form({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', request: jwt(header) }) });
    expect(bearer({ alg: 'RS256', x5c: ['MII'] })).toBe('prt.request');
    expect(bearer({ alg: 'HS256', ctx: 'AAAA', kdf_ver: 2 })).toBe('prt.exchange');
  });

  it('tells PRT SSO on authorize by the x-ms-RefreshTokenCredential header or cookie (libhimmelblau, ROADtools)', () => {
    const authorize = (headers?: Record<string, string>) => classifyRequest({ server: 'entra', method: 'GET', path: '/common/oAuth2/v2.0/authorize', ...(headers && { headers }) });
    expect(authorize()).toBe('entra.authorize');
    expect(authorize({ 'x-ms-refreshtokencredential': 'eyJ' })).toBe('entra.authorize.prt-sso');
    expect(authorize({ Cookie: 'a=b; x-ms-RefreshTokenCredential=eyJ' })).toBe('entra.authorize.prt-sso');
    expect(authorize({ cookie: 'x-ms-RefreshTokenCredentialX=eyJ', 'x-ms-refreshtokencredential': '' })).toBe('entra.authorize');
  });

  it("tells the login pages' requests apart by path and method (GetCredentialType, the credential POST, BeginAuth, EndAuth, ProcessAuth)", () => {
    const entra = (method: string, path: string) => classifyRequest({ server: 'entra', method, path });
    expect(entra('POST', '/common/GetCredentialType')).toBe('entra.login.credential-type');
    expect(entra('POST', '/organizations/login')).toBe('entra.login.credentials');
    expect(entra('POST', '/common/SAS/BeginAuth')).toBe('entra.login.begin-auth');
    expect(entra('GET', '/common/SAS/EndAuth')).toBe('entra.login.end-auth');
    expect(entra('POST', '/common/SAS/EndAuth')).toBe('entra.login.end-auth');
    expect(entra('POST', '/common/SAS/ProcessAuth')).toBe('entra.login.process-auth');
    expect(entra('POST', '/devicelogin')).toBe('user.devicelogin');
  });

  it('matches Entra paths in any case (libhimmelblau writes /oAuth2/v2.0/)', () => {
    expect(classifyRequest({ server: 'entra', method: 'POST', path: '/common/oAuth2/v2.0/token', body: form({ grant_type: 'srv_challenge' }) })).toBe('prt.nonce');
  });

  it('puts a request on a route the catalog does not know under http.other', () => {
    expect(classifyRequest({ server: 'mdm', method: 'GET', path: '/nothing/here' })).toBe('http.other');
    expect(classifyRequest({ server: 'entra', method: 'POST', path: '/t/oauth2/token', body: form({ grant_type: 'client_credentials' }) })).toBe('http.other');
  });
});

describe('Windows Hello steps are classified by the catalog', () => {
  const device = (payload: Record<string, unknown>) =>
    `${Buffer.from(JSON.stringify({ alg: 'RS256', x5c: ['MII'] })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
  const prt = (payload: Record<string, unknown>) =>
    classifyRequest({ server: 'entra', method: 'POST', path: '/t/oauth2/token', body: form({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', request: device(payload) }) });

  it('tells the Hello PRT request (jwt-bearer assertion inside) from the password and refresh-token ones', () => {
    expect(prt({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'a.b.c' })).toBe('prt.request.hello');
    expect(prt({ grant_type: 'password', username: 'u', password: 'p' })).toBe('prt.request');
    expect(prt({ grant_type: 'refresh_token', refresh_token: 'r' })).toBe('prt.request');
  });

  it('knows the MS-KPP key endpoint, with and without the trailing slash, in any case', () => {
    expect(classifyRequest({ server: 'entra', method: 'POST', path: '/EnrollmentServer/key/' })).toBe('drs.key-provision');
    expect(classifyRequest({ server: 'entra', method: 'POST', path: '/EnrollmentServer/key' })).toBe('drs.key-provision');
    expect(classifyRequest({ server: 'entra', method: 'POST', path: '/enrollmentserver/KEY/' })).toBe('drs.key-provision');
  });
});
