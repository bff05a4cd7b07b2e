import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runScenarios, type RunResult } from '../../app/host/headless.js';
import { runCommand } from '../../app/cli/run.js';
import { toHar } from '../../app/api/har.js';
import { BundleViewer } from '../../app/host/bundle-viewer.js';
import { listScenarios } from '../../emulators/scenarios/index.js';
import { mdmNeedOf } from '../../emulators/scenarios/types.js';
import { FleetClient } from '../../emulators/lab/fleet-client.js';
import type { ServeInfo } from '../../app/host/serve-info.js';
import type { ExternalMdm } from '../../emulators/scenarios/world.js';

/**
 * The embedded MDM server in a process of its own (`serve --tls`), treated as an external Fleet: the runs here start
 * only their own Entra, and their device and orbit enroll into it through --mdm-url with its lab CA. Every scenario
 * that does not need the embedded server's internals must take the same steps and reach the same verdicts as its
 * embedded run; what the external server's API cannot show is skipped with a reason, never passed.
 */

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const CLI = join(process.cwd(), 'app', 'cli', 'bin.ts');

let child: ChildProcess;
let info: ServeInfo;
let target: ExternalMdm;
const dir = mkdtempSync(join(tmpdir(), 'enrollscope-external-fleet-'));

beforeAll(async () => {
  // Seeded: the server's clock is pinned at the instant the seeded runs start at, and it reuses the seed's cached keys.
  child = spawn(TSX, [CLI, 'serve', '--tls', '--json', '--data-dir', join(dir, 'fleet'), '--seed', 'external-fleet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = createInterface({ input: child.stdout! });
  info = await new Promise<ServeInfo>((resolve, reject) => {
    rl.once('line', (l) => resolve(JSON.parse(l) as ServeInfo));
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  target = { url: info.mdm, token: info.fleetApiToken, caPem: readFileSync(info.caFile!, 'utf8') };
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Each scenario its own seed, in both runs: one shared Fleet must not see two runs' devices as one machine. The seeds
 * are host-scenarios.test.ts's, whose cached RSA keys they reuse.
 */
const seedFor = (name: string) => `scenario-${name}`;

const notEmbedded = listScenarios()
  .filter((s) => mdmNeedOf(s, {})?.needs !== 'embedded')
  .map((s) => s.name);

describe('an external Fleet (the embedded MDM server run by serve --tls)', () => {
  it('serves every scenario that does not need the embedded server with the embedded run\'s steps and verdicts', async () => {
    expect(notEmbedded.length).toBeGreaterThanOrEqual(15);
    const embedded = await runScenarios(notEmbedded, { seed: null, seedFor });
    const external = await runScenarios(notEmbedded, { seed: null, seedFor, externalMdm: target });
    const byName = (runs: RunResult[]) => new Map(runs.map((r) => [r.scenario, r]));
    const a = byName(embedded.runs);
    const b = byName(external.runs);
    for (const name of notEmbedded) {
      const emb = a.get(name)!;
      const ext = b.get(name)!;
      expect(emb.failures, `${name} embedded`).toEqual([]);
      expect({ name, failures: ext.failures, error: ext.error, passed: ext.passed }).toEqual({ name, failures: [], error: null, passed: true });
      // The same protocol steps in the same order: the external server's calls to the run's Entra (the JWKS fetch,
      // the SSO callback's sign-in) are recorded by that Entra as the embedded server's are by the lab.
      expect(ext.bundle.steps.map((s) => s.catalogId), name).toEqual(emb.bundle.steps.map((s) => s.catalogId));
      expect(ext.prompts, name).toBe(emb.prompts);
      // The names carry the run's ids, which differ: the embedded server draws from the run's id stream, an external one not.
      // Host ids too: the shared Fleet numbers its hosts across the runs.
      const shape = (n: string) => n.replace(/="[^"]*"/g, '=…').replace(/[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/g, '<uuid>').replace(/\b\d+\b/g, 'N');
      expect(ext.expectations.map((e) => shape(e.name)), name).toEqual(emb.expectations.map((e) => shape(e.name)));
      for (const e of ext.expectations) {
        if (e.skipped === undefined) expect(e.passed, `${name}: ${e.name}: ${e.detail}`).toBe(true);
        else expect(e.passed, `${name}: ${e.name}`).toBe(false);
      }
      // The run's own parties' rows are all here; the MDM's are the external server's.
      expect(Object.keys(ext.bundle.snapshots?.images['0'] ?? {}).sort(), name).not.toContain('mdm');
      expect(ext.bundle.fleet, name).toBeNull();
    }

    // Rows the Fleet host API shows are checked through it, not skipped: the link the EUA token made.
    const eua = b.get('autopilot-eua')!;
    const linked = eua.expectations.find((e) => e.name.startsWith('mdm.host_mdm_idp_accounts has row'))!;
    expect(linked).toMatchObject({ passed: true });
    expect(linked.skipped).toBeUndefined();
    expect(linked.detail).toContain('device_mapping entries of source mdm_idp_accounts');
    // A table the API does not show, and the change log, are skipped with their reasons.
    expect(eua.expectations.find((e) => e.name.startsWith('mdm.mdm_windows_enrollments has row'))!.skipped).toMatch(/Fleet's API does not show mdm\.mdm_windows_enrollments/);
    expect(eua.expectations.find((e) => e.name === 'a step inserts mdm.mdm_idp_accounts')!.skipped).toMatch(/change log/);
    // A row that must not be there is checked through the API too (orbit never enrolled: no host).
    const noHost = b.get('enroll-secret-special-chars')!.expectations.find((e) => e.name.startsWith('mdm.hosts has no row'))!;
    expect(noHost).toMatchObject({ passed: true });
    expect(noHost.detail).toContain('GET /api/v1/fleet/hosts');

    // The host the run enrolled is in the external Fleet's host API, mapped to the user by the IdP account.
    const fleet = new FleetClient(target);
    const orbitEnroll = eua.bundle.steps.find((s) => s.catalogId === 'orbit.enroll' && s.response?.status === 200)!;
    const uuid = (JSON.parse(orbitEnroll.request!.body) as { hardware_uuid: string }).hardware_uuid;
    const host = (await fleet.hostByIdentifier(uuid))!;
    expect(host.uuid).toBe(uuid);
    const upn = info.users.find((u) => !u.mfa)!.upn;
    expect((await fleet.deviceMapping(host.id)).device_mapping).toContainEqual({ email: upn, source: 'mdm_idp_accounts' });
    expect((await fleet.hosts({ deviceMapping: true })).find((h) => h.id === host.id)?.device_mapping).toContainEqual({ email: upn, source: 'mdm_idp_accounts' });
    expect((await fleet.activities()).activities.map((x) => x.type)).toContain('fleet_enrolled');

    // The bundle of an external run exports as HAR like every other: the device's enrollment went to the external URL.
    const har = toHar(eua.bundle.steps);
    expect(har.log.entries.some((en) => en.request.url.startsWith(`${info.mdm}/EnrollmentServer/`))).toBe(true);
    expect(har.log.entries.some((en) => en.request.url.startsWith(`${info.mdm}/api/fleet/orbit/enroll`))).toBe(true);
  }, 600_000);
});

describe('the DB tab against an external Fleet', () => {
  it('shows what the external Fleet\'s host API answered after each step sent to it, and a saved run keeps it', async () => {
    const report = await runScenarios(['autopilot-eua'], { seed: 'external-fleet-views', externalMdm: target });
    const run = report.runs[0]!;
    expect(run.failures).toEqual([]);
    const steps = run.bundle.steps;
    const views = run.bundle.fleetViews!;
    // One read after each step the lab sent to Fleet, none after a step between the device and Entra.
    expect(views.map((v) => v.stepIndex)).toEqual(steps.filter((s) => s.to === 'mdm' && s.kind === 'http' && s.observedBy === 'lab').map((s) => s.index));
    expect(views.every((v) => v.fetched?.url === info.mdm)).toBe(true);

    const viewer = new BundleViewer(run.bundle, []);
    const orbitEnroll = steps.find((s) => s.catalogId === 'orbit.enroll' && s.response?.status === 200)!;
    const uuid = (JSON.parse(orbitEnroll.request!.body) as { hardware_uuid: string }).hardware_uuid;
    // Before orbit enrolls Fleet lists no host for the device; right after, it does, read after that very step.
    expect(viewer.fleetView(orbitEnroll.index - 1).hosts).toEqual([]);
    const after = viewer.fleetView(orbitEnroll.index);
    expect(after.fetched).toEqual({ url: info.mdm, afterStep: orbitEnroll.index });
    expect(after.hosts.map((h) => h.listEntry.uuid)).toEqual([uuid]);
    // A step to Entra after it shows the view of the last step sent to Fleet.
    const entraLater = steps.find((s) => s.index > orbitEnroll.index && s.to === 'entra');
    if (entraLater) expect(viewer.fleetView(entraLater.index).fetched!.afterStep).toBeLessThan(entraLater.index);
    // At the end the host is mapped to the user by the IdP account, as GET device_mapping and the feed say.
    const upn = info.users.find((u) => !u.mfa)!.upn;
    const last = viewer.fleetView(steps.length - 1);
    expect(last.hosts[0]!.deviceMapping.device_mapping).toContainEqual({ email: upn, source: 'mdm_idp_accounts' });
    expect((last.hosts[0]!.getHost.host as { uuid: string }).uuid).toBe(uuid);
    expect((last.activities.activities as { type: string }[]).map((a) => a.type)).toContain('fleet_enrolled');
    // Before any step was sent to Fleet there is nothing to show, and the view says Fleet was not asked yet.
    expect(viewer.fleetView(-1)).toMatchObject({ hosts: [], fetched: { url: info.mdm, afterStep: -1 } });
  }, 120_000);
});

describe('run --mdm-url', () => {
  it('runs a scenario against the external Fleet from the command line', async () => {
    const bundle = join(dir, 'cli-bundle.json');
    const args = [CLI, 'run', 'autopilot-eua', '--json', '--seed', 'external-cli', '--bundle', bundle, '--mdm-url', info.mdm, '--mdm-token', info.fleetApiToken, '--mdm-ca', info.caFile!];
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(TSX, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      p.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ passed: 1, failed: 0, runs: [{ scenario: 'autopilot-eua', passed: true, failures: [] }] });
    const saved = JSON.parse(readFileSync(bundle, 'utf8')) as { steps: { request?: { url: string } }[]; fleet: string | null };
    expect(saved.fleet).toBeNull();
    expect(saved.steps.some((s) => s.request?.url.startsWith(`${info.mdm}/api/mdm/microsoft/enroll`))).toBe(true);
  }, 120_000);

  /** runCommand in-process: its exit code and what it wrote to stderr. */
  async function runCli(names: string[], opts: Parameters<typeof runCommand>[1]): Promise<{ code: number | undefined; stderr: string }> {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const before = process.exitCode;
    try {
      await runCommand(names, opts);
      return { code: process.exitCode as number | undefined, stderr: lines.join('') };
    } finally {
      spy.mockRestore();
      process.exitCode = before;
    }
  }

  it('refuses, before a world starts, a scenario that needs the embedded MDM server: one line, exit 2', async () => {
    const r = await runCli(['autopilot-eua', 'esp-timeout'], { mdmUrl: info.mdm, mdmToken: info.fleetApiToken, mdmCa: info.caFile! });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("esp-timeout needs the embedded MDM server: it marks setup-experience software in the MDM server's store and moves the lab clock 3 h\n");
  });

  it('gives a wrong token, an untrusted certificate and bad flags one line each and exit 2', async () => {
    const wrongToken = await runCli(['autopilot-eua'], { mdmUrl: info.mdm, mdmToken: 'not-the-token', mdmCa: info.caFile! });
    expect(wrongToken.code).toBe(2);
    expect(wrongToken.stderr.trim().split('\n').at(-1)).toBe('GET /api/v1/fleet/config: 401 Authentication required');
    const noCa = await runCli(['autopilot-eua'], { mdmUrl: info.mdm, mdmToken: info.fleetApiToken });
    expect(noCa.code).toBe(2);
    expect(noCa.stderr.trim().split('\n').at(-1)).toMatch(/self[- ]signed certificate|unable to verify/);
    const both = await runCli(['autopilot-eua'], { mdmUrl: info.mdm, mdmToken: info.fleetApiToken, mdmCa: info.caFile!, insecure: true });
    expect(both).toEqual({ code: 2, stderr: '--mdm-ca and --insecure exclude each other\n' });
    const noToken = await runCli(['autopilot-eua'], { mdmUrl: info.mdm });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/^--mdm-url needs --mdm-token/);
  }, 60_000);
});

describe("the lab's own MDM API that lets another lab drive the server", () => {
  async function raw(method: string, path: string, body: string): Promise<{ status: number; json: unknown }> {
    const https = await import('node:https');
    return new Promise((resolve, reject) => {
      const r = https.request(`${info.mdm}${path}`, { method, ca: target.caPem, headers: { authorization: `Bearer ${info.fleetApiToken}`, 'content-type': 'application/json' }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
      });
      r.on('error', reject);
      r.end(body);
    });
  }

  it('is reached with --insecure, and without the CA or --insecure the TLS check refuses it', async () => {
    expect((await new FleetClient({ url: info.mdm, token: info.fleetApiToken, insecure: true }).config()).mdm.windows_enabled_and_configured).toBe(true);
    await expect(new FleetClient({ url: info.mdm, token: info.fleetApiToken }).config()).rejects.toThrow(/self[- ]signed certificate|unable to verify/);
  });

  it('sets the clock to another lab\'s time, and refuses a bad one changing nothing', async () => {
    const fleet = new FleetClient(target);
    const set = await fleet.setLabClock(Date.UTC(2026, 0, 15, 10, 0, 0));
    expect(set).toMatchObject({ now: Date.UTC(2026, 0, 15, 10, 0, 0), pinned: true });
    for (const body of ['{"now":"soon"}', '{"now":-1}', '{}', 'not json']) {
      const r = await raw('PUT', '/lab/v1/mdm/clock', body);
      expect(r.status, body).toBe(400);
    }
    expect((await raw('GET', '/lab/v1/mdm/clock', '')).json).toEqual(set);
  });

  it('takes FLEET_DEV_AZURE_JWT_JWKS_URI as a switch, and refuses what is not a URL changing nothing', async () => {
    const fleet = new FleetClient(target);
    const before = await fleet.labSwitches();
    for (const v of ['"ftp://x/keys"', '"keys"', '42', 'true']) {
      const r = await raw('PATCH', '/lab/v1/mdm/settings', `{"azureJwksUri":${v}}`);
      expect(r.status, v).toBe(400);
    }
    expect(await fleet.labSwitches()).toEqual(before);
  });
});
