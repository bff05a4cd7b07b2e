import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { X509Certificate } from 'node:crypto';
import { readConfig } from '../../emulators/protocols/login-config.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const CLI = join(process.cwd(), 'app', 'cli', 'bin.ts');

interface ServeInfo {
  mdm: string;
  entra: string;
  tenantId: string;
  users: { upn: string; password: string; mfa: boolean }[];
  labUrl: string;
  labToken: string;
  tls: boolean;
  caFile: string;
}

/** One HTTPS request with node:https, trusting `ca` (a client given the lab CA file) or only Node's own store. */
function request(url: string, opts: { ca?: string; method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const r = https.request(url, { method: opts.method ?? 'GET', headers: opts.headers, ...(opts.ca && { ca: opts.ca }), agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    r.on('error', reject);
    r.end(opts.body);
  });
}

describe('enrollscope serve --tls --ca-out', () => {
  let child: ChildProcess;
  let info: ServeInfo;
  let ca: string;
  const dir = mkdtempSync(join(tmpdir(), 'enrollscope-serve-tls-'));
  const caOut = join(dir, 'lab-ca-out.pem');

  beforeAll(async () => {
    child = spawn(TSX, [CLI, 'serve', '--json', '--tls', '--ca-out', caOut, '--data-dir', join(dir, 'data')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const rl = createInterface({ input: child.stdout! });
    info = await new Promise<ServeInfo>((resolve) => rl.once('line', (l) => resolve(JSON.parse(l) as ServeInfo)));
    ca = readFileSync(caOut, 'utf8');
  }, 30_000);

  afterAll(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('names https URLs for every server and the CA file it wrote', () => {
    expect(info.tls).toBe(true);
    for (const url of [info.mdm, info.entra, info.labUrl]) expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(info.caFile).toBe(caOut);
    const cert = new X509Certificate(ca);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toContain('CN=Enrollscope Lab CA');
  });

  it('node:https with the CA file gets Entra\'s metadata, whose endpoints are https', async () => {
    const r = await request(`${info.entra}${ENTRA_PATHS.openidConfiguration(info.tenantId, '2.0')}`, { ca });
    expect(r.status).toBe(200);
    expect((JSON.parse(r.body) as { token_endpoint: string }).token_endpoint).toBe(`${info.entra}${ENTRA_PATHS.token(info.tenantId, '2.0')}`);
  });

  it('the server certificate names 127.0.0.1 and localhost and chains to the CA', async () => {
    const peer = await new Promise<X509Certificate>((resolve, reject) => {
      const r = https.request(`${info.mdm}/api/mdm/microsoft/discovery`, { ca, agent: false }, (res) => {
        resolve(new X509Certificate((res.socket as import('node:tls').TLSSocket).getPeerCertificate().raw));
        res.resume();
      });
      r.on('error', reject);
      r.end();
    });
    expect(peer.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(peer.subjectAltName).toContain('DNS:localhost');
    expect(peer.checkIssued(new X509Certificate(ca))).toBe(true);
    expect(peer.verify(new X509Certificate(ca).publicKey)).toBe(true);
  });

  it('without the CA, node:https and fetch fail with a certificate error', async () => {
    await expect(request(`${info.entra}${ENTRA_PATHS.openidConfiguration('common')}`)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    const err = await fetch(`${info.mdm}/api/mdm/microsoft/discovery`).then(() => null, (e: Error & { cause?: { code?: string } }) => e);
    expect(err?.cause?.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  describe('the user\'s phone at labUrl', () => {
    it('an outside device-code sign-in is approved over HTTP with the lab token, and the client\'s poll gets tokens', async () => {
      const user = info.users[0]!;
      const form = (f: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(f).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, ca });
      const start = await request(`${info.entra}${ENTRA_PATHS.deviceCode(info.tenantId, '2.0')}`, form({ client_id: '29d9ed98-a469-4536-ade2-f981bc1d605e', scope: 'openid profile' }));
      expect(start.status).toBe(200);
      const { device_code, user_code } = JSON.parse(start.body) as { device_code: string; user_code: string };
      const auth = { authorization: `Bearer ${info.labToken}` };

      const pending = await request(`${info.labUrl}/api/entra/pending`, { ca, headers: auth });
      expect(pending.status).toBe(200);
      expect((JSON.parse(pending.body) as { deviceCodes: { userCode: string }[] }).deviceCodes.map((d) => d.userCode)).toContain(user_code);

      const approved = await request(`${info.labUrl}/api/entra/device-codes/${user_code}`, { ca, method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ upn: user.upn }) });
      expect(approved.status).toBe(200);
      expect((JSON.parse(approved.body) as { deviceCodes: { userCode: string }[] }).deviceCodes.map((d) => d.userCode)).not.toContain(user_code);

      const poll = await request(`${info.entra}${ENTRA_PATHS.token(info.tenantId, '2.0')}`, form({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: '29d9ed98-a469-4536-ade2-f981bc1d605e', device_code }));
      expect(poll.status).toBe(200);
      const id = JSON.parse(Buffer.from((JSON.parse(poll.body) as { id_token: string }).id_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
      expect(id.preferred_username).toBe(user.upn);
    });

    it('an outside client signs an MFA user in on the login pages, and the push is approved at labUrl (the user\'s phone)', async () => {
      const user = info.users.find((u) => u.mfa)!;
      const auth = { authorization: `Bearer ${info.labToken}` };
      const config = (body: string) => readConfig(body)!;
      const json = (url: string, body: unknown, headers: Record<string, string> = {}) =>
        request(url, { ca, method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
      const form = (url: string, f: Record<string, string>) => request(url, { ca, method: 'POST', body: new URLSearchParams(f).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const q = new URLSearchParams({ client_id: '29d9ed98-a469-4536-ade2-f981bc1d605e', response_type: 'code', redirect_uri: 'msauth://Microsoft.AAD.BrokerPlugin', resource: 'urn:ms-drs:enterpriseregistration.windows.net', prompt: 'login' });
      const first = config((await request(`${info.entra}${ENTRA_PATHS.authorize(info.tenantId)}?${q}`, { ca })).body);
      const ct = JSON.parse((await json(first.urlGetCredentialType!, { username: user.upn, flowToken: first.sFT, originalRequest: first.sCtx }, { canary: String(first.apiCanary) })).body) as { IfExistsResult: number; FlowToken: string };
      expect(ct.IfExistsResult).toBe(0);
      const tfa = config((await form(first.urlPost!, { login: user.upn, passwd: user.password, ctx: first.sCtx!, flowToken: ct.FlowToken, canary: first.canary! })).body);
      const api = { canary: String(tfa.apiCanary) };
      const method = tfa.arrUserProofs![0]!.authMethodId;
      const begun = JSON.parse((await json(tfa.urlBeginAuth!, { AuthMethodId: method, Method: 'BeginAuth', ctx: tfa.sCtx, flowToken: tfa.sFT }, api)).body) as { Success: boolean; SessionId: string; Entropy: number; Ctx: string; FlowToken: string };
      expect(begun.Success).toBe(true);

      const pending = JSON.parse((await request(`${info.labUrl}/api/entra/pending`, { ca, headers: auth })).body) as { mfa: { id: string; upn: string; entropy: number }[] };
      const push = pending.mfa.find((m) => m.upn === user.upn)!;
      expect(push.entropy).toBe(begun.Entropy);
      const answered = await request(`${info.labUrl}/api/entra/mfa/${push.id}`, { ca, method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ approve: true }) });
      expect(answered.status).toBe(200);

      const ended = JSON.parse((await json(tfa.urlEndAuth!, { AuthMethodId: method, Method: 'EndAuth', SessionId: begun.SessionId, FlowToken: begun.FlowToken, Ctx: begun.Ctx, PollCount: 1 }, api)).body) as { Success: boolean; Ctx: string; FlowToken: string };
      expect(ended.Success).toBe(true);
      const done = await form(tfa.urlPost!, { type: '22', request: ended.Ctx, mfaAuthMethod: method, canary: tfa.canary!, login: user.upn, flowToken: ended.FlowToken, hpgrequestid: begun.SessionId });
      expect(done.status).toBe(302);
      expect(new URL(String(done.headers.location)).searchParams.get('code')).toBeTruthy();
    });

    it('without the lab token (or with a wrong one) the phone answers 401', async () => {
      const none = await request(`${info.labUrl}/api/entra/pending`, { ca });
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer /);
      const wrong = await request(`${info.labUrl}/api/entra/mfa/x`, { ca, method: 'POST', headers: { authorization: 'Bearer nope', 'content-type': 'application/json' }, body: '{"approve":true}' });
      expect(wrong.status).toBe(401);
    });
  });
});

describe('enrollscope run --tls', () => {
  it('runs a scenario with every party on HTTPS and exits 0 when it passes', async () => {
    const { promisify } = await import('node:util');
    const { execFile } = await import('node:child_process');
    const { stdout } = await promisify(execFile)(TSX, [CLI, 'run', 'autopilot-eua', '--tls', '--json', '--seed', 'cli-tls'], { env: process.env });
    const report = JSON.parse(stdout) as { runs: { scenario: string; passed: boolean; failures: string[] }[]; passed: number; failed: number };
    expect(report).toMatchObject({ passed: 1, failed: 0 });
    expect(report.runs[0]!.failures).toEqual([]);
  }, 60_000);
});
