import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpsServer } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { webcrypto } from 'node:crypto';
import { x509 } from '../../emulators/protocols/x509.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';
import { FleetClient } from '../../emulators/lab/fleet-client.js';
import { formatDoctor, runDoctor, type DoctorOptions, type DoctorReport } from '../../app/host/doctor.js';
import { freePort } from '../helpers/ports.js';
import { runCli as cli, startServeProcess, type ServeProcess } from '../helpers/serve-process.js';

/** What these tests read of serve --tls --json's line (a TLS lab with its Entra: none of them null). */
interface ServeInfo {
  mdm: string;
  entra: string;
  tenantId: string;
  caFile: string;
  fleetApiToken: string;
  mdmToken: { acceptedAudiences: string[] };
}


describe('enrollscope doctor against the embedded MDM server as an external Fleet (serve --tls)', () => {
  let served: ServeProcess;
  let info: ServeInfo;
  let ca: string;
  let base: DoctorOptions;
  let labArgs: string[];
  const dir = mkdtempSync(join(tmpdir(), 'enrollscope-doctor-test-'));

  beforeAll(async () => {
    served = await startServeProcess(['--tls', '--data-dir', join(dir, 'data')]);
    info = served.info as unknown as ServeInfo;
    ca = readFileSync(info.caFile, 'utf8');
    const lab = { tenantId: info.tenantId, mdmAppId: info.mdmToken.acceptedAudiences[0]!, jwksUrl: `${info.entra}${ENTRA_PATHS.keys('common', '2.0')}` };
    base = { mdmUrl: info.mdm, mdmToken: info.fleetApiToken, mdmCaPem: ca, mdmCaFile: info.caFile, ...lab };
    labArgs = ['--tenant-id', lab.tenantId, '--mdm-app-id', lab.mdmAppId, '--jwks-url', lab.jwksUrl];
  }, 30_000);

  afterAll(async () => {
    await served?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('all set: every check ok, the JWKS line to start Fleet with, exit 0, and Fleet unchanged', async () => {
    const fleet = new FleetClient({ url: info.mdm, token: info.fleetApiToken, caPem: ca });
    const before = await fleet.config();
    const r = await cli(['doctor', '--mdm-url', info.mdm, '--mdm-token', info.fleetApiToken, '--mdm-ca', info.caFile, ...labArgs]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const id of ['reachable', 'token', 'windows-mdm', 'entra-tenant', 'server-url', 'entra-audience', 'end-user-auth', 'enroll-secret', 'jwks']) expect(r.stdout).toMatch(new RegExp(`^ok +${id} `, 'm'));
    expect(r.stdout).toContain(`FLEET_DEV_AZURE_JWT_JWKS_URI=${base.jwksUrl} fleet serve --dev`);
    expect(r.stdout).not.toMatch(/^missing/m);
    expect(await fleet.config()).toEqual(before);
  }, 20_000);

  it('--json: the whole report as one JSON line on stdout, each check with its id and status, exit 0', async () => {
    const r = await cli(['doctor', '--json', '--mdm-url', info.mdm, '--mdm-token', info.fleetApiToken, '--mdm-ca', info.caFile, ...labArgs]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report).toMatchObject({ ok: true, target: info.mdm, fatal: null, lab: { tenantId: info.tenantId, jwksUrl: base.jwksUrl } });
    expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['reachable', 'token', 'windows-mdm', 'entra-tenant', 'jwks']));
    expect(report.checks.filter((c) => c.status === 'missing')).toEqual([]);
  }, 20_000);

  it('--json with a wrong token: the fatal check in the JSON line, nothing on stderr, exit 2', async () => {
    const r = await cli(['doctor', '--json', '--mdm-url', info.mdm, '--mdm-token', 'not-the-token', '--mdm-ca', info.caFile, ...labArgs]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.ok).toBe(false);
    expect(report.fatal).toMatchObject({ id: 'token', message: expect.stringMatching(/API token is wrong or expired/) });
    expect(report.checks).toEqual([]);
  }, 20_000);

  it('a wrong token: one line on stderr naming the fix, exit 2', async () => {
    const r = await cli(['doctor', '--mdm-url', info.mdm, '--mdm-token', 'not-the-token', '--mdm-ca', info.caFile, ...labArgs]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/API token is wrong or expired .*POST \/api\/v1\/fleet\/login/);
  }, 20_000);

  it('no --mdm-ca: the lab CA is not trusted, one line naming the issuer to pass with --mdm-ca', async () => {
    const { mdmCaPem: _ca, mdmCaFile: _file, ...noCa } = base;
    const r = await runDoctor(noCa);
    expect(r.ok).toBe(false);
    expect(r.checks).toEqual([]);
    expect(r.fatal?.id).toBe('tls');
    expect(formatDoctor(r)).toMatch(/^doctor: Fleet's certificate is not trusted \(\w+\): pass --mdm-ca FILE with the CA certificate of issuer "CN=Enrollscope Lab CA, O=Enrollscope"/);
    expect(formatDoctor(r).trim().split('\n')).toHaveLength(1);
    // --insecure gets through the same server, and says it verified nothing.
    const insecure = await runDoctor({ ...noCa, insecure: true, labCaPem: ca });
    expect(insecure.ok).toBe(true);
    expect(insecure.checks[0]?.message).toContain('not verified: --insecure');
  });

  it('a certificate for another name: one line with its SANs', async () => {
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=fleet.example', keys, signingAlgorithm: alg, notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 86_400_000), extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'fleet.example' }])] });
    const key = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
    const server = createHttpsServer({ cert: cert.toString('pem'), key: `-----BEGIN PRIVATE KEY-----\n${key}\n-----END PRIVATE KEY-----\n` }, (_req, res) => res.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await runDoctor({ ...base, mdmUrl: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, mdmCaPem: cert.toString('pem') });
      expect(r.fatal?.id).toBe('tls');
      expect(r.fatal?.message).toMatch(/certificate is for fleet\.example .*not 127\.0\.0\.1: use one of those names in --mdm-url/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('an expired certificate: one line with its end date', async () => {
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=127.0.0.1', keys, signingAlgorithm: alg, notBefore: new Date(Date.now() - 3 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000), extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])] });
    const key = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
    const server = createHttpsServer({ cert: cert.toString('pem'), key: `-----BEGIN PRIVATE KEY-----\n${key}\n-----END PRIVATE KEY-----\n` }, (_req, res) => res.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await runDoctor({ ...base, mdmUrl: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, mdmCaPem: cert.toString('pem') });
      expect(r.fatal?.id).toBe('tls');
      expect(r.fatal?.message).toMatch(/^Fleet's certificate \(127\.0\.0\.1\) expired on .+ GMT: renew it/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('an unreachable port: one line, connection refused', async () => {
    const r = await runDoctor({ ...base, mdmUrl: `https://127.0.0.1:${await freePort()}` });
    expect(r.ok).toBe(false);
    expect(r.fatal?.id).toBe('reachable');
    expect(formatDoctor(r)).toMatch(/^doctor: cannot reach 127\.0\.0\.1:\d+: connection refused/);
    expect(formatDoctor(r).trim().split('\n')).toHaveLength(1);
  });

  it('a lab whose Entra tenant Fleet does not know (the embedded Entra doctor starts): the tenant id to add', async () => {
    const { tenantId: _t, mdmAppId: _a, jwksUrl: _j, ...noLab } = base;
    const r = await runDoctor(noLab);
    expect(r.ok).toBe(false);
    expect(r.lab?.tenantId).not.toBe(info.tenantId);
    const tenant = r.checks.find((c) => c.id === 'entra-tenant');
    expect(tenant?.status).toBe('missing');
    expect(tenant?.message).toContain(`"windows_entra_tenant_ids":["${info.tenantId}","${r.lab?.tenantId}"]`);
    // Its JWKS was served for the check and is gone now: nothing of doctor's own lab is left running.
    expect(r.checks.find((c) => c.id === 'jwks')?.status).toBe('ok');
    const again = await runDoctor({ ...base, jwksUrl: r.lab!.jwksUrl, labCaPem: ca });
    expect(again.checks.find((c) => c.id === 'jwks')?.status).toBe('missing');
  }, 20_000);

  it('Windows MDM off and no tenant ids (PATCH /api/v1/fleet/config): each missing setting its own line, exit 2', async () => {
    const fleet = new FleetClient({ url: info.mdm, token: info.fleetApiToken, caPem: ca });
    await fleet.updateConfig({ mdm: { windows_enabled_and_configured: false, windows_entra_tenant_ids: [] } });
    const r = await runDoctor(base);
    expect(r.ok).toBe(false);
    const missing = r.checks.filter((c) => c.status === 'missing');
    expect(missing.map((c) => c.id)).toEqual(['windows-mdm', 'entra-tenant']);
    expect(missing[0]?.message).toContain('PATCH /api/v1/fleet/config {"mdm":{"windows_enabled_and_configured":true}}');
    expect(missing[1]?.message).toContain(`PATCH /api/v1/fleet/config {"mdm":{"windows_entra_tenant_ids":["${info.tenantId}"]}}`);
    const text = formatDoctor(r);
    expect(text).toMatch(/^missing windows-mdm +Windows MDM is off/m);
    expect(text).toMatch(/^missing entra-tenant +the lab's Entra tenant .* is not in mdm.windows_entra_tenant_ids \(empty\)/m);
    expect(text).toMatch(/2 settings to change before a run/);
  });
});
