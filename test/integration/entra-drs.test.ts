import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { startEntra, get, postJson, drsToken, join, joinBody, makeCsr, ropcV1, alice, type EntraFixture } from '../helpers/entra.js';
import { x509 } from '../../emulators/protocols/x509.js';
import { bcryptRsaKeyBlob } from '../../emulators/protocols/bcrypt-blob.js';
import { DEVICE_CERT_OIDS, bytesToGuid, type DrsDiscovery, type DrsJoinResponse, type DrsNonceResponse } from '../../emulators/protocols/drs.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';

let f: EntraFixture;
beforeAll(async () => {
  f = await startEntra();
});
afterAll(async () => {
  await f.dispose();
});

const joinUrl = () => `${f.entra.drsUrl}${ENTRA_PATHS.drsJoin}?api-version=2.0`;

/** Send a join that must be refused; prove the store is byte-identical after. */
async function refusedJoin(body: unknown, headers: Record<string, string>) {
  const before = f.entra.store.fileBytes();
  const r = await postJson(f.lab, joinUrl(), body, headers);
  expect(f.entra.store.fileBytes().equals(before)).toBe(true);
  const details = r.json<{ ErrorType: string; Message: string; TraceId: string; Time: string }>();
  // MS-DVRJ 2.2.3.1 ErrorDetails: exactly these four fields; the reason leads the Message.
  expect(Object.keys(details).sort()).toEqual(['ErrorType', 'Message', 'Time', 'TraceId']);
  return { status: r.status, body: { ...details, reason: details.Message.split(':')[0] } };
}

/** The content of a private extension: an OCTET STRING inside the extension value (entra-mde2.md §3.4). */
function extValue(cert: x509.X509Certificate, oid: string): Buffer {
  const ext = cert.getExtension(oid);
  expect(ext, oid).not.toBeNull();
  const v = Buffer.from(ext!.value);
  expect(v[0]).toBe(0x04);
  return v.subarray(2, 2 + v[1]!);
}

describe('DRS discovery and nonce (entra-mde2.md §2)', () => {
  it('Discover by tenant domain names join, nonce and token endpoints on this server', async () => {
    const r = await get(f.lab, `${f.entra.drsUrl}${ENTRA_PATHS.drsDiscover(f.entra.tenantDomain)}?api-version=1.9`);
    expect(r.status).toBe(200);
    const d = r.json<DrsDiscovery>();
    expect(d.DeviceJoinService).toEqual({ JoinEndpoint: `${f.entra.url}${ENTRA_PATHS.drsJoin}`, JoinResourceId: 'urn:ms-drs:enterpriseregistration.windows.net', ServiceVersion: '2.0' });
    expect(d.AuthenticationService.OAuth2.TokenEndpoint).toBe(`${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`);
    expect(d.NonceService.Endpoint).toBe(`${f.entra.url}${ENTRA_PATHS.drsNonce(f.entra.tenantId)}`);
    expect(d.TenantInfo).toEqual({ DisplayName: 'Enrollscope Lab', TenantId: f.entra.tenantId, TenantName: f.entra.tenantDomain });
  });

  it('Discover for an unknown tenant is a 404 DRS error', async () => {
    const r = await get(f.lab, `${f.entra.drsUrl}${ENTRA_PATHS.drsDiscover('contoso.com')}?api-version=1.9`);
    expect(r.status).toBe(404);
  });

  it('the nonce service answers a Value', async () => {
    const r = await get(f.lab, `${f.entra.drsUrl}${ENTRA_PATHS.drsNonce(f.entra.tenantId)}?api-version=1.0`);
    const n = r.json<DrsNonceResponse>();
    expect(n.ReponseStatus.message).toBe('Successfully created a nonce');
    expect(n.Value.length).toBeGreaterThan(40);
  });
});

describe('device join (entra-mde2.md §3)', () => {
  it('join returns a device certificate CN=<deviceId> from MS-Organization-Access binding the CSR key, and stores the device', async () => {
    const d = await join(f);
    expect(d.deviceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(d.cert.issuer).toBe('CN=MS-Organization-Access, OU=82dbaca4-3e81-46ca-9c73-0950c1eaca97, DC=windows, DC=net');
    // Ten years, as Entra issues them (entra-mde2.md corrections §8).
    expect(Math.round((d.cert.notAfter.getTime() - d.cert.notBefore.getTime()) / (365 * 24 * 3600_000))).toBe(10);
    // Chains to the CA whose key the lab registered for the timeline.
    const ca = f.lab.recorder.registeredKeys.find((k) => k.name === 'MS-Organization-Access CA')!;
    const caKey = await globalThis.crypto.subtle.importKey('spki', ca.publicKey.export({ type: 'spki', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);
    expect(await d.cert.verify({ publicKey: caKey, signatureOnly: true })).toBe(true);
    // Binds the CSR's key.
    expect(Buffer.from(d.cert.publicKey.rawData).equals(d.deviceKey.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    // The device-id extensions.
    expect(bytesToGuid(extValue(d.cert, DEVICE_CERT_OIDS.deviceId))).toBe(d.deviceId);
    expect(bytesToGuid(extValue(d.cert, DEVICE_CERT_OIDS.tenantId))).toBe(f.entra.tenantId);
    expect(extValue(d.cert, DEVICE_CERT_OIDS.joinType).toString('ascii')).toBe('1');
    expect(extValue(d.cert, DEVICE_CERT_OIDS.tenantRegion).toString('ascii')).toBe('NA');
    const row = f.entra.store.read((db) => db.prepare(`SELECT * FROM devices WHERE device_id = ?`).get(d.deviceId) as Record<string, unknown>);
    expect(row).toMatchObject({ display_name: 'LAB-PC-01', device_type: 'Windows', os_version: '10.0.26100.1742', join_type: 0, owner_upn: alice(f).upn });
    expect(bytesToGuid(extValue(d.cert, DEVICE_CERT_OIDS.userObjectId))).toBe(row.owner_object_id);
  });

  it('the join step records the device row as a DB change', async () => {
    await join(f);
    const step = f.lab.recorder.all().at(-1)!;
    expect(step.changes.filter((c) => c.table === 'devices' && c.op === 'insert')).toHaveLength(1);
  });

  it('a CSR with another CN is refused and nothing is written', async () => {
    const token = await drsToken(f);
    const { body } = await joinBody(f, { CertificateRequest: { Type: 'pkcs10', Data: await makeCsr(await f.lab.keys.rsa('test-device-key'), 'LAB-PC-01') } });
    const r = await refusedJoin(body, { authorization: `Bearer ${token}` });
    expect(r.status).toBe(400);
    expect(r.body.reason).toBe('invalid_csr_subject');
  });

  it('a CSR with an RSA-1024 key is refused and nothing is written', async () => {
    const token = await drsToken(f);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const { body } = await joinBody(f, { CertificateRequest: { Type: 'pkcs10', Data: await makeCsr(small) } });
    const r = await refusedJoin(body, { authorization: `Bearer ${token}` });
    expect(r.status).toBe(400);
    expect(r.body.reason).toBe('invalid_csr_key');
  });

  it('a transport key blob with a bad magic is refused and nothing is written', async () => {
    const token = await drsToken(f);
    const { body, transportKey } = await joinBody(f);
    const blob = bcryptRsaKeyBlob(transportKey.publicKey);
    blob.write('RSAX', 0, 'ascii');
    const r = await refusedJoin({ ...body, TransportKey: blob.toString('base64') }, { authorization: `Bearer ${token}` });
    expect(r.status).toBe(400);
    expect(r.body.reason).toBe('invalid_transport_key_bad_magic');
  });

  it('a non-2048 transport key is refused and nothing is written', async () => {
    const token = await drsToken(f);
    const { body } = await joinBody(f);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const r = await refusedJoin({ ...body, TransportKey: bcryptRsaKeyBlob(small.publicKey).toString('base64') }, { authorization: `Bearer ${token}` });
    expect(r.body.reason).toBe('invalid_transport_key_bad_bit_length');
  });

  it('a join without a bearer token is 401 and nothing is written', async () => {
    const { body } = await joinBody(f);
    const r = await refusedJoin(body, {});
    expect(r.status).toBe(401);
  });

  it('a token for another resource is 401 and nothing is written', async () => {
    const other = (await ropcV1(f, 'https://enrollment.manage.microsoft.com/')).json<{ access_token: string }>().access_token;
    const { body } = await joinBody(f);
    const r = await refusedJoin(body, { authorization: `Bearer ${other}` });
    expect(r.status).toBe(401);
    expect(r.body.reason).toBe('invalid_audience');
  });

  it('a DRS token with a tampered payload is 401 and nothing is written', async () => {
    const [h, p, s] = (await drsToken(f)).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, upn: 'admin@enrollscope.onmicrosoft.com' })).toString('base64url')}.${s}`;
    const { body } = await joinBody(f);
    const r = await refusedJoin(body, { authorization: `Bearer ${forged}` });
    expect(r.status).toBe(401);
    expect(r.body.reason).toBe('invalid_token');
  });

  it('an unknown JoinType is refused and nothing is written', async () => {
    const token = await drsToken(f);
    const { body } = await joinBody(f, { JoinType: 42 });
    expect((await refusedJoin(body, { authorization: `Bearer ${token}` })).body.reason).toBe('invalid_join_type');
  });

  it('lower-case field names (ROADtools) are accepted', async () => {
    const token = await drsToken(f);
    const { body } = await joinBody(f);
    const lower = Object.fromEntries(Object.entries(body).map(([k, v]) => [k.toLowerCase(), v]));
    const r = await postJson(f.lab, joinUrl(), lower, { authorization: `Bearer ${token}` });
    expect(r.status).toBe(200);
    expect(r.json<DrsJoinResponse>().User.Upn).toBe(alice(f).upn);
  });
});

describe('libhimmelblau enroll_device (src/discovery.rs: Services::new, then the join)', () => {
  it('discovers by domain with managed=True, posts libhimmelblau\'s payload to the advertised JoinEndpoint at its ServiceVersion, and reads the device id from the certificate subject', async () => {
    const token = await drsToken(f);
    const headers = { authorization: `Bearer ${token}`, 'ocp-adrs-client-name': 'libhimmelblau', 'ocp-adrs-client-version': '0.8.25' };
    const disco = await get(f.lab, `${f.entra.url}${ENTRA_PATHS.drsDiscover(f.entra.tenantDomain)}?api-version=1.9&managed=True`, headers);
    expect(disco.status).toBe(200);
    const svc = disco.json<DrsDiscovery>().DeviceJoinService;
    const { body: sample, deviceKey } = await joinBody(f);
    // Exactly the fields enroll_device sends (Attributes: ReuseDevice and ReturnClientSid only).
    const payload = {
      CertificateRequest: sample.CertificateRequest,
      DeviceDisplayName: 'himmelblau-host',
      DeviceType: 'Linux',
      JoinType: 0,
      OSVersion: 'openSUSE Tumbleweed',
      TargetDomain: f.entra.tenantDomain,
      TransportKey: sample.TransportKey,
      Attributes: { ReuseDevice: 'true', ReturnClientSid: 'true' },
    };
    const r = await postJson(f.lab, `${svc.JoinEndpoint}?api-version=${svc.ServiceVersion}`, payload, { ...headers, accept: 'application/json, text/plain, */*' });
    expect(r.status).toBe(200);
    const reply = r.json<DrsJoinResponse & { MembershipChanges?: { LocalSID: string; AddSIDs: string[] }[] }>();
    // libhimmelblau wraps RawBody in PEM armour and takes the subject's first entry as the device id.
    const cert = new x509.X509Certificate(`-----BEGIN CERTIFICATE-----\n${reply.Certificate.RawBody}\n-----END CERTIFICATE-----`);
    const deviceId = cert.subject.replace(/^CN=/, '');
    expect(Buffer.from(cert.publicKey.rawData).equals(deviceKey.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(f.entra.store.read((db) => db.prepare(`SELECT device_type FROM devices WHERE device_id = ?`).pluck().get(deviceId))).toBe('Linux');
    // ReturnClientSid: the local Administrators group gets the Entra SIDs (entra-mde2.md corrections §8).
    expect(reply.MembershipChanges?.[0]?.LocalSID).toBe('S-1-5-32-544');
  });
});
