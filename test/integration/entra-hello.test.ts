import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import {
  startEntra,
  postForm,
  postJson,
  join,
  srvChallenge,
  requestPrt,
  passwordPrtPayload,
  devicesignedJwt,
  verifyWithServedJwks,
  drsToken,
  alice,
  bob,
  BROKER,
  WINDOWS_SIGN_IN,
  DRS_RESOURCE,
  type EntraFixture,
  type JoinedDevice,
} from '../helpers/entra.js';
import { bcryptRsaKeyBlob, BCRYPT_RSAPRIVATE_MAGIC } from '../../emulators/protocols/bcrypt-blob.js';
import { signWithSessionKey, decryptWithSessionKey, unwrapSessionKeyJwe } from '../../emulators/protocols/prt-kdf.js';
import type { PrtResponse, TokenResponse } from '../../emulators/protocols/oauth.js';
import type { KeyProvisionResponse } from '../../emulators/protocols/drs.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';

/**
 * Windows Hello for Business against the Entra emulator, as libhimmelblau (src/auth.rs, src/discovery.rs) and
 * ROADtools (roadlib/deviceauth.py) send it: MS-KPP key registration with a DRS token from the PRT, then the PRT
 * by the jwt-bearer NGC assertion. Every refusal is Entra's error and leaves the Entra DB file unchanged.
 */
let f: EntraFixture;
let device: JoinedDevice;
let otherDevice: JoinedDevice;
let helloKey: { privateKey: KeyObject; publicKey: KeyObject };
let helloBlob: Buffer;

const WIN_VER = '10.0.26100.1742';
const tokenUrl = () => `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`;
const keyUrl = (path: string = ENTRA_PATHS.drsKeyProvision) => `${f.entra.drsUrl}${path}?api-version=1.0`;
const kidOf = (blob: Buffer) => createHash('sha256').update(blob).digest('base64');
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/** The MFA user's sign-in by device code (RFC 8628): a refresh token whose amr carries mfa. */
async function mfaRefreshToken(): Promise<string> {
  const start = await postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.deviceCode(f.entra.tenantId, '2.0')}`, { client_id: BROKER, scope: `openid offline_access ${DRS_RESOURCE}/.default` });
  const s = start.json<{ device_code: string; user_code: string; interval: number }>();
  f.entra.approveDeviceCode(s.user_code, bob(f).upn);
  f.lab.clock.advance(s.interval * 1000);
  const r = await postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId, '2.0')}`, { client_id: BROKER, grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: s.device_code });
  expect(r.status).toBe(200);
  return r.json<TokenResponse>().refresh_token!;
}

/** A PRT from a refresh token (libhimmelblau acquire_user_prt_by_refresh_token_internal), session key unwrapped. */
async function prtFromRefreshToken(on: JoinedDevice, rt: string): Promise<{ prt: PrtResponse; sessionKey: Buffer }> {
  const r = await requestPrt(f, on, { client_id: BROKER, request_nonce: await srvChallenge(f), scope: 'openid aza ugs', win_ver: WIN_VER, grant_type: 'refresh_token', refresh_token: rt });
  expect(r.status).toBe(200);
  const prt = r.json<PrtResponse>();
  return { prt, sessionKey: unwrapSessionKeyJwe(prt.session_key_jwe, on.transportKey.privateKey) };
}

/** The PRT exchanged for a v1 token to `resource` (libhimmelblau exchange_prt_for_access_token_internal, §6.6). */
async function exchange(prt: string, sessionKey: Buffer, resource: string): Promise<TokenResponse> {
  const payload = { client_id: BROKER, grant_type: 'refresh_token', refresh_token: prt, request_nonce: await srvChallenge(f), scope: 'openid', resource, iss: 'aad:brokerplugin', aud: 'login.microsoftonline.com', win_ver: WIN_VER };
  const request = signWithSessionKey(payload, sessionKey, { ctx: f.lab.ids.bytes(24), kdfVer: 2 });
  const r = await postForm(f.lab, tokenUrl(), { windows_api_version: '2.2', grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', request, client_info: '1' });
  expect(r.status).toBe(200);
  return JSON.parse(decryptWithSessionKey(r.text(), sessionKey).toString()) as TokenResponse;
}

/** libhimmelblau provision_hello_for_business_key's DRS token: from the PRT of the MFA sign-in, with deviceid. */
async function helloDrsToken(on: JoinedDevice = device): Promise<string> {
  const { prt, sessionKey } = await prtFromRefreshToken(on, await mfaRefreshToken());
  return (await exchange(prt.refresh_token, sessionKey, DRS_RESOURCE)).access_token;
}

/** Services::provision_key: POST {"kngc": base64 blob} with the bearer, Dsreg's User-Agent, Accept JSON. */
function provisionKey(bearer: string | null, body: unknown, url = keyUrl(), headers: Record<string, string> = {}) {
  return postJson(f.lab, url, body, { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), accept: 'application/json', 'user-agent': 'Dsreg/10.0 (libhimmelblau)', ...headers });
}

/** HelloForBusinessAssertion, signed by the Hello key: header {typ, use: ngc, kid}, iss the UPN, aud common, ±5 min. */
async function assertion(key: KeyObject, kid: string, over: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const now = f.lab.clock.seconds();
  const payload = { iss: bob(f).upn, aud: 'common', iat: now - 300, exp: now + 300, scope: 'openid aza ugs', request_nonce: await srvChallenge(f), ...over };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', use: 'ngc', kid, ...header })
    .sign(createPrivateKey(key.export({ type: 'pkcs8', format: 'pem' })));
}

type Send = () => Promise<{ status: number; json<U>(): U }>;

/**
 * HelloForBusinessPayload, device-signed with x5c as an array (libhimmelblau build_jwt_by_hello_for_business_key),
 * ready to send: its nonce is asked first, so that a refusal test can snapshot the DB after every nonce was issued.
 */
async function helloPrtRequest(ngcAssertion: string, on: JoinedDevice = device, over: Record<string, unknown> = {}): Promise<Send> {
  const payload = { client_id: BROKER, request_nonce: await srvChallenge(f), scope: 'openid aza ugs', win_ver: WIN_VER, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', username: bob(f).upn, assertion: ngcAssertion, ...over };
  const request = await devicesignedJwt(on, payload, 'array');
  return () => postForm(f.lab, tokenUrl(), { windows_api_version: '2.2', grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', request, client_info: '1', tgt: 'true' });
}

async function helloPrt(ngcAssertion: string, on: JoinedDevice = device, over: Record<string, unknown> = {}) {
  return (await helloPrtRequest(ngcAssertion, on, over))();
}

/** Send a prepared request that must be refused; the Entra DB file must be byte-identical afterwards. */
async function refused<T>(status: number, send: Send): Promise<T> {
  const before = f.entra.store.fileBytes();
  const r = await send();
  expect(r.status).toBe(status);
  expect(f.entra.store.fileBytes().equals(before), 'the Entra DB file changed').toBe(true);
  return r.json<T>();
}

interface DrsErrorBody {
  ErrorType: string;
  Message: string;
  TraceId: string;
  Time: string;
}

interface OAuthErrorBody {
  error: string;
  error_codes: number[];
  error_description: string;
}

beforeAll(async () => {
  f = await startEntra('entra-hello-tests');
  device = await join(f);
  otherDevice = await join(f);
  helloKey = await f.lab.keys.rsa('test-hello-key');
  helloBlob = bcryptRsaKeyBlob(helloKey.publicKey);
});
afterAll(async () => {
  await f.dispose();
});

describe('libhimmelblau provision_hello_for_business_key (MS-KPP 3.1.5.1.1)', () => {
  it('registers the kngc blob with a DRS token from the PRT: 200 {kid, upn}, the key on the user and device pair', async () => {
    const token = await helloDrsToken();
    const claims = await verifyWithServedJwks(f, token);
    expect(claims).toMatchObject({ aud: DRS_RESOURCE, deviceid: device.deviceId, upn: bob(f).upn });
    expect(claims.amr).toEqual(expect.arrayContaining(['mfa']));

    const r = await provisionKey(token, { kngc: helloBlob.toString('base64') });
    expect(r.status).toBe(200);
    expect(r.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const body = r.json<KeyProvisionResponse>();
    // MS-KPP 3.1.5.1.1.2: a server-generated key id and the UPN; no pctx from the cloud.
    expect(body).toEqual({ kid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/), upn: bob(f).upn });
    const row = f.entra.store.dump().ngc_keys?.find((k) => k.kid === kidOf(helloBlob));
    expect(row).toMatchObject({ key_id: body.kid, device_id: device.deviceId, key_blob: helloBlob.toString('base64') });
    const users = f.entra.store.dump().users ?? [];
    expect(users.find((u) => u.object_id === row?.user_object_id)?.upn).toBe(bob(f).upn);
  });

  it('also answers at /EnrollmentServer/key without the trailing slash, as MS-KPP writes the URI', async () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const r = await provisionKey(await helloDrsToken(), { kngc: bcryptRsaKeyBlob(key.publicKey).toString('base64') }, keyUrl(ENTRA_PATHS.drsKeyProvisionNoSlash));
    expect(r.status).toBe(200);
  });

  describe('refuses with MS-DVRJ ErrorDetails and writes nothing', () => {
    let mfaToken: string;
    beforeAll(async () => {
      mfaToken = await helloDrsToken();
    });
    const key1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const privateBlob = () => {
      const b = Buffer.from(bcryptRsaKeyBlob(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey));
      b.writeUInt32LE(BCRYPT_RSAPRIVATE_MAGIC, 0);
      return b.toString('base64');
    };
    const freshBlob = () => bcryptRsaKeyBlob(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey).toString('base64');
    const cases: { name: string; status: number; errorType: string; reason: string; prepare: () => Promise<Send> }[] = [
      { name: 'no bearer token', status: 401, errorType: 'AuthenticationError', reason: 'missing_token', prepare: async () => () => provisionKey(null, { kngc: freshBlob() }) },
      {
        name: 'a DRS token from ROPC (no deviceid)',
        status: 401,
        errorType: 'AuthenticationError',
        reason: 'error_missing_device',
        prepare: async () => {
          const token = await drsToken(f);
          return () => provisionKey(token, { kngc: freshBlob() });
        },
      },
      {
        name: 'a PRT token without MFA (amr pwd, rsa)',
        status: 401,
        errorType: 'AuthenticationError',
        reason: 'error_mfa_required',
        prepare: async () => {
          const r = await requestPrt(f, device, passwordPrtPayload(f, await srvChallenge(f), alice(f)));
          const prt = r.json<PrtResponse>();
          const token = (await exchange(prt.refresh_token, unwrapSessionKeyJwe(prt.session_key_jwe, device.transportKey.privateKey), DRS_RESOURCE)).access_token;
          return () => provisionKey(token, { kngc: freshBlob() });
        },
      },
      { name: 'kngc not base64', status: 400, errorType: 'InvalidRequest', reason: 'invalid_kngc', prepare: async () => () => provisionKey(mfaToken, { kngc: 'not base64!' }) },
      { name: 'a bad blob: a private key blob (RSA2)', status: 400, errorType: 'InvalidRequest', reason: 'invalid_kngc_private_parts', prepare: async () => () => provisionKey(mfaToken, { kngc: privateBlob() }) },
      { name: 'a bad blob: RSA-1024', status: 400, errorType: 'InvalidRequest', reason: 'invalid_kngc_bad_bit_length', prepare: async () => () => provisionKey(mfaToken, { kngc: bcryptRsaKeyBlob(key1024.publicKey).toString('base64') }) },
      { name: 'a bad blob: truncated', status: 400, errorType: 'InvalidRequest', reason: 'invalid_kngc_', prepare: async () => () => provisionKey(mfaToken, { kngc: helloBlob.subarray(0, 100).toString('base64') }) },
      { name: 'no kngc', status: 400, errorType: 'InvalidRequest', reason: 'missing_kngc', prepare: async () => () => provisionKey(mfaToken, { key: helloBlob.toString('base64') }) },
      { name: 'no api-version', status: 400, errorType: 'InvalidRequest', reason: 'unsupported_api_version', prepare: async () => () => provisionKey(mfaToken, { kngc: helloBlob.toString('base64') }, `${f.entra.drsUrl}${ENTRA_PATHS.drsKeyProvision}`) },
      { name: 'accept not JSON', status: 400, errorType: 'InvalidRequest', reason: 'invalid_accept', prepare: async () => () => provisionKey(mfaToken, { kngc: helloBlob.toString('base64') }, keyUrl(), { accept: 'text/html' }) },
      { name: 'the same key again', status: 400, errorType: 'DirectoryError', reason: 'error_key_exists', prepare: async () => () => provisionKey(mfaToken, { kngc: helloBlob.toString('base64') }) },
    ];
    it.each(cases)('$name → $status $errorType', async ({ status, errorType, reason, prepare }) => {
      const e = await refused<DrsErrorBody>(status, await prepare());
      expect(Object.keys(e)).toEqual(['ErrorType', 'Message', 'TraceId', 'Time']);
      expect(e.ErrorType).toBe(errorType);
      expect(e.Message.startsWith(reason)).toBe(true);
    });
  });
});

describe('libhimmelblau acquire_user_prt_by_hello_for_business_key (the jwt-bearer NGC assertion)', () => {
  it('gets a PRT, a session key for the transport key and an id_token whose amr says rsa and mfa', async () => {
    const r = await helloPrt(await assertion(helloKey.privateKey, kidOf(helloBlob)));
    expect(r.status).toBe(200);
    const prt = r.json<PrtResponse>();
    expect(prt.token_type).toBe('pop');
    expect(unwrapSessionKeyJwe(prt.session_key_jwe, device.transportKey.privateKey)).toHaveLength(32);
    expect(claimsOf(prt.id_token)).toMatchObject({ upn: bob(f).upn, amr: ['rsa', 'mfa'], tid: f.entra.tenantId });
    const row = f.entra.store.dump().refresh_tokens?.find((t) => t.token === prt.refresh_token);
    expect(row).toMatchObject({ kind: 'prt', device_id: device.deviceId, amr: JSON.stringify(['rsa', 'mfa']) });
  });

  it('acquire_token_by_hello_for_business_key: the Hello PRT redeems for an access token with deviceid and amr mfa', async () => {
    const prt = (await helloPrt(await assertion(helloKey.privateKey, kidOf(helloBlob)))).json<PrtResponse>();
    const tokens = await exchange(prt.refresh_token, unwrapSessionKeyJwe(prt.session_key_jwe, device.transportKey.privateKey), DRS_RESOURCE);
    const claims = await verifyWithServedJwks(f, tokens.access_token);
    expect(claims).toMatchObject({ deviceid: device.deviceId, upn: bob(f).upn, amr: ['rsa', 'mfa'] });
  });

  it('ROADtools get_prt_with_hello_key: client 38aa3b87, x5c as one string, ±1 h window, is accepted too', async () => {
    const now = f.lab.clock.seconds();
    const ngc = await assertion(helloKey.privateKey, kidOf(helloBlob), { iat: now - 3600, exp: now + 3600 });
    const r = await requestPrt(f, device, { client_id: WINDOWS_SIGN_IN, request_nonce: await srvChallenge(f), scope: 'openid aza ugs', group_sids: [], win_ver: WIN_VER, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', username: bob(f).upn, assertion: ngc });
    expect(r.status).toBe(200);
  });

  it('spends the assertion nonce: the same assertion again is refused (replayed nonce) and nothing is written', async () => {
    const ngc = await assertion(helloKey.privateKey, kidOf(helloBlob));
    expect((await helloPrt(ngc)).status).toBe(200);
    const e = await refused<OAuthErrorBody>(400, await helloPrtRequest(ngc));
    expect(e.error).toBe('invalid_grant');
    expect(e.error_codes).toEqual([70000]);
  });

  it('spends the request nonce: a second request with it is refused (replayed nonce) and nothing is written', async () => {
    const nonce = await srvChallenge(f);
    expect((await helloPrt(await assertion(helloKey.privateKey, kidOf(helloBlob)), device, { request_nonce: nonce })).status).toBe(200);
    const ngc = await assertion(helloKey.privateKey, kidOf(helloBlob));
    const e = await refused<OAuthErrorBody>(400, await helloPrtRequest(ngc, device, { request_nonce: nonce }));
    expect(e.error_codes).toEqual([70000]);
  });

  describe("refuses with Entra's error and writes nothing", () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cases: { name: string; code: number; error: string; prepare: () => Promise<Send> }[] = [
      { name: 'wrong NGC key (the registered kid, signed by another key)', code: 50012, error: 'invalid_grant', prepare: async () => helloPrtRequest(await assertion(other.privateKey, kidOf(helloBlob))) },
      { name: 'unknown kid (a key never registered)', code: 135010, error: 'invalid_grant', prepare: async () => helloPrtRequest(await assertion(other.privateKey, kidOf(bcryptRsaKeyBlob(other.publicKey)))) },
      { name: "another user's key (iss alice, bob's key)", code: 135010, error: 'invalid_grant', prepare: async () => helloPrtRequest(await assertion(helloKey.privateKey, kidOf(helloBlob), { iss: alice(f).upn }), device, { username: alice(f).upn }) },
      { name: 'the key on another device', code: 135010, error: 'invalid_grant', prepare: async () => helloPrtRequest(await assertion(helloKey.privateKey, kidOf(helloBlob)), otherDevice) },
      { name: 'an unknown assertion nonce', code: 70000, error: 'invalid_grant', prepare: async () => helloPrtRequest(await assertion(helloKey.privateKey, kidOf(helloBlob), { request_nonce: 'AwABEgEAAAADAOz_BQD0_not-a-nonce' })) },
      { name: 'an expired assertion', code: 500133, error: 'invalid_grant', prepare: async () => helloPrtRequest(await assertion(helloKey.privateKey, kidOf(helloBlob), { iat: f.lab.clock.seconds() - 900, exp: f.lab.clock.seconds() - 60 })) },
      { name: "no 'use': 'ngc' in the header", code: 50027, error: 'invalid_request', prepare: async () => helloPrtRequest(await assertion(helloKey.privateKey, kidOf(helloBlob), {}, { use: 'sig' })) },
      { name: 'no assertion', code: 900144, error: 'invalid_request', prepare: async () => helloPrtRequest('', device, { assertion: undefined }) },
    ];
    it.each(cases)('$name → AADSTS$code', async ({ code, error, prepare }) => {
      const e = await refused<OAuthErrorBody>(400, await prepare());
      expect(e.error).toBe(error);
      expect(e.error_codes).toEqual([code]);
      expect(e.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
    });
  });
});
