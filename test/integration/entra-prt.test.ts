import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import {
  startEntra,
  postForm,
  join,
  srvChallenge,
  requestPrt,
  passwordPrtPayload,
  devicesignedJwt,
  verifyWithServedJwks,
  ropcV1,
  alice,
  BROKER,
  WINDOWS_SIGN_IN,
  type EntraFixture,
  type JoinedDevice,
} from '../helpers/entra.js';
import { x509, toCryptoKeys, RSA_SHA256 } from '../../emulators/protocols/x509.js';
import { signWithSessionKey, decryptWithSessionKey, unwrapSessionKeyJwe, type KdfVersion } from '../../emulators/protocols/prt-kdf.js';
import type { PrtResponse, TokenResponse } from '../../emulators/protocols/oauth.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';

let f: EntraFixture;
let device: JoinedDevice;
beforeAll(async () => {
  f = await startEntra();
  device = await join(f);
});
afterAll(async () => {
  await f.dispose();
});

const MDM_ENROLL = `http://127.0.0.1:8443${MDM_PATHS.enrollEntryPoint}`;

async function getPrt(): Promise<{ prt: PrtResponse; sessionKey: Buffer }> {
  const r = await requestPrt(f, device, passwordPrtPayload(f, await srvChallenge(f)));
  expect(r.status).toBe(200);
  const prt = r.json<PrtResponse>();
  return { prt, sessionKey: unwrapSessionKeyJwe(prt.session_key_jwe, device.transportKey.privateKey) };
}

/** The PRT-to-access-token exchange (§6.6 item 1), signed with the session key; the nonce is fetched first. */
async function exchangeForm(prt: string, sessionKey: Buffer, over: Record<string, unknown> = {}, kdfVer: KdfVersion = 2) {
  const nonce = await srvChallenge(f);
  const payload = {
    client_id: BROKER,
    grant_type: 'refresh_token',
    refresh_token: prt,
    request_nonce: nonce,
    scope: 'openid',
    resource: MDM_ENROLL,
    redirect_uri: 'ms-aadj-redir://auth/mdm',
    iss: 'aad:brokerplugin',
    aud: 'login.microsoftonline.com',
    win_ver: '10.0.26100.1742',
    iat: String(f.lab.clock.seconds()),
    ...over,
  };
  const request = signWithSessionKey(payload, sessionKey, { ctx: f.lab.ids.bytes(24), kdfVer });
  return { windows_api_version: '2.2', grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', request, client_info: '1' };
}

const tokenUrl = () => `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`;

async function exchange(prt: string, sessionKey: Buffer, over: Record<string, unknown> = {}, kdfVer: KdfVersion = 2) {
  return postForm(f.lab, tokenUrl(), await exchangeForm(prt, sessionKey, over, kdfVer));
}

async function refused(send: () => Promise<{ status: number; json<T>(): T }>) {
  const before = f.entra.store.fileBytes();
  const r = await send();
  expect(r.status).toBe(400);
  expect(f.entra.store.fileBytes().equals(before)).toBe(true);
  return r.json<{ error: string; error_codes: number[] }>();
}

describe('PRT nonce (entra-mde2.md §6.1)', () => {
  it('srv_challenge at common answers {"Nonce": …}', async () => {
    const r = await postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token('common')}`, { grant_type: 'srv_challenge' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json<object>())).toEqual(['Nonce']);
  });
});

describe('PRT request (entra-mde2.md §6.2–§6.4)', () => {
  it('a device-signed password request with a nonce from common gets a PRT, a session key for the transport key and an id_token', async () => {
    const { prt, sessionKey } = await getPrt();
    expect(prt.token_type).toBe('pop');
    expect(prt.refresh_token).toMatch(/^0\.A[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(prt.refresh_token_expires_in).toBe(1209600);
    expect(prt.device_tenant_id).toBe(f.entra.tenantId);
    expect(sessionKey).toHaveLength(32);
    const idToken = JSON.parse(Buffer.from(prt.id_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(idToken).toMatchObject({ aud: WINDOWS_SIGN_IN, upn: alice(f).upn, amr: ['pwd', 'rsa'], tid: f.entra.tenantId });
    expect(JSON.parse(Buffer.from(prt.id_token.split('.')[0]!, 'base64url').toString())).toEqual({ typ: 'JWT', alg: 'none' });
  });

  it('only the transport private key unwraps the session key', async () => {
    const { prt } = await getPrt();
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(() => unwrapSessionKeyJwe(prt.session_key_jwe, device.deviceKey.privateKey)).toThrow();
    expect(() => unwrapSessionKeyJwe(prt.session_key_jwe, other.privateKey)).toThrow();
  });

  it('x5c as an array (MS-OAPXBC form) is accepted too', async () => {
    const request = await devicesignedJwt(device, passwordPrtPayload(f, await srvChallenge(f)), 'array');
    const r = await postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', request, windows_api_version: '2.2' });
    expect(r.status).toBe(200);
  });

  it('a refresh-token grant keeps the amr of the sign-in and adds rsa', async () => {
    const rt = (await ropcV1(f, 'urn:ms-drs:enterpriseregistration.windows.net')).json<{ refresh_token: string }>().refresh_token;
    const nonce = await srvChallenge(f);
    const r = await requestPrt(f, device, { client_id: BROKER, request_nonce: nonce, scope: 'openid aza ugs', win_ver: '10.0.26100.1742', grant_type: 'refresh_token', refresh_token: rt });
    expect(r.status).toBe(200);
    const idToken = JSON.parse(Buffer.from(r.json<PrtResponse>().id_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(idToken.amr).toEqual(['pwd', 'rsa']);
  });

  it('a wrong nonce is refused (invalid_grant) and nothing is written', async () => {
    const e = await refused(() => requestPrt(f, device, passwordPrtPayload(f, 'AwABEgEAAAADAOz_BQD0_not-a-nonce')));
    expect(e.error).toBe('invalid_grant');
    expect(e.error_codes).toEqual([70000]);
  });

  it('a replayed nonce is refused and nothing is written', async () => {
    const nonce = await srvChallenge(f);
    expect((await requestPrt(f, device, passwordPrtPayload(f, nonce))).status).toBe(200);
    const e = await refused(() => requestPrt(f, device, passwordPrtPayload(f, nonce)));
    expect(e.error_codes).toEqual([70000]);
  });

  it('an expired nonce is refused and nothing is written', async () => {
    const nonce = await srvChallenge(f);
    f.lab.clock.advance(301_000);
    const e = await refused(() => requestPrt(f, device, passwordPrtPayload(f, nonce)));
    expect(e.error_codes).toEqual([70000]);
  });

  it('a tampered request JWT (payload changed after signing) is refused with AADSTS50155 and nothing is written', async () => {
    const jws = await devicesignedJwt(device, passwordPrtPayload(f, await srvChallenge(f)));
    const [h, p, s] = jws.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, username: 'bob@enrollscope.onmicrosoft.com' })).toString('base64url')}.${s}`;
    const e = await refused(() => postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', request: forged }));
    expect(e.error_codes).toEqual([50155]);
  });

  it('a device certificate from another CA is refused with AADSTS50155 and nothing is written', async () => {
    const rogue = await f.lab.keys.rsa('test-rogue-ca');
    const rogueKeys = await toCryptoKeys(rogue);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: '01',
      subject: `CN=${device.deviceId}`,
      issuer: 'CN=MS-Organization-Access',
      notBefore: new Date(f.lab.clock.now() - 60_000),
      notAfter: new Date(f.lab.clock.now() + 3600_000),
      signingAlgorithm: RSA_SHA256,
      publicKey: await toCryptoKeys(device.deviceKey).then((k) => k.publicKey),
      signingKey: rogueKeys.privateKey,
    });
    const forgedDevice = { deviceKey: device.deviceKey, certDer: Buffer.from(cert.rawData) };
    const request = await devicesignedJwt(forgedDevice, passwordPrtPayload(f, await srvChallenge(f)));
    const e = await refused(() => postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', request }));
    expect(e.error_codes).toEqual([50155]);
  });

  it('a wrong password inside the PRT request gets AADSTS50126 and nothing is written', async () => {
    const payload = { ...passwordPrtPayload(f, await srvChallenge(f)), password: 'wrong' };
    const e = await refused(() => requestPrt(f, device, payload));
    expect(e.error_codes).toEqual([50126]);
  });
});

describe('session-key-signed exchange (entra-mde2.md §6.5–§6.7)', () => {
  for (const kdfVer of [1, 2] as const) {
    it(`KDFv${kdfVer}: the PRT is exchanged for an MDM access token carrying deviceid, in a session-key JWE`, async () => {
      const { prt, sessionKey } = await getPrt();
      const r = await exchange(prt.refresh_token, sessionKey, {}, kdfVer);
      expect(r.status).toBe(200);
      const parts = r.text().split('.');
      expect(parts).toHaveLength(5);
      const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()) as Record<string, unknown>;
      expect(header.alg).toBe('dir');
      expect(Buffer.from(header.ctx as string, 'base64')).toHaveLength(24);
      expect(Buffer.from(parts[2]!, 'base64url')).toHaveLength(16);
      const tokens = JSON.parse(decryptWithSessionKey(r.text(), sessionKey).toString()) as TokenResponse;
      const claims = await verifyWithServedJwks(f, tokens.access_token);
      expect(claims).toMatchObject({ aud: MDM_ENROLL, deviceid: device.deviceId, scp: 'mdm_delegation', upn: alice(f).upn, tid: f.entra.tenantId, appid: BROKER });
      expect(claims.amr).toEqual(['pwd', 'rsa']);
      expect(tokens.refresh_token).toBeDefined();
    });
  }

  it('scope aza renews the PRT; the new PRT works with the same session key', async () => {
    const { prt, sessionKey } = await getPrt();
    const r = await exchange(prt.refresh_token, sessionKey, { client_id: WINDOWS_SIGN_IN, scope: 'openid aza', resource: undefined });
    const tokens = JSON.parse(decryptWithSessionKey(r.text(), sessionKey).toString()) as TokenResponse & { session_key_jwe?: string };
    expect(tokens.refresh_token).not.toBe(prt.refresh_token);
    expect(tokens.session_key_jwe).toBeUndefined();
    expect((await exchange(tokens.refresh_token!, sessionKey)).status).toBe(200);
  });

  it('a request signed with another key is refused and nothing is written', async () => {
    const { prt } = await getPrt();
    const form = await exchangeForm(prt.refresh_token, Buffer.alloc(32, 1));
    const e = await refused(() => postForm(f.lab, tokenUrl(), form));
    expect(e.error).toBe('invalid_grant');
  });

  it('an exchange replaying a spent nonce is refused and nothing is written', async () => {
    const { prt, sessionKey } = await getPrt();
    const form = await exchangeForm(prt.refresh_token, sessionKey);
    expect((await postForm(f.lab, tokenUrl(), form)).status).toBe(200);
    const e = await refused(() => postForm(f.lab, tokenUrl(), form));
    expect(e.error_codes).toEqual([70000]);
  });

  it('a PRT presented as a plain refresh_token grant is refused', async () => {
    const { prt } = await getPrt();
    const e = await refused(() => postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`, { client_id: BROKER, grant_type: 'refresh_token', refresh_token: prt.refresh_token, resource: MDM_ENROLL }));
    expect(e.error).toBe('invalid_grant');
  });

  it('an expired PRT gets AADSTS700082 and nothing is written', async () => {
    const { prt, sessionKey } = await getPrt();
    f.lab.clock.advance(15 * 24 * 3600_000);
    const nonce = await srvChallenge(f);
    const request = signWithSessionKey(
      { client_id: BROKER, grant_type: 'refresh_token', refresh_token: prt.refresh_token, request_nonce: nonce, scope: 'openid', resource: MDM_ENROLL },
      sessionKey,
      { ctx: f.lab.ids.bytes(24), kdfVer: 2 },
    );
    const e = await refused(() => postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', request }));
    expect(e.error_codes).toEqual([700082]);
  });
});
