import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, type KeyObject } from 'node:crypto';
import { SignJWT, exportJWK } from 'jose';
import { x509 } from '../../emulators/protocols/x509.js';
import { tempLab } from '../helpers/lab.js';
import { startMdmServer, type MdmServer } from '../../emulators/mdm/server.js';
import { writeSettings } from '../../emulators/mdm/settings.js';
import { parseSoapEnvelope, readSoapFault, SOAP_CONTENT_TYPE } from '../../emulators/protocols/soap.js';
import { MDE2, encodeDeviceEnrollmentUserToken, type HeaderToken } from '../../emulators/protocols/mde2/envelope.js';
import { buildDiscover, readDiscoverResponse } from '../../emulators/protocols/mde2/discover.js';
import { buildGetPolicies, readGetPoliciesResponse } from '../../emulators/protocols/mde2/policy.js';
import {
  buildRequestSecurityToken,
  readRequestSecurityTokenResponseCollection,
  type ContextItem,
} from '../../emulators/protocols/mde2/wstep.js';
import {
  parseWapProvisioningDoc,
  readProvisionedEnrollment,
} from '../../emulators/protocols/mde2/provisioning-doc.js';
import { enrollmentByHardwareId, enrollmentByDeviceId } from '../../emulators/mdm/store/enrollments.js';
import { newSTSAuthToken } from '../../emulators/mdm/wstep/tokens.js';
import { makeWindowsCsr, withBadSignature, WINDOWS_DEVICE_ID_EXT } from '../helpers/windows-csr.js';
import type { Lab } from '../../emulators/lab/lab.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';

const TENANT = '6babcaad-604b-40ac-a9d7-9fd97c0b779f';
const CLIENT_ID = 'e4a1c1b2-7a33-4d6e-9b0f-5f0d1d0b2c11';
const KID = 'lab-entra-key-1';
const UPN = 'alex@contoso.example';

interface JwksFixture {
  url: string;
  /** The keys the fixture serves now (a test may rotate them). */
  keys: { kid: string; publicKey: KeyObject }[];
  close(): Promise<void>;
}

/** A small JWKS server, as Fleet's tests point FLEET_DEV_AZURE_JWT_JWKS_URI at a local JWKS. */
async function jwksServer(keys: { kid: string; publicKey: KeyObject }[]): Promise<JwksFixture> {
  const fixture: JwksFixture = { url: '', keys, close: async () => {} };
  const server = http.createServer(async (_req, res) => {
    const jwks = { keys: await Promise.all(fixture.keys.map(async (k) => ({ ...(await exportJWK(k.publicKey)), kid: k.kid, alg: 'RS256', use: 'sig' }))) };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fixture.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${ENTRA_PATHS.keys('common', '2.0')}`;
  fixture.close = () => new Promise<void>((r) => server.close(() => r()));
  return fixture;
}

interface Keys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

let lab: Lab;
let dispose: () => void;
let mdm: MdmServer;
let jwks: JwksFixture;
let entraKey: Keys;
let otherKey: Keys;
let deviceKey: Keys;

beforeAll(async () => {
  ({ lab, dispose } = tempLab({ seed: 'mdm-enrollment-it' }));
  entraKey = await lab.keys.rsa('entra-signing');
  otherKey = await lab.keys.rsa('attacker-signing');
  deviceKey = await lab.keys.rsa('device-mdm-client');
  jwks = await jwksServer([{ kid: KID, publicKey: entraKey.publicKey }]);
  mdm = await startMdmServer({ lab, settings: { entraTenantIds: [TENANT], entraClientIds: [CLIENT_ID], azureJwksUri: jwks.url } });
});

afterAll(async () => {
  await mdm.close();
  await jwks.close();
  dispose();
});

let counter = 0;
const msgId = () => `urn:uuid:0f0e0d0c-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

async function post(path: string, body: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(mdm.url + path, { method: 'POST', headers: { 'content-type': SOAP_CONTENT_TYPE }, body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** An Entra access token for the MDM app, as the header BinarySecurityToken carries it (base64 of the JWT). */
async function entraToken(o: { tid?: string; aud?: string; key?: Keys; kid?: string; exp?: number; upn?: string | null; preferred?: string; scp?: string; iss?: string } = {}): Promise<HeaderToken> {
  const now = lab.clock.seconds();
  const claims: Record<string, unknown> = { tid: o.tid ?? TENANT, unique_name: UPN, scp: o.scp ?? 'mdm_delegation' };
  if (o.upn !== null) claims.upn = o.upn ?? UPN;
  if (o.preferred) claims.preferred_username = o.preferred;
  const jwt = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? KID, typ: 'JWT' })
    .setIssuer(o.iss ?? `https://sts.windows.net/${o.tid ?? TENANT}/`)
    .setAudience(o.aud ?? CLIENT_ID)
    .setIssuedAt(now - 60)
    .setNotBefore(now - 60)
    .setExpirationTime(o.exp ?? now + 3600)
    .sign((o.key ?? entraKey).privateKey);
  return { valueType: MDE2.valueTypes.jwt, content: Buffer.from(jwt).toString('base64') };
}

function hex(n: number, seed: string): string {
  return createHash('sha256').update(seed).digest('hex').repeat(2).slice(0, n).toUpperCase();
}

/** Context items as Windows sends them during OOBE (fleet.md §7.3): no RequestVersion, six MACs. */
function windowsItems(o: { deviceId: string; hwDevId: string; notInOobe?: string; enrollmentType?: string; requestVersion?: string; omit?: string[] }): ContextItem[] {
  const items: ContextItem[] = [
    { name: 'UXInitiated', value: 'true' },
    { name: 'HWDevID', value: o.hwDevId },
    { name: 'Locale', value: 'en-US' },
    { name: 'TargetedUserLoggedIn', value: 'true' },
    { name: 'OSEdition', value: '48' },
    { name: 'DeviceName', value: 'DESKTOP-LAB01' },
    ...['00-15-5D-01-02-03', '00-15-5D-01-02-04', '02-00-4C-4F-4F-50', '00-00-00-00-00-00', '0A-00-27-00-00-0C', '00-50-56-C0-00-08'].map((m) => ({ name: 'MAC', value: m })),
    { name: 'DeviceID', value: o.deviceId },
    { name: 'EnrollmentType', value: o.enrollmentType ?? 'Full' },
    { name: 'DeviceType', value: 'CIMClient_Windows' },
    { name: 'OSVersion', value: '10.0.22631.2861' },
    { name: 'ApplicationVersion', value: '10.0.22631.2861' },
    { name: 'NotInOobe', value: o.notInOobe ?? 'false' },
  ];
  if (o.requestVersion) items.push({ name: 'RequestVersion', value: o.requestVersion });
  return items.filter((i) => !(o.omit ?? []).includes(i.name));
}

function device(tag: string) {
  return { deviceId: hex(32, `dev-${tag}`), hwDevId: hex(64, `hw-${tag}`) };
}

function enrollBody(token: HeaderToken | null, items: ContextItem[], csrBase64: string): string {
  const xml = buildRequestSecurityToken({
    messageId: msgId(),
    to: `${mdm.url}${MDM_PATHS.enroll}`,
    token: token ?? { valueType: 'x', content: 'x' },
    csrBase64,
    contextItems: items,
  });
  return token ? xml : xml.replace(/<wsse:Security[\s\S]*?<\/wsse:Security>/, '');
}

function fault(text: string) {
  return readSoapFault(parseSoapEnvelope(text));
}

describe('MS-MDE2 enrollment against the Fleet-like MDM server over loopback HTTP', () => {
  it('answers the bare GET probe of /EnrollmentServer/Discovery.svc with 200 and an empty body', async () => {
    const res = await fetch(`${mdm.url}${MDM_PATHS.enrollEntryPoint}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('runs Discover → GetPolicies → Enroll with an Entra JWT and provisions a client cert chained to the doc root, CN = HWDevID', async () => {
    const d = device('happy');
    const disc = await post(
      MDM_PATHS.enrollEntryPoint,
      buildDiscover({
        messageId: msgId(),
        to: `${mdm.url}${MDM_PATHS.enrollEntryPoint}`,
        emailAddress: UPN,
        requestVersion: '4.0',
        deviceType: 'CIMClient_Windows',
        applicationVersion: '10.0.22631.2861',
        osEdition: '48',
        authPolicies: ['OnPremise', 'Federated'],
      }),
    );
    expect(disc.status).toBe(200);
    expect(disc.type).toBe(SOAP_CONTENT_TYPE);
    const result = readDiscoverResponse(parseSoapEnvelope(disc.text))!;
    expect(result).toEqual({
      authPolicy: 'OnPremise',
      enrollmentVersion: '4.0',
      enrollmentPolicyServiceUrl: `${mdm.url}${MDM_PATHS.policy}`,
      enrollmentServiceUrl: `${mdm.url}${MDM_PATHS.enroll}`,
    });

    const token = await entraToken();
    const pol = await post(MDM_PATHS.policy, buildGetPolicies({ messageId: msgId(), to: result.enrollmentPolicyServiceUrl, token }));
    expect(fault(pol.text)).toBeNull();
    expect(readGetPoliciesResponse(parseSoapEnvelope(pol.text))).toMatchObject({ commonName: 'FleetDMAttributes', minimalKeyLength: 2048, validityPeriodSeconds: 31536000 });

    const csr = makeWindowsCsr({ keys: deviceKey });
    const enr = await post(MDM_PATHS.enroll, enrollBody(token, windowsItems(d), csr.base64));
    expect(fault(enr.text)).toBeNull();
    const rstr = readRequestSecurityTokenResponseCollection(parseSoapEnvelope(enr.text))!;
    expect(rstr.valueType).toBe(MDE2.valueTypes.provisionDoc);
    const prov = readProvisionedEnrollment(parseWapProvisioningDoc(rstr.provisioningDocXml));

    const root = new x509.X509Certificate(Buffer.from(prov.rootCertBase64, 'base64'));
    const client = new x509.X509Certificate(Buffer.from(prov.clientCertBase64, 'base64'));
    expect(client.issuer).toBe(root.subject);
    expect(await client.verify({ publicKey: await root.publicKey.export(), signatureOnly: true })).toBe(true);
    const chain = await new x509.X509ChainBuilder({ certificates: [root] }).build(client);
    expect(chain.map((c) => c.subject)).toEqual([client.subject, root.subject]);
    expect(client.subjectName.getField('CN')).toEqual([d.hwDevId]);
    expect(client.subjectName.getField('OU')).toEqual(['Fleet']);
    expect(prov.clientThumbprint).toBe(createHash('sha1').update(Buffer.from(client.rawData)).digest('hex').toUpperCase());
    expect(prov.managementUrl).toBe(`${mdm.url}${MDM_PATHS.management}`);
    expect(prov.dmUsername).toBe(d.deviceId);
    expect(prov.poll).toMatchObject({ NumberOfFirstRetries: '0', IntervalForFirstSetOfRetries: '1', PollOnLogin: 'true' });
  });

  it('stores the mdm_windows_enrollments row with Fleet\'s column values (§2.7)', async () => {
    const d = device('row');
    const csr = makeWindowsCsr({ keys: deviceKey });
    const enr = await post(MDM_PATHS.enroll, enrollBody(await entraToken(), windowsItems(d), csr.base64));
    const prov = readProvisionedEnrollment(parseWapProvisioningDoc(readRequestSecurityTokenResponseCollection(parseSoapEnvelope(enr.text))!.provisioningDocXml));
    const row = mdm.ctx.store.read((db) => enrollmentByHardwareId(db, d.hwDevId))!;
    expect(row).toMatchObject({
      mdm_device_id: d.deviceId,
      mdm_hardware_id: d.hwDevId,
      device_state: 'MDMDeviceEnrolledEnrolled',
      device_type: 'CIMClient_Windows',
      device_name: 'DESKTOP-LAB01',
      enroll_type: 'Full',
      enroll_user_id: UPN,
      enroll_proto_version: 'request_version_not_present',
      enroll_client_version: '10.0.22631.2861',
      not_in_oobe: 0,
      host_uuid: '',
      credentials_acknowledged: 1,
      awaiting_configuration: 1,
    });
    expect(row.awaiting_configuration_at).toBe(row.created_at);
    expect(Buffer.from(row.credentials_hash!).equals(createHash('md5').update(`${d.deviceId}:${prov.dmPassword}`).digest())).toBe(true);
    const cert = mdm.ctx.store.read((db) => db.prepare(`SELECT * FROM wstep_certificates WHERE name = ?`).get(d.hwDevId) as { serial: number; certificate_pem: string });
    const issued = new x509.X509Certificate(cert.certificate_pem);
    expect(BigInt(`0x${issued.serialNumber}`)).toBe(BigInt(cert.serial));
    expect(issued.getExtension(WINDOWS_DEVICE_ID_EXT)).not.toBeNull();
    expect(mdm.ctx.store.read((db) => enrollmentByDeviceId(db, d.deviceId))!.id).toBe(row.id);
  });

  it('re-enrolling the same HWDevID replaces the earlier enrollment (one row per hardware id)', async () => {
    const d = device('reenroll');
    const csr = makeWindowsCsr({ keys: deviceKey });
    await post(MDM_PATHS.enroll, enrollBody(await entraToken(), windowsItems(d), csr.base64));
    const first = mdm.ctx.store.read((db) => enrollmentByHardwareId(db, d.hwDevId))!;
    await post(MDM_PATHS.enroll, enrollBody(await entraToken(), windowsItems({ ...d, notInOobe: 'true' }), csr.base64));
    const rows = mdm.ctx.store.read((db) => db.prepare(`SELECT * FROM mdm_windows_enrollments WHERE mdm_hardware_id = ?`).all(d.hwDevId) as { id: number; not_in_oobe: number }[]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).not.toBe(first.id);
    expect(rows[0]!.not_in_oobe).toBe(1);
  });

  it('enrolls programmatically with Fleet\'s device token (type 1, orbit node key) and turns MDM on for the host', async () => {
    const d = device('programmatic');
    const now = mdm.ctx.nowIso();
    mdm.ctx.store.tx((db) =>
      db
        .prepare(`INSERT INTO hosts(osquery_host_id, node_key, orbit_node_key, uuid, hostname, platform, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'windows', ?, ?)`)
        .run('osq-1', 'nk-1', 'orbit-node-key-1', 'C0FFEE00-0000-4000-8000-000000000001', 'DESKTOP-LAB02', now, now),
    );
    const token: HeaderToken = { valueType: MDE2.valueTypes.deviceEnrollmentUserToken, content: encodeDeviceEnrollmentUserToken({ type: 1, payload: { orbit_node_key: 'orbit-node-key-1' } }) };
    const csr = makeWindowsCsr({ keys: deviceKey, oiw: false, noNul: true });
    const enr = await post(MDM_PATHS.enroll, enrollBody(token, windowsItems({ ...d, notInOobe: 'true', requestVersion: '5.0' }), csr.base64));
    expect(fault(enr.text)).toBeNull();
    const row = mdm.ctx.store.read((db) => enrollmentByHardwareId(db, d.hwDevId))!;
    expect(row).toMatchObject({ enroll_user_id: 'orbit-node-key-1', host_uuid: 'C0FFEE00-0000-4000-8000-000000000001', enroll_proto_version: '5.0', awaiting_configuration: 0 });
    const hm = mdm.ctx.store.read((db) => db.prepare(`SELECT enrolled, server_url, is_server FROM host_mdm`).get());
    expect(hm).toEqual({ enrolled: 1, server_url: `${mdm.url}${MDM_PATHS.discovery}`, is_server: 0 });
  });

  it('accepts the STS device token (type 2) signed by the WSTEP identity', async () => {
    const d = device('sts');
    const sts = await newSTSAuthToken(mdm.ctx, 'sam@contoso.example');
    const token: HeaderToken = { valueType: MDE2.valueTypes.deviceEnrollmentUserToken, content: encodeDeviceEnrollmentUserToken({ type: 2, payload: { auth_token: sts } }) };
    const enr = await post(MDM_PATHS.enroll, enrollBody(token, windowsItems(d), makeWindowsCsr({ keys: deviceKey }).base64));
    expect(fault(enr.text)).toBeNull();
    expect(mdm.ctx.store.read((db) => enrollmentByHardwareId(db, d.hwDevId))!.enroll_user_id).toBe('sam@contoso.example');
  });

  it('accepts the header JWT and the CSR in the URL-safe base64 alphabet (Fleet\'s own test client encodes that way)', async () => {
    const d = device('base64url');
    const std = await entraToken();
    const token: HeaderToken = { ...std, content: Buffer.from(std.content, 'base64').toString('base64url') };
    const csr = makeWindowsCsr({ keys: deviceKey }).der.toString('base64url');
    const enr = await post(MDM_PATHS.enroll, enrollBody(token, windowsItems(d), csr));
    expect(fault(enr.text)).toBeNull();
    expect(mdm.ctx.store.read((db) => enrollmentByHardwareId(db, d.hwDevId))).toBeDefined();
  });

  it('refetches the JWK Set once when a token names a kid it has not seen (key rotation)', async () => {
    const d = device('rotation');
    jwks.keys = [{ kid: KID, publicKey: entraKey.publicKey }, { kid: 'rotated', publicKey: otherKey.publicKey }];
    const enr = await post(MDM_PATHS.enroll, enrollBody(await entraToken({ key: otherKey, kid: 'rotated' }), windowsItems(d), makeWindowsCsr({ keys: deviceKey }).base64));
    expect(fault(enr.text)).toBeNull();
    const cached = mdm.ctx.store.read((db) => db.prepare(`SELECT value FROM lab_kv WHERE key LIKE 'azure_jwks:%'`).get() as { value: string });
    expect(cached.value).toContain('rotated');
    const fetches = lab.recorder.all().filter((s) => s.from === 'mdm' && s.to === 'entra');
    expect(fetches.length).toBeGreaterThanOrEqual(2);
    jwks.keys = [{ kid: KID, publicKey: entraKey.publicKey }];
  });

  describe('every malformed or unauthorized request gets Fleet\'s error shape and leaves the DB byte-for-byte unchanged', () => {
    const csrOf = () => makeWindowsCsr({ keys: deviceKey }).base64;
    const cases: { name: string; path: string; body: () => Promise<string>; reason: RegExp; action: string }[] = [
      { name: 'no token', path: MDM_PATHS.enroll, body: async () => enrollBody(null, windowsItems(device('f1')), csrOf()), reason: /^binarySecurityToken is not present$/, action: MDE2.actions.rstrc },
      {
        name: 'bad signature',
        path: MDM_PATHS.enroll,
        body: async () => enrollBody(await entraToken({ key: otherKey }), windowsItems(device('f2')), csrOf()),
        reason: /^validate binary security token: binary security token claim failed: parse error Azure JWT content: crypto\/rsa: verification error$/,
        action: MDE2.actions.rstrc,
      },
      // The keyfunc of GetAzureAuthTokenClaims (wstep.go): a kid the JWK Set lacks even after the refetch.
      {
        name: 'kid not in the JWK Set',
        path: MDM_PATHS.enroll,
        body: async () => enrollBody(await entraToken({ kid: 'kid-nobody-published' }), windowsItems(device('f2k')), csrOf()),
        reason: /^validate binary security token: binary security token claim failed: parse error Azure JWT content: Azure JWT signed by unknown key: key not found$/,
        action: MDE2.actions.rstrc,
      },
      {
        name: 'wrong tenant',
        path: MDM_PATHS.enroll,
        body: async () => enrollBody(await entraToken({ tid: '00000000-0000-0000-0000-000000000bad' }), windowsItems(device('f3')), csrOf()),
        reason: /^validate binary security token: token tenant is not authorized$/,
        action: MDE2.actions.rstrc,
      },
      // azureDataFromClaims (Fleet wstep.go; fleet.md corrections §5), wrapped like every claim error.
      {
        name: 'scp not mdm_delegation',
        path: MDM_PATHS.enroll,
        body: async () => enrollBody(await entraToken({ scp: 'user_impersonation' }), windowsItems(device('fa')), csrOf()),
        reason: /^validate binary security token: binary security token claim failed: invalid SCP claim$/,
        action: MDE2.actions.rstrc,
      },
      {
        name: 'tid not a UUID',
        path: MDM_PATHS.enroll,
        body: async () => enrollBody(await entraToken({ tid: 'contoso.onmicrosoft.com' }), windowsItems(device('fb')), csrOf()),
        reason: /^validate binary security token: binary security token claim failed: invalid TenantID claim$/,
        action: MDE2.actions.rstrc,
      },
      {
        name: 'iss of another tenant',
        path: MDM_PATHS.enroll,
        body: async () => enrollBody(await entraToken({ iss: 'https://sts.windows.net/00000000-0000-0000-0000-000000000bad/' }), windowsItems(device('fc')), csrOf()),
        reason: /^validate binary security token: binary security token claim failed: issuer claim does not match tenant ID$/,
        action: MDE2.actions.rstrc,
      },
      {
        name: 'iss not an Entra issuer',
        path: MDM_PATHS.policy,
        body: async () => buildGetPolicies({ messageId: msgId(), to: `${mdm.url}${MDM_PATHS.policy}`, token: await entraToken({ iss: 'https://idp.example/' }) }),
        reason: /^validate binary security token: binary security token claim failed: issuer claim does not match tenant ID$/,
        action: MDE2.actions.getPoliciesResponse,
      },
      {
        name: 'wrong audience',
        path: MDM_PATHS.enroll,
        body: async () => enrollBody(await entraToken({ aud: 'https://enrollment.manage.microsoft.com/' }), windowsItems(device('f4')), csrOf()),
        reason: /^validate binary security token: token audience is not authorized$/,
        action: MDE2.actions.rstrc,
      },
      {
        name: 'expired token',
        path: MDM_PATHS.policy,
        body: async () => buildGetPolicies({ messageId: msgId(), to: `${mdm.url}${MDM_PATHS.policy}`, token: await entraToken({ exp: lab.clock.seconds() - 5 }) }),
        reason: /^validate binary security token: binary security token claim failed: parse error Azure JWT content: token is expired by \d+s$/,
        action: MDE2.actions.getPoliciesResponse,
      },
      {
        name: 'bad CSR signature',
        path: MDM_PATHS.enroll,
        body: async () => enrollBody(await entraToken(), windowsItems(device('f6')), withBadSignature(makeWindowsCsr({ keys: deviceKey }).der).toString('base64')),
        reason: /^device provisioning information: invalid CSR: crypto\/rsa: verification error$/,
        action: MDE2.actions.rstrc,
      },
      {
        name: 'missing DeviceID context item',
        path: MDM_PATHS.enroll,
        body: async () => enrollBody(await entraToken(), windowsItems({ ...device('f7'), omit: ['DeviceID'] }), csrOf()),
        reason: /^invalid requestsecuritytoken message DeviceID:  - ContextItem item DeviceID is not present$/,
        action: MDE2.actions.rstrc,
      },
      {
        name: 'missing DeviceName context item',
        path: MDM_PATHS.enroll,
        body: async () => enrollBody(await entraToken(), windowsItems({ ...device('f8'), omit: ['DeviceName'] }), csrOf()),
        reason: /^enrolled device information cannot be stored: DeviceName: ContextItem item DeviceName is not present$/,
        action: MDE2.actions.rstrc,
      },
      {
        name: 'unsupported RequestVersion in Discover',
        path: MDM_PATHS.discovery,
        body: async () =>
          buildDiscover({ messageId: msgId(), to: 'x', emailAddress: '', requestVersion: '3.0', deviceType: 'CIMClient_Windows', applicationVersion: '1', osEdition: '4', authPolicies: ['OnPremise'] }),
        reason: /^invalid discover message: Request.RequestVersion$/,
        action: MDE2.actions.discoverResponse,
      },
    ];

    for (const c of cases) {
      it(`${c.name}: SOAP fault (HTTP 200, s:receiver / s:messageformat), nothing written`, async () => {
        const body = await c.body();
        const before = mdm.ctx.store.fileBytes();
        const res = await post(c.path, body);
        expect(mdm.ctx.store.fileBytes().equals(before)).toBe(true);
        expect(res.status).toBe(200);
        expect(res.type).toBe(SOAP_CONTENT_TYPE);
        const env = parseSoapEnvelope(res.text);
        expect(env.header.action).toBe(c.action);
        expect(res.text).toMatch(/<ActivityId CorrelationId="([0-9a-f-]{36})" xmlns="http:\/\/schemas.microsoft.com\/2004\/09\/ServiceModel\/Diagnostics">\1<\/ActivityId>/);
        const f = readSoapFault(env)!;
        expect(f).toMatchObject({ code: 's:receiver', subcode: 's:messageformat' });
        expect(f.reason).toMatch(c.reason);
        expect(res.text).toContain('<s:fault>');
        expect(res.text).toContain('<s:text xml:lang="en-us">');
      });
    }

    it('garbage XML: HTTP 400 with Fleet\'s JSON error, nothing written', async () => {
      const before = mdm.ctx.store.fileBytes();
      const res = await post(MDM_PATHS.enroll, '<s:Envelope><oops></s:Envelope>');
      expect(mdm.ctx.store.fileBytes().equals(before)).toBe(true);
      expect(res.status).toBe(400);
      const body = JSON.parse(res.text) as { message: string; errors: { name: string; reason: string }[] };
      expect(body.message).toBe('Bad request');
      expect(body.errors[0]).toMatchObject({ name: 'base' });
      expect(body.errors[0]!.reason).toMatch(/^unmarshalling soap mdm request: /);
    });

    // Fleet's encodeError writes its JSON errors with SetIndent("", "  ") and a final newline (fleet.md §2.1, §4.1).
    it('garbage XML: the JSON error is pretty-printed with two spaces, as Fleet\'s encodeError writes it', async () => {
      const res = await post(MDM_PATHS.enroll, '<s:Envelope><oops></s:Envelope>');
      expect(res.text).toBe(`${JSON.stringify(JSON.parse(res.text), null, 2)}\n`);
      expect(res.text).toContain('\n  "message": "Bad request",\n');
    });

    it('an empty body is a fault with RelatesTo invalid_message_id (Fleet decodes nothing, then validation fails)', async () => {
      const before = mdm.ctx.store.fileBytes();
      const res = await post(MDM_PATHS.discovery, '');
      expect(mdm.ctx.store.fileBytes().equals(before)).toBe(true);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<a:RelatesTo>invalid_message_id</a:RelatesTo>');
      expect(readSoapFault(parseSoapEnvelope(res.text))!.reason).toBe('invalid discover message: invalid SOAP header: XMLNSS');
    });
  });

  it('answers every Windows MDM route with Fleet\'s 400 JSON error while Windows MDM is off', async () => {
    writeSettings(mdm.ctx.store, { windowsMdmEnabled: false });
    try {
      for (const [method, path] of [['GET', MDM_PATHS.enrollEntryPoint], ['POST', MDM_PATHS.discovery], ['POST', MDM_PATHS.enroll], ['GET', MDM_PATHS.tos]] as const) {
        const res = await fetch(mdm.url + path, { method, ...(method === 'POST' ? { body: '<x/>', headers: { 'content-type': SOAP_CONTENT_TYPE } } : {}) });
        expect(res.status).toBe(400);
        const body = (await res.json()) as { message: string };
        expect(body.message).toMatch(/^MDM features aren't turned on in Fleet/);
      }
    } finally {
      writeSettings(mdm.ctx.store, { windowsMdmEnabled: true });
    }
  });

  it('serves the STS auth page with Fleet\'s dummy wresult, and the terms-of-use page', async () => {
    const sts = await fetch(`${mdm.url}${MDM_PATHS.auth}?appru=${encodeURIComponent('ms-app://windows.immersivecontrolpanel')}&login_hint=${encodeURIComponent(UPN)}`);
    expect(sts.status).toBe(200);
    expect(sts.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    const page = await sts.text();
    expect(page).toContain("inputToken.value = 'user_driven_enrollment_not_implemented';");
    expect(page).toContain('form.action = "ms-app://windows.immersivecontrolpanel"');
    expect((await fetch(`${mdm.url}${MDM_PATHS.auth}?appru=x`)).status).toBe(500);

    const tos = await fetch(`${mdm.url}${MDM_PATHS.tos}?redirect_uri=${encodeURIComponent('ms-appx-web://Microsoft.AAD.BrokerPlugin')}&client-request-id=req-1`);
    expect(tos.status).toBe(200);
    expect(await tos.text()).toContain('IsAccepted=true&OpaqueBlob=');
    const bad = await fetch(`${mdm.url}${MDM_PATHS.tos}`);
    expect(bad.status).toBe(200);
    const text = await bad.text();
    expect(text).toContain('<a:RelatesTo>s:internalservicefault</a:RelatesTo>');
    expect(readSoapFault(parseSoapEnvelope(text))!.reason).toBe('invalid params');
  });
});
