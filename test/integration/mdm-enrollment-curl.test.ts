import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { SignJWT, exportJWK } from 'jose';
import { tempLab } from '../helpers/lab.js';
import { startMdmServer, type MdmServer } from '../../emulators/mdm/server.js';
import { enrollmentByHardwareId } from '../../emulators/mdm/store/enrollments.js';
import type { Lab } from '../../emulators/lab/lab.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';

const run = promisify(execFile);
const TENANT = 'b7f1c2d3-0000-4000-8000-00000000c0de';

let lab: Lab;
let dispose: () => void;
let mdm: MdmServer;
let jwksServer: http.Server;
let token: string;
let out: string;

beforeAll(async () => {
  ({ lab, dispose } = tempLab({ seed: 'mdm-enrollment-curl' }));
  const key = await lab.keys.rsa('entra-signing');
  const jwk = { ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwksServer = http.createServer((_q, r) => r.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  const jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/keys`;
  mdm = await startMdmServer({ lab, settings: { entraTenantIds: [TENANT], azureJwksUri: jwksUri } });
  const now = lab.clock.seconds();
  // A v1 Entra token whose audience is the MDM server URL (Fleet compares host:port).
  token = await new SignJWT({ tid: TENANT, upn: 'alex@contoso.example', scp: 'mdm_delegation', iss: `https://sts.windows.net/${TENANT}/` })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' })
    .setAudience(`${mdm.url}/`)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(key.privateKey);
  out = mkdtempSync(join(tmpdir(), 'curl-enroll-'));
});

afterAll(async () => {
  await mdm.close();
  await new Promise<void>((r) => jwksServer.close(() => r()));
  dispose();
  rmSync(out, { recursive: true, force: true });
});

describe('test/fixtures/curl-enroll.sh: a plain HTTP client enrolls with the Windows-shaped fixture bodies', () => {
  it('runs Discover → GetPolicies → Enroll with curl and gets a client cert for the HWDevID chained to the doc root', async () => {
    const { stdout } = await run('bash', ['test/fixtures/curl-enroll.sh', out], { env: { ...process.env, MDM_URL: mdm.url, TOKEN: token } });
    const result = JSON.parse(stdout.trim()) as { ok: boolean; hwDevId: string; clientCertCN: string };
    expect(result.ok).toBe(true);
    expect(result.hwDevId).toMatch(/^[0-9A-F]{64}$/);
    expect(result.clientCertCN).toBe(result.hwDevId);
    const row = mdm.ctx.store.read((db) => enrollmentByHardwareId(db, result.hwDevId))!;
    expect(row).toMatchObject({ mdm_device_id: '5E3B0C1A9F2D4E67A8B1C2D3E4F50617', enroll_user_id: 'alex@contoso.example', enroll_proto_version: 'request_version_not_present', enroll_type: 'Full', not_in_oobe: 0 });
    expect(readFileSync(join(out, 'provisioning-doc.xml'), 'utf8')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><wap-provisioningdoc version="1.1">/);
    // The server recorded curl's requests itself and the step catalog recognised each one.
    const steps = lab.recorder.all().filter((s) => s.observedBy === 'mdm' && s.from === 'external');
    expect(steps.map((s) => s.catalogId)).toEqual(['mde2.discovery-probe', 'mde2.discover', 'mde2.get-policies', 'mde2.rst']);
    expect(steps.map((s) => s.title)).toEqual([`GET ${MDM_PATHS.enrollEntryPoint}`, `POST ${MDM_PATHS.enrollEntryPoint}`, `POST ${MDM_PATHS.policy}`, `POST ${MDM_PATHS.enroll}`]);
  });

  it('exits 1 with the fault reason when the token is refused', async () => {
    const err = await run('bash', ['test/fixtures/curl-enroll.sh', out], { env: { ...process.env, MDM_URL: mdm.url, TOKEN: 'not-a-jwt' } }).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toContain('policy: SOAP fault: validate binary security token: binary security token claim failed');
  });
});
