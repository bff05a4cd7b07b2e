import { createPrivateKey, type KeyObject } from 'node:crypto';
import { CompactSign, createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { tempLab } from './lab.js';
import type { Lab, LabResponse } from '../../emulators/lab/lab.js';
import { startEntraServer, type EntraServer } from '../../emulators/entra/server.js';
import { x509, toCryptoKeys, RSA_SHA256 } from '../../emulators/protocols/x509.js';
import { formBody } from '../../emulators/protocols/oauth.js';
import { bcryptRsaKeyBlob } from '../../emulators/protocols/bcrypt-blob.js';
import { JOIN_CSR_CN, type DrsJoinResponse } from '../../emulators/protocols/drs.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';

/**
 * The client side of the Entra tests: what a Windows device would send, written with node crypto and
 * @peculiar/x509 (the real virtual device lives in emulators/device/). Every request goes over loopback HTTP.
 */
export interface EntraFixture {
  lab: Lab;
  entra: EntraServer;
  dispose(): Promise<void>;
}

export async function startEntra(seed = 'entra-tests'): Promise<EntraFixture> {
  const { lab, dispose } = tempLab({ seed });
  const entra = await startEntraServer({ lab });
  return {
    lab,
    entra,
    dispose: async () => {
      await entra.close();
      dispose();
    },
  };
}

export function postForm(lab: Lab, url: string, fields: Record<string, string | undefined>): Promise<LabResponse> {
  return lab.send({
    from: 'device',
    to: 'entra',
    request: { method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: formBody(fields) },
  });
}

export function get(lab: Lab, url: string, headers: Record<string, string> = {}): Promise<LabResponse> {
  return lab.send({ from: 'device', to: 'entra', request: { method: 'GET', url, headers, body: '' } });
}

export function postJson(lab: Lab, url: string, body: unknown, headers: Record<string, string> = {}): Promise<LabResponse> {
  return lab.send({
    from: 'device',
    to: 'entra',
    request: { method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) },
  });
}

/** Verify a token against the JWKS the server serves, by the lab clock. */
export async function verifyWithServedJwks(f: EntraFixture, token: string): Promise<JWTPayload> {
  const set = (await get(f.lab, f.entra.jwksUrl)).json<{ keys: Parameters<typeof createLocalJWKSet>[0]['keys'] }>();
  const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: set.keys }), { algorithms: ['RS256'], currentDate: f.lab.clock.date() });
  return payload;
}

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export const BROKER = '29d9ed98-a469-4536-ade2-f981bc1d605e';
export const WINDOWS_SIGN_IN = '38aa3b87-a06d-4817-b275-7a316988d93b';
export const DRS_RESOURCE = 'urn:ms-drs:enterpriseregistration.windows.net';

export function alice(f: EntraFixture) {
  return f.entra.users.find((u) => !u.mfa)!;
}

export function bob(f: EntraFixture) {
  return f.entra.users.find((u) => u.mfa)!;
}

/** v1 ROPC as ROADtools sends it (entra-mde2.md §5.2). */
export async function ropcV1(f: EntraFixture, resource: string, user = alice(f)): Promise<LabResponse> {
  return postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`, {
    client_id: BROKER,
    grant_type: 'password',
    username: user.upn,
    password: user.password,
    resource,
  });
}

export async function drsToken(f: EntraFixture): Promise<string> {
  const r = await ropcV1(f, DRS_RESOURCE);
  if (r.status !== 200) throw new Error(`DRS token: ${r.text()}`);
  return r.json<{ access_token: string }>().access_token;
}

export async function makeCsr(keys: { privateKey: KeyObject; publicKey: KeyObject }, cn = JOIN_CSR_CN): Promise<string> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${cn}`, keys: await toCryptoKeys(keys), signingAlgorithm: RSA_SHA256 });
  return Buffer.from(csr.rawData).toString('base64');
}

export interface JoinedDevice {
  deviceId: string;
  certDer: Buffer;
  cert: x509.X509Certificate;
  deviceKey: { privateKey: KeyObject; publicKey: KeyObject };
  transportKey: { privateKey: KeyObject; publicKey: KeyObject };
}

export async function joinBody(f: EntraFixture, over: Partial<Record<string, unknown>> = {}) {
  const deviceKey = await f.lab.keys.rsa('test-device-key');
  const transportKey = await f.lab.keys.rsa('test-transport-key');
  const body = {
    CertificateRequest: { Type: 'pkcs10', Data: await makeCsr(deviceKey) },
    TransportKey: bcryptRsaKeyBlob(transportKey.publicKey).toString('base64'),
    TargetDomain: f.entra.tenantDomain,
    DeviceType: 'Windows',
    OSVersion: '10.0.26100.1742',
    DeviceDisplayName: 'LAB-PC-01',
    JoinType: 0,
    Attributes: { ReuseDevice: 'true', ReturnClientSid: 'true' },
    ...over,
  };
  return { body, deviceKey, transportKey };
}

export async function join(f: EntraFixture): Promise<JoinedDevice> {
  const token = await drsToken(f);
  const { body, deviceKey, transportKey } = await joinBody(f);
  const r = await postJson(f.lab, `${f.entra.drsUrl}${ENTRA_PATHS.drsJoin}?api-version=2.0`, body, { authorization: `Bearer ${token}` });
  if (r.status !== 200) throw new Error(`join: ${r.status} ${r.text()}`);
  const certDer = Buffer.from(r.json<DrsJoinResponse>().Certificate.RawBody, 'base64');
  const cert = new x509.X509Certificate(certDer);
  return { deviceId: cert.subject.replace(/^CN=/, ''), certDer, cert, deviceKey, transportKey };
}

export async function srvChallenge(f: EntraFixture, tenant = 'common'): Promise<string> {
  const r = await postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(tenant)}`, { grant_type: 'srv_challenge' });
  return r.json<{ Nonce: string }>().Nonce;
}

/** The device-key-signed PRT request JWT (§6.2): RS256, x5c as ONE base64 string, kdf_ver 2. */
export async function devicesignedJwt(device: Pick<JoinedDevice, 'deviceKey' | 'certDer'>, payload: Record<string, unknown>, x5c: 'string' | 'array' = 'string'): Promise<string> {
  const b64 = device.certDer.toString('base64');
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5c: x5c === 'string' ? (b64 as unknown as string[]) : [b64], kdf_ver: 2 })
    .sign(createPrivateKey(device.deviceKey.privateKey.export({ type: 'pkcs8', format: 'pem' })));
}

export async function requestPrt(f: EntraFixture, device: JoinedDevice, payload: Record<string, unknown>): Promise<LabResponse> {
  const request = await devicesignedJwt(device, payload);
  return postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`, {
    windows_api_version: '2.2',
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    request,
    client_info: '1',
    tgt: 'True',
  });
}

export function passwordPrtPayload(f: EntraFixture, nonce: string, user = alice(f)): Record<string, unknown> {
  return { client_id: WINDOWS_SIGN_IN, request_nonce: nonce, scope: 'openid aza ugs', win_ver: '10.0.26100.1742', grant_type: 'password', username: user.upn, password: user.password };
}
