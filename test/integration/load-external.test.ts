import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runLoad } from '../../emulators/load/engine.js';
import type { LoadSummary } from '../../emulators/load/summary.js';
import { FleetClient } from '../../emulators/lab/fleet-client.js';
import { seededPorts } from '../../emulators/lab/seeded-ports.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';
import type { ExternalMdm } from '../../emulators/scenarios/world.js';
import { runCli, startServeProcess, type ServeProcess } from '../helpers/serve-process.js';

/**
 * `load --mdm-url`: the devices enroll into an MDM server outside the load's process while the load's own Entra serves
 * join and PRT. `serve --tls` stands in for the external Fleet, as in external-fleet.test.ts: the load reaches it only
 * through Fleet's REST API (the admin's setup, the checks) and the protocols its devices speak.
 */
const keyCacheDir = join(tmpdir(), 'enrollscope-test-keycache');
const dir = mkdtempSync(join(tmpdir(), 'enrollscope-load-external-'));
let fleet: ServeProcess;
let target: ExternalMdm;

beforeAll(async () => {
  // Seeded: the server reuses the seed's cached keys; the load sets its lab clock to the load's own. Its seed is not
  // the loads': a seeded serve takes its seed's ports, which the load's Entra would then not get.
  fleet = await startServeProcess(['--tls', '--data-dir', join(dir, 'fleet'), '--seed', 'load-external-fleet'], { ENROLLSCOPE_KEY_CACHE: keyCacheDir });
  target = { url: fleet.info.mdm, token: fleet.info.fleetApiToken, caPem: readFileSync(fleet.info.caFile!, 'utf8') };
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** What the external Fleet's API shows of one host, found by its hardware UUID as an admin finds it. */
async function hostView(api: FleetClient, uuid: string) {
  const host = (await api.hosts({ query: uuid })).find((h) => h.uuid === uuid);
  if (!host) return undefined;
  const [mapping, feed] = await Promise.all([api.deviceMapping(host.id), api.hostActivities(host.id)]);
  return {
    // Fleet records mdm_enrolled with the host once the Windows enrollment links to it (#52235); connected_to_fleet
    // would also need the host_mdm row only osquery reports.
    enrolled: feed.activities.filter((a) => a.type === 'mdm_enrolled').map((a) => a.details?.mdm_platform),
    idpEmails: mapping.device_mapping.filter((m) => m.source === 'mdm_idp_accounts').map((m) => m.email),
  };
}

describe('load --mdm-url (an external Fleet: serve --tls)', () => {
  it('puts 5 devices through autopilot-eua into the external Fleet: each enrolled, linked by its EUA token, one prompt', async () => {
    const N = 5;
    let entraUrl = '';
    const summary = await runLoad({
      devices: N,
      concurrency: 5,
      keys: 'pooled',
      scenario: 'autopilot-eua',
      seed: 'load-external',
      shard: { index: 0, count: 1 },
      keyCacheDir,
      progress: null,
      poolSize: 12,
      target: { kind: 'external', ...target },
      inspect: (world) => void (entraUrl = world.entra.url),
    });
    expect(summary.errors).toEqual([]);
    expect(summary).toMatchObject({ devices: N, ok: N, failed: 0, target: 'external', targetUrl: target.url });
    // The external Fleet's tables are not the load's to count.
    expect(summary.rows.mdm).toBeUndefined();
    expect(summary.rows.entra).toBeDefined();
    for (const d of summary.deviceList) expect(d.prompts, d.upn).toBe(1);
    // The load's Entra on the seed's port, as doctor --seed expects it: a real Fleet is started with its JWKS URL.
    expect(new URL(entraUrl).port).toBe(String(seededPorts('load-external').entra));

    // Asked of the external Fleet's API apart from the engine's own checks.
    const api = new FleetClient(target);
    for (const d of summary.deviceList) {
      expect(await hostView(api, d.hardwareUuid), d.upn).toEqual({ enrolled: ['microsoft'], idpEmails: [d.upn] });
    }
  });

  it('load --mdm-url --mdm-token --mdm-ca on the command line: exit 0, the JSON says 3 ok into the external target', async () => {
    // Another seed, other devices; the Fleet may already hold their users (a Fleet outlives a load; the same tenant domain).
    const caFile = fleet.info.caFile!;
    const json = join(dir, 'load.json');
    const r = await runCli(['load', '--devices', '3', '--seed', 'load-external-cli', '--quiet', '--mdm-url', target.url, '--mdm-token', target.token, '--mdm-ca', caFile, '--json', json], {
      // The test key cache, not the user's (the key pool and the world's keys of the seed are made there once).
      ENROLLSCOPE_KEY_CACHE: keyCacheDir,
    });
    // The table on stdout names the failures when there are any.
    expect({ code: r.code, stderr: r.stderr, failures: r.code === 0 ? '' : r.stdout }).toEqual({ code: 0, stderr: '', failures: '' });
    const s = JSON.parse(readFileSync(json, 'utf8')) as LoadSummary;
    expect(s).toMatchObject({ devices: 3, ok: 3, failed: 0, target: 'external', targetUrl: target.url });
    expect(r.stdout).toContain(`into the external MDM at ${target.url}`);
  }, 120_000);

  it('load --insecure: warned on stderr, every certificate of the Fleet accepted, the devices enrolled', async () => {
    // The CLI test's seed again (its key pool made): after that test its devices are hosts of this Fleet already and
    // enroll anew, as a re-run of a load does.
    const r = await runCli(['load', '--devices', '3', '--seed', 'load-external-cli', '--quiet', '--mdm-url', target.url, '--mdm-token', target.token, '--insecure', '--json', '-'], {
      ENROLLSCOPE_KEY_CACHE: keyCacheDir,
    });
    expect(r.stderr).toBe(`WARNING: --insecure: the lab accepts EVERY certificate from ${target.url}; its traffic could be read or changed by anyone on the path\n`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ devices: 3, ok: 3, failed: 0, target: 'external' });
  }, 120_000);

  it('against a Fleet without the lab API (serve --fleet-api-only, on real time, the JWKS URL from the seed): 2 ok, the JWKS note', async () => {
    // What an operator does for a real Fleet: start it with the load's Entra JWKS, whose port the load's seed fixes.
    const seed = 'load-external-api-only';
    const jwks = `http://127.0.0.1:${seededPorts(seed).entra}${ENTRA_PATHS.keys('common', '2.0')}`;
    const real = await startServeProcess(['--tls', '--fleet-api-only', '--data-dir', join(dir, 'api-only')], { ENROLLSCOPE_KEY_CACHE: keyCacheDir, FLEET_DEV_AZURE_JWT_JWKS_URI: jwks });
    try {
      const summary = await runLoad({
        devices: 2,
        concurrency: 2,
        keys: 'pooled',
        scenario: 'autopilot-eua',
        seed,
        shard: { index: 0, count: 1 },
        keyCacheDir,
        progress: null,
        poolSize: 12,
        target: { kind: 'external', url: real.info.mdm, token: real.info.fleetApiToken, caPem: readFileSync(real.info.caFile!, 'utf8') },
      });
      expect(summary.errors).toEqual([]);
      expect(summary).toMatchObject({ devices: 2, ok: 2, target: 'external' });
      expect(summary.notes).toEqual(expect.arrayContaining([expect.stringContaining(`FLEET_DEV_AZURE_JWT_JWKS_URI=${jwks}`)]));
    } finally {
      await real.stop();
    }
  }, 60_000);

  it('refuses --mdm-ca with --insecure: exit 2, one line, before anything starts', async () => {
    const r = await runCli(['load', '--devices', '1', '--mdm-url', target.url, '--mdm-token', target.token, '--mdm-ca', fleet.info.caFile!, '--insecure']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: '--mdm-ca and --insecure exclude each other\n' });
  });

  it('a token the external Fleet refuses: exit 2, its answer in one line, no device started', async () => {
    const r = await runCli(['load', '--devices', '1', '--quiet', '--mdm-url', target.url, '--mdm-token', 'not-a-token', '--mdm-ca', fleet.info.caFile!], { ENROLLSCOPE_KEY_CACHE: keyCacheDir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^load: GET \/api\/v1\/fleet\/config: 401 [^\n]*\n$/);
  });

  it('refuses --mdm-token without --mdm-url: exit 2, one line', async () => {
    const r = await runCli(['load', '--devices', '1', '--mdm-token', 'x']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: '--mdm-token, --mdm-ca and --insecure go with --mdm-url\n' });
  });
});
