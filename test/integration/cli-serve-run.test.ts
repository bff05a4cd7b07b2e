import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { createInterface } from 'node:readline';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';

const run = promisify(execFile);
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const CLI = join(process.cwd(), 'app', 'cli', 'bin.ts');

interface ServeInfo {
  mdm: string;
  entra: string;
  drs: string;
  tenantId: string;
  enrollSecret: string;
  users: { upn: string; password: string }[];
  mdmToken: { acceptedAudiences: string[]; scope: string; resource: string; clientId: string };
  db: Record<string, string>;
  fleetApiToken: string;
  fleetAdmin: { email: string; password: string };
}

describe('enrollscope serve --json', () => {
  let child: ChildProcess;
  let info: ServeInfo;
  let lines = 0;
  const dir = mkdtempSync(join(tmpdir(), 'enrollscope-serve-'));

  beforeAll(async () => {
    child = spawn(TSX, [CLI, 'serve', '--json', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const rl = createInterface({ input: child.stdout! });
    info = await new Promise<ServeInfo>((resolve) =>
      rl.on('line', (l) => {
        lines++;
        if (lines === 1) resolve(JSON.parse(l) as ServeInfo);
      }),
    );
  });

  afterAll(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one JSON line with the parties, the tenant, the users, the enroll secret and the DB files', () => {
    expect(info.mdm).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.entra).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.tenantId).toMatch(/^[0-9a-f-]{36}$/);
    expect(info.enrollSecret).toBeTruthy();
    expect(info.users.length).toBeGreaterThanOrEqual(2);
    expect(info.db.mdm).toBe(join(dir, 'mdm.sqlite'));
    expect(lines).toBe(1);
  });

  it("prints the Fleet API token the MDM server's host API accepts, and without it the API answers Fleet's 401", async () => {
    const ok = await fetch(`${info.mdm}/api/v1/fleet/hosts/1`, { headers: { authorization: `Bearer ${info.fleetApiToken}` } });
    expect(ok.status).toBe(404);
    expect(((await ok.json()) as { message: string }).message).toBe('Resource Not Found');
    const refused = await fetch(`${info.mdm}/api/v1/fleet/hosts/1`, { headers: { authorization: 'Bearer nope' } });
    expect(refused.status).toBe(401);
  });

  it('prints the admin login: POST /api/v1/fleet/login with it answers the same API token, which drives GET /config', async () => {
    const login = await fetch(`${info.mdm}/api/v1/fleet/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(info.fleetAdmin) });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    expect(token).toBe(info.fleetApiToken);
    const config = (await (await fetch(`${info.mdm}/api/v1/fleet/config`, { headers: { authorization: `Bearer ${token}` } })).json()) as { mdm: { windows_entra_tenant_ids: string[] } };
    expect(config.mdm.windows_entra_tenant_ids).toEqual([info.tenantId]);
  });

  it('curl runs Discover → GetPolicies → Enroll with an Entra ROPC token and Fleet stores the enrollment', async () => {
    const user = info.users[0]!;
    // Windows' MDM token: v1 Entra, resource = the MDM server, the broker client (entra-mde2.md §7.2).
    const form = new URLSearchParams({ grant_type: 'password', client_id: '29d9ed98-a469-4536-ade2-f981bc1d605e', resource: `${info.mdm}/`, username: user.upn, password: user.password });
    const tok = (await (await fetch(`${info.entra}${ENTRA_PATHS.token(info.tenantId)}`, { method: 'POST', body: form })).json()) as { access_token: string };
    const out = mkdtempSync(join(tmpdir(), 'curl-out-'));
    const { stdout } = await run('bash', [join(process.cwd(), 'test/fixtures/curl-enroll.sh'), out], { env: { ...process.env, MDM_URL: info.mdm, TOKEN: tok.access_token } });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { ok: boolean; hwDevId: string; clientCertCN: string };
    const db = new Database(info.db.mdm, { readonly: true });
    const row = db.prepare(`SELECT * FROM mdm_windows_enrollments WHERE mdm_hardware_id = ?`).get(result.hwDevId) as Record<string, unknown>;
    db.close();
    rmSync(out, { recursive: true, force: true });
    expect(result).toMatchObject({ ok: true, clientCertCN: result.hwDevId });
    expect(row).toMatchObject({ mdm_device_id: '5E3B0C1A9F2D4E67A8B1C2D3E4F50617', device_state: 'MDMDeviceEnrolledEnrolled', enroll_user_id: user.upn, enroll_type: 'Full', host_uuid: '' });
  });
});

describe('enrollscope serve --json: the token the MDM server accepts', () => {
  let child: ChildProcess;
  let info: ServeInfo;
  const dir = mkdtempSync(join(tmpdir(), 'enrollscope-serve-aud-'));
  beforeAll(async () => {
    child = spawn(TSX, [CLI, 'serve', '--json', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const rl = createInterface({ input: child.stdout! });
    info = await new Promise<ServeInfo>((resolve) => rl.once('line', (l) => resolve(JSON.parse(l) as ServeInfo)));
  });
  afterAll(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the audiences Fleet accepts, the v2 scope and the v1 resource to ask for, and the client', () => {
    expect(info.mdmToken.acceptedAudiences).toContain(`${info.mdm}/`);
    expect(info.mdmToken.acceptedAudiences.length).toBeGreaterThanOrEqual(2);
    expect(info.mdmToken.scope).toMatch(/\/\.default$/);
    expect(info.mdmToken.resource).toBe(`${info.mdm}/`);
    expect(info.mdmToken.clientId).toBe('29d9ed98-a469-4536-ade2-f981bc1d605e');
  });

  it('curl-enroll.sh enrolls with a v2 token asked for the printed scope, as the README says', async () => {
    const user = info.users[0]!;
    const form = new URLSearchParams({ grant_type: 'password', client_id: info.mdmToken.clientId, scope: info.mdmToken.scope, username: user.upn, password: user.password });
    const tok = (await (await fetch(`${info.entra}${ENTRA_PATHS.token(info.tenantId, '2.0')}`, { method: 'POST', body: form })).json()) as { access_token: string };
    const aud = (JSON.parse(Buffer.from(tok.access_token.split('.')[1]!, 'base64url').toString()) as { aud: string }).aud;
    expect(info.mdmToken.acceptedAudiences).toContain(aud);
    const out = mkdtempSync(join(tmpdir(), 'curl-out-'));
    const { stdout } = await run('bash', [join(process.cwd(), 'test/fixtures/curl-enroll.sh'), out], { env: { ...process.env, MDM_URL: info.mdm, TOKEN: tok.access_token } });
    rmSync(out, { recursive: true, force: true });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({ ok: true });
  });
});

describe('enrollscope run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'enrollscope-run-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('autopilot-eua passes with one prompt, and its bundle shows the rows the EUA token linked', async () => {
    const bundleFile = join(dir, 'eua.json');
    const { stdout } = await run(TSX, [CLI, 'run', 'autopilot-eua', '--json', '--seed', 'cli-1', '--bundle', bundleFile]);
    const report = JSON.parse(stdout) as { runs: { scenario: string; passed: boolean; prompts: number; steps: number; failures: string[] }[]; passed: number; failed: number };
    expect(report).toMatchObject({ passed: 1, failed: 0 });
    expect(report.runs[0]).toMatchObject({ scenario: 'autopilot-eua', seed: 'cli-1', passed: true, prompts: 1, failures: [] });
    const bundle = JSON.parse(readFileSync(bundleFile, 'utf8')) as { steps: { changes: { table: string; op: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[] }[] };
    const changes = bundle.steps.flatMap((s) => s.changes);
    expect(changes.some((c) => c.table === 'mdm_idp_accounts' && c.op === 'insert')).toBe(true);
    expect(changes.some((c) => c.table === 'host_mdm_idp_accounts' && c.op === 'insert')).toBe(true);
    expect(changes.some((c) => c.table === 'mdm_windows_enrollments' && c.op === 'update' && c.before?.host_uuid === '' && c.after?.host_uuid !== '')).toBe(true);
    expect(changes.some((c) => c.table === 'host_scim_user' && c.op === 'insert')).toBe(true);
  });

  it('autopilot-no-eua passes with two prompts: the double-auth bug, counted', async () => {
    const { stdout } = await run(TSX, [CLI, 'run', 'autopilot-no-eua', '--json']);
    expect((JSON.parse(stdout) as { runs: { passed: boolean; prompts: number }[] }).runs[0]).toMatchObject({ passed: true, prompts: 2 });
  });

  it('exits 1 and names the failed expectation in JUnit when an expectation does not hold', async () => {
    const junit = join(dir, 'junit.xml');
    // autopilot-eua with the server's EUA feature off cannot keep to one prompt.
    const err = await run(TSX, [CLI, 'run', 'autopilot-eua', '--set', 'eua=false', '--junit', junit]).then(() => null, (e: { code: number; stdout: string }) => e);
    expect(err?.code).toBe(1);
    expect(err?.stdout).toContain('FAIL  autopilot-eua');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="autopilot-eua"');
    expect(xml).toMatch(/<testcase classname="enrollscope.autopilot-eua" name="the user is prompted 1 time\(s\)" time="0">\s*<failure message="prompted 2 time\(s\)/);
  });

  it('exits 2 on an unknown --set option and lists the valid ones (a typo never runs with the default)', async () => {
    const err = await run(TSX, [CLI, 'run', 'autopilot-eua', '--set', 'euaa=false']).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain('--set euaa: no such option; options: eua=true|false, orbitVersion=1.55.0|1.50.0');
  });

  it('exits 2 on a value an option does not take', async () => {
    const bool = await run(TSX, [CLI, 'run', 'autopilot-eua', '--set', 'eua=maybe']).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(bool?.code).toBe(2);
    expect(bool?.stderr).toContain('--set eua=maybe: eua is true or false');
    const choice = await run(TSX, [CLI, 'run', 'autopilot-eua', '--set', 'orbitVersion=9']).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(choice?.code).toBe(2);
    expect(choice?.stderr).toContain('orbitVersion is one of 1.55.0, 1.50.0');
  });

  it('exits 2 on an unknown scenario', async () => {
    const err = await run(TSX, [CLI, 'run', 'no-such-scenario']).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain('unknown scenario(s): no-such-scenario');
  });

  it('list names every scenario', async () => {
    const { stdout } = await run(TSX, [CLI, 'list', '--json']);
    const names = (JSON.parse(stdout) as { name: string }[]).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['autopilot-eua', 'autopilot-no-eua', 'old-orbit-no-eua-support', 'eua-expired', 'eua-tampered', 'eua-unknown-device', 'idp-account-exists', 'scim-user-present', 'scim-user-absent', 'settings-app', 'programmatic', 're-enroll', 'device-code-signin', 'mfa-signin']));
  });
});
