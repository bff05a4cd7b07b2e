import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { X509Certificate } from 'node:crypto';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';
import { buildDiscover, readDiscoverResponse } from '../../emulators/protocols/mde2/discover.js';
import { parseSoapEnvelope } from '../../emulators/protocols/soap.js';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const CLI = join(process.cwd(), 'app', 'cli', 'bin.ts');

function request(url: string, ca: string, opts: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string; peer: X509Certificate }> {
  return new Promise((resolve, reject) => {
    const r = https.request(url, { method: opts.method ?? 'GET', headers: opts.headers, ca, agent: false }, (res) => {
      const peer = new X509Certificate((res.socket as TLSSocket).getPeerCertificate().raw);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), peer }));
    });
    r.on('error', reject);
    r.end(opts.body);
  });
}

// 127.0.0.2 stands for a host-only adapter's address: only loopback exists here, and all of 127.0.0.0/8 is this machine.
describe('enrollscope serve --tls --listen 127.0.0.2', () => {
  let child: ChildProcess;
  let info: { mdm: string; entra: string; tenantId: string; caFile: string };
  let ca: string;
  let stderr = '';
  const dir = mkdtempSync(join(tmpdir(), 'enrollscope-listen-'));

  beforeAll(async () => {
    child = spawn(TSX, [CLI, 'serve', '--json', '--tls', '--listen', '127.0.0.2', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const rl = createInterface({ input: child.stdout! });
    info = await new Promise((resolve) => rl.once('line', (l) => resolve(JSON.parse(l) as typeof info)));
    ca = readFileSync(info.caFile, 'utf8');
  }, 30_000);

  afterAll(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('warns on stderr that the servers listen on another address', () => {
    expect(stderr).toMatch(/warning: the lab's servers listen on 127\.0\.0\.2, not 127\.0\.0\.1/);
  });

  it('the MDM server and Entra listen on 127.0.0.2 only, and the certificate names it', async () => {
    expect(info.mdm).toMatch(/^https:\/\/127\.0\.0\.2:\d+$/);
    expect(info.entra).toMatch(/^https:\/\/127\.0\.0\.2:\d+$/);
    const r = await request(`${info.entra}${ENTRA_PATHS.keys('common', '2.0')}`, ca);
    expect(r.status).toBe(200);
    expect(r.peer.subjectAltName).toContain('IP Address:127.0.0.2');
    expect(r.peer.checkIssued(new X509Certificate(ca))).toBe(true);
    const port = new URL(info.mdm).port;
    await expect(request(`https://127.0.0.1:${port}${MDM_PATHS.enrollEntryPoint}`, ca)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('what the servers advertise names 127.0.0.2: discovery\'s enrollment URLs and Entra\'s endpoints', async () => {
    const disc = await request(`${info.mdm}${MDM_PATHS.enrollEntryPoint}`, ca, {
      method: 'POST',
      headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
      body: buildDiscover({ messageId: 'urn:uuid:748132ec-a575-4329-b01b-6171a9cf8478', to: `${info.mdm}${MDM_PATHS.enrollEntryPoint}`, emailAddress: 'alice@enrollscope.onmicrosoft.com', requestVersion: '4.0', deviceType: 'CIMClient_Windows', applicationVersion: '10.0.22631.2861', osEdition: '48', authPolicies: ['OnPremise', 'Federated'] }),
    });
    expect(disc.status).toBe(200);
    const result = readDiscoverResponse(parseSoapEnvelope(disc.body))!;
    expect(result.enrollmentServiceUrl).toBe(`${info.mdm}${MDM_PATHS.enroll}`);
    expect(result.enrollmentPolicyServiceUrl).toBe(`${info.mdm}${MDM_PATHS.policy}`);
    const meta = JSON.parse((await request(`${info.entra}${ENTRA_PATHS.openidConfiguration(info.tenantId, '2.0')}`, ca)).body) as { token_endpoint: string; jwks_uri: string };
    expect(meta.token_endpoint).toBe(`${info.entra}${ENTRA_PATHS.token(info.tenantId, '2.0')}`);
    expect(meta.jwks_uri.startsWith(info.entra)).toBe(true);
  });
});
