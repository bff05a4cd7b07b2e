import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startWorld, type World } from '../../emulators/scenarios/world.js';
import { findScenario } from '../../emulators/scenarios/index.js';
import { evaluate } from '../../emulators/scenarios/expect.js';
import { hostDeletePath } from '../../emulators/mdm/api/host-delete.js';
import { fleetApiToken } from '../../emulators/mdm/api/token.js';
import { ENROLL_SECRET_PATH, KEYSTORE_ENROLL_SECRET, NODE_KEY_PATH } from '../../emulators/orbit/state.js';
import type { FleetProfileName } from '../../emulators/mdm/profiles/profiles.js';
import { ENROLL_SECRET_ADMX_INSTALL_URI, ENROLL_SECRET_POLICY_URI } from '../../emulators/mdm/management/enroll-secret-push.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** DELETE /api/v1/fleet/hosts/:id as an admin sends it: with the API token. */
const deleteAsAdmin = (w: World, path: string) => fetch(`${w.mdm.url}${path}`, { method: 'DELETE', headers: { authorization: `Bearer ${fleetApiToken(w.mdm.ctx)}` } });

async function run(name: string, fleetProfile: FleetProfileName, seed: string) {
  world = await startWorld({ dataDir: mkdtempSync(join(tmpdir(), 'es-orbit-')), seed, mdmSettings: { fleetProfile } });
  const scenario = findScenario(name)!;
  const out = await scenario.run(world, {});
  return { world, out, verdicts: evaluate(scenario.expect(out as never, {}), world) };
}

describe('host-deleted-reenroll', () => {
  for (const profile of ['eua-first', 'eua-link-fix', 'current'] as const) {
    it(`holds its expectations under ${profile}`, async () => {
      const { verdicts } = await run('host-deleted-reenroll', profile, `deleted-${profile}`);
      expect(verdicts.filter((v) => !v.passed)).toEqual([]);
    });
  }

  it("DeleteHost clears the host's host_id rows and keeps the enrollment and the IdP link; orbit keeps its files where fleetd does", async () => {
    const { world: w } = await run('autopilot-eua', 'current', 'deleted-rows');
    const hostId = w.mdm.ctx.store.read((db) => db.prepare(`SELECT id FROM hosts`).pluck().get() as number);
    const count = (table: string, col = 'host_id', v: unknown = hostId) => w.mdm.ctx.store.read((db) => db.prepare(`SELECT COUNT(*) FROM ${table} WHERE ${col} = ?`).pluck().get(v) as number);
    expect(count('host_orbit_info')).toBe(1);
    const uuid = w.mdm.ctx.store.read((db) => db.prepare(`SELECT uuid FROM hosts WHERE id = ?`).pluck().get(hostId) as string);
    // orbit moved the secret from secret.txt into the keystore and deleted the file; the node key is in its file.
    const orbit = w.lab.store('orbit')!;
    const files = orbit.read((db) => db.prepare(`SELECT path FROM orbit_files`).pluck().all());
    expect(files).toEqual([NODE_KEY_PATH]);
    expect(files).not.toContain(ENROLL_SECRET_PATH);
    expect(orbit.read((db) => db.prepare(`SELECT COUNT(*) FROM orbit_keystore WHERE name = ?`).pluck().get(KEYSTORE_ENROLL_SECRET))).toBe(1);

    const res = await deleteAsAdmin(w, hostDeletePath(hostId));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    for (const t of ['hosts', 'host_seen_times', 'host_emails', 'host_mdm', 'host_orbit_info', 'host_activities']) expect(count(t, t === 'hosts' ? 'id' : 'host_id'), t).toBe(0);
    expect(count('host_mdm_idp_accounts', 'host_uuid', uuid)).toBe(1);
    expect(count('mdm_windows_enrollments', 'host_uuid', uuid)).toBe(1);
  });

  it("an unknown or malformed host id gets Fleet's 404 JSON and changes nothing", async () => {
    world = await startWorld({ dataDir: mkdtempSync(join(tmpdir(), 'es-orbit-')), seed: 'deleted-404' });
    const before = world.mdm.ctx.store.fileBytes();
    const res = await deleteAsAdmin(world, hostDeletePath(999));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'Resource Not Found', errors: [{ name: 'base', reason: 'Host 999 was not found in the datastore' }] });
    const bad = await deleteAsAdmin(world, '/api/v1/fleet/hosts/abc');
    expect(bad.status).toBe(404);
    expect(world.mdm.ctx.store.fileBytes().equals(before)).toBe(true);
  });

  it("a delete without the admin API token is Fleet's 401 and deletes nothing", async () => {
    const { world: w, out } = await run('autopilot-eua', 'current', 'deleted-no-token');
    const hostId = w.mdm.ctx.store.read((db) => db.prepare(`SELECT id FROM hosts WHERE uuid = ?`).pluck().get((out as { hardwareUuid: string }).hardwareUuid)) as number;
    const before = w.mdm.ctx.store.fileBytes();
    const res = await fetch(`${w.mdm.url}${hostDeletePath(hostId)}`, { method: 'DELETE' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Authentication required', errors: [{ name: 'base', reason: 'Authentication required' }] });
    expect(w.mdm.ctx.store.fileBytes().equals(before)).toBe(true);
  });

  it("a deleted host's node key gets 401 Authentication required, with Fleet's internal reason on the step", async () => {
    const { world: w } = await run('host-deleted-reenroll', 'current', 'deleted-401');
    const refused = w.lab.recorder.all().filter((s) => s.catalogId === 'orbit.config' && s.response?.status === 401);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(refused[0]!.response!.body)).toEqual({ message: 'Authentication required', errors: [{ name: 'base', reason: 'Authentication required' }] });
    expect(refused[0]!.detail?.fleetLog).toEqual({ error: 'authentication error: invalid orbit node key' });
    // The re-enroll came only after 45 s of 401s: the first two refusals are 30 s apart, the enroll after the third.
    const reenroll = w.lab.recorder.all().filter((s) => s.catalogId === 'orbit.enroll').at(-1)!;
    expect(reenroll.index).toBeGreaterThan(refused.at(-1)!.index);
    expect(JSON.parse(reenroll.request!.body).eua_token).toMatch(/\./);
  });
});

describe('fleetd-1.54-then-1.55 (#40787 QA)', () => {
  for (const profile of ['eua-first', 'eua-link-fix', 'current'] as const) {
    it(`holds its expectations under ${profile}`, async () => {
      const { verdicts } = await run('fleetd-1.54-then-1.55', profile, `update-${profile}`);
      expect(verdicts.filter((v) => !v.passed)).toEqual([]);
    });
  }

  it('1.54 enrolls without eua_token and is refused; after the update the orbit_state version is 1.55 and the host reports it', async () => {
    const { world: w } = await run('fleetd-1.54-then-1.55', 'current', 'update-detail');
    const steps = w.lab.recorder.all();
    const first = steps.find((s) => s.catalogId === 'orbit.enroll')!;
    expect(first.response!.status).toBe(401);
    expect(JSON.parse(first.request!.body)).not.toHaveProperty('eua_token');
    expect(first.request!.headers['user-agent']).toBe('fleetd/1.54.0');
    const update = steps.find((s) => s.catalogId === 'orbit.update')!;
    expect(update.detail).toMatchObject({ from: '1.54.0', to: '1.55.0', keepsNodeKey: true });
    const orbit = w.lab.store('orbit')!;
    expect(orbit.read((db) => db.prepare(`SELECT value FROM orbit_state WHERE name = 'version'`).pluck().get())).toBe('1.55.0');
    // The EUA_TOKEN the MSI carried is still orbit's (the service environment did not change with the binary).
    expect(orbit.read((db) => db.prepare(`SELECT value FROM orbit_state WHERE name = 'eua_token'`).pluck().get())).toMatch(/\./);
    const version = w.mdm.ctx.store.read((db) => db.prepare(`SELECT version FROM host_orbit_info`).pluck().all());
    expect(version).toEqual(['1.55.0']);
  });
});

describe('one-time enroll secrets (current + auth.mdm_windows_one_time_enroll_secrets)', () => {
  async function runWith(profile: FleetProfileName, seed: string, oneTimeSecrets: boolean) {
    world = await startWorld({ dataDir: mkdtempSync(join(tmpdir(), 'es-orbit-')), seed, mdmSettings: { fleetProfile: profile } });
    const scenario = findScenario('host-deleted-reenroll')!;
    const opts = { oneTimeSecrets };
    const out = await scenario.run(world, opts);
    return { world, out, verdicts: evaluate(scenario.expect(out as never, opts), world) };
  }

  it('current with the flag: the install stores the placeholder, delivers the minted secret; orbit consumes it; the host delete takes it', async () => {
    const { world: w, verdicts } = await runWith('current', 'one-time-on', true);
    expect(verdicts.filter((v) => !v.passed)).toEqual([]);
    const [exec] = w.mdm.ctx.store.read((db) => db.prepare(`SELECT raw_command FROM windows_mdm_commands WHERE raw_command LIKE '%<Exec>%' ORDER BY rowid`).pluck().all()) as string[];
    expect(exec).toContain('FLEET_SECRET="$FLEET_HOST_SECRET_ENROLL_SECRET"');
    const steps = w.lab.recorder.all();
    const install = steps.find((s) => s.catalogId === 'msi.install')!;
    const delivered = (install.detail!.properties as Record<string, string>).FLEET_SECRET!;
    expect(delivered).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const global = w.mdm.ctx.store.read((db) => db.prepare(`SELECT secret FROM enroll_secrets`).pluck().all());
    expect(global).not.toContain(delivered);
    // The first enroll consumed it: its row was bound to the enrollment, then to the host, then went with the host.
    const inserted = steps.flatMap((s) => s.changes).find((c) => c.table === 'host_one_time_enroll_secrets' && c.op === 'insert')!;
    expect(inserted.after).toMatchObject({ secret: delivered, platform: 'windows', host_id: null, team_id: null });
    expect(inserted.after!.mdm_windows_enrollment_id).toEqual(expect.any(Number));
    const consumed = steps.flatMap((s) => s.changes).find((c) => c.table === 'host_one_time_enroll_secrets' && c.op === 'update')!;
    expect(consumed.after).toMatchObject({ secret: delivered, host_id: expect.any(Number) });
    expect(consumed.after!.orbit_used_at).toEqual(consumed.after!.consumed_at);
  });

  it("a deleted host's enrollment is pushed the enroll secret profile once: an Atomic of the ADMX ingest and the policy, the new secret delivered in it", async () => {
    const { world: w } = await runWith('current', 'one-time-push', true);
    const pushes = w.mdm.ctx.store.read((db) => db.prepare(`SELECT command_uuid, raw_command FROM windows_mdm_commands WHERE target_loc_uri = ?`).all(ENROLL_SECRET_POLICY_URI)) as { command_uuid: string; raw_command: string }[];
    expect(pushes).toHaveLength(1);
    const raw = pushes[0]!.raw_command;
    expect(raw.startsWith(`<Atomic><CmdID>${pushes[0]!.command_uuid}</CmdID><Replace>`)).toBe(true);
    expect(raw).toContain(`<LocURI>${ENROLL_SECRET_ADMX_INSTALL_URI}</LocURI>`);
    expect(raw).toContain('value=&#34;$FLEET_HOST_SECRET_ENROLL_SECRET&#34;');
    // On the wire the placeholder is the secret minted after the delete, and the new host consumed that one.
    const session = w.lab.recorder.all().find((s) => s.catalogId === 'omadm.message' && s.response?.body.includes(ENROLL_SECRET_POLICY_URI))!;
    const fresh = w.mdm.ctx.store.read((db) => db.prepare(`SELECT secret FROM host_one_time_enroll_secrets WHERE orbit_used_at IS NOT NULL`).pluck().get()) as string;
    expect(session.response!.body).toContain(`value=&#34;${fresh}&#34;`);
    expect(session.response!.body).not.toContain('$FLEET_HOST_SECRET_ENROLL_SECRET');
    const written = w.lab.recorder.all().flatMap((s) => s.changes).find((c) => c.party === 'device' && c.table === 'registry_values' && c.op === 'insert')!;
    expect(written.after).toMatchObject({ hive: 'HKLM', key: 'SOFTWARE\\FleetDM\\Orbit', name: 'EnrollSecret', type: 'REG_SZ', data: fresh });
    expect(w.lab.store('device')!.read((db) => db.prepare(`SELECT COUNT(*) FROM registry_values`).pluck().get())).toBe(0);
  });

  it('eua-link-fix has no one-time switch: no enroll secret profile is pushed, the shared secret still enrolls', async () => {
    const { world: w } = await runWith('eua-link-fix', 'one-time-push-off', true);
    expect(w.mdm.ctx.store.read((db) => db.prepare(`SELECT COUNT(*) FROM windows_mdm_commands WHERE target_loc_uri = ?`).pluck().get(ENROLL_SECRET_POLICY_URI))).toBe(0);
    expect(w.lab.recorder.all().some((s) => s.catalogId === 'orbit.adopt-delivered-secret')).toBe(false);
  });

  it('a device that keeps checking in without its host is pushed once per secret, not every session', async () => {
    world = await startWorld({ dataDir: mkdtempSync(join(tmpdir(), 'es-orbit-')), seed: 'one-time-once', mdmSettings: { fleetProfile: 'current', mdmWindowsOneTimeEnrollSecrets: true } });
    const out = (await findScenario('autopilot-eua')!.run(world, {})) as { hardwareUuid: string; device: { syncManagement(): Promise<unknown> } };
    const hostId = world.mdm.ctx.store.read((db) => db.prepare(`SELECT id FROM hosts WHERE uuid = ?`).pluck().get(out.hardwareUuid)) as number;
    expect((await deleteAsAdmin(world, hostDeletePath(hostId))).status).toBe(200);
    const pushes = () => world!.mdm.ctx.store.read((db) => db.prepare(`SELECT COUNT(*) FROM windows_mdm_commands WHERE target_loc_uri = ?`).pluck().get(ENROLL_SECRET_POLICY_URI));
    await out.device.syncManagement();
    expect(pushes()).toBe(1);
    await out.device.syncManagement();
    await out.device.syncManagement();
    expect(pushes()).toBe(1);
    // The value waits in the registry for orbit; one live secret, bound to the enrollment and no host.
    expect(world.lab.store('device')!.read((db) => db.prepare(`SELECT name, type FROM registry_values`).all())).toEqual([{ name: 'EnrollSecret', type: 'REG_SZ' }]);
    expect(world.mdm.ctx.store.read((db) => db.prepare(`SELECT host_id FROM host_one_time_enroll_secrets WHERE consumed_at IS NULL`).all())).toEqual([{ host_id: null }]);
  });

  it('eua-link-fix ignores the flag (no switch): the shared secret, the re-enroll succeeds', async () => {
    const { world: w, verdicts } = await runWith('eua-link-fix', 'one-time-off', true);
    expect(verdicts.filter((v) => !v.passed)).toEqual([]);
    expect(w.mdm.ctx.store.read((db) => db.prepare(`SELECT COUNT(*) FROM host_one_time_enroll_secrets`).pluck().get())).toBe(0);
    const install = w.lab.recorder.all().find((s) => s.catalogId === 'msi.install')!;
    const global = w.mdm.ctx.store.read((db) => db.prepare(`SELECT secret FROM enroll_secrets`).pluck().all());
    expect(global).toContain((install.detail!.properties as Record<string, string>).FLEET_SECRET);
  });

  it('a used one-time secret presented again gets 401 Authentication failed and one host_enrollment_rejected, rate-limited for 12 h', async () => {
    world = await startWorld({ dataDir: mkdtempSync(join(tmpdir(), 'es-orbit-')), seed: 'one-time-reuse', mdmSettings: { fleetProfile: 'current', mdmWindowsOneTimeEnrollSecrets: true } });
    const out = (await findScenario('autopilot-eua')!.run(world, {})) as { hardwareUuid: string };
    const w = world;
    const used = w.mdm.ctx.store.read((db) => db.prepare(`SELECT secret, host_id FROM host_one_time_enroll_secrets WHERE orbit_used_at IS NOT NULL`).get()) as { secret: string; host_id: number };
    expect(used.secret).toBeTruthy();
    const present = () =>
      fetch(`${w.mdm.url}/api/fleet/orbit/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enroll_secret: used.secret, hardware_uuid: out.hardwareUuid, hardware_serial: 'SER-1', hostname: 'x', platform: 'windows' }),
      });
    const hostsBefore = w.mdm.ctx.store.read((db) => db.prepare(`SELECT * FROM hosts`).all());
    const res = await present();
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Authentication failed', errors: [{ name: 'base', reason: 'Authentication failed' }] });
    const rejected = w.mdm.ctx.store.read((db) => db.prepare(`SELECT details FROM activities WHERE activity_type = 'host_enrollment_rejected'`).pluck().all()) as string[];
    expect(rejected.map((d) => JSON.parse(d))).toEqual([
      expect.objectContaining({ host_id: used.host_id, host_uuid: out.hardwareUuid, host_serial: 'SER-1', platform: 'windows', enrollment_plane: 'orbit', reason: 'one_time_secret_spent' }),
    ]);
    expect(w.mdm.ctx.store.read((db) => db.prepare(`SELECT * FROM hosts`).all())).toEqual(hostsBefore);
    // Within the 12 h the same refusal records nothing more: the database is byte-identical.
    const before = w.mdm.ctx.store.fileBytes();
    expect((await present()).status).toBe(401);
    expect(w.mdm.ctx.store.fileBytes().equals(before)).toBe(true);
  });
});

describe('ds.EnrollOrbit matches the agent by its osquery identifier', () => {
  it('a replayed orbit enroll with another hardware UUID updates the same host: 200, a new node key, the first UUID kept, no second host', async () => {
    world = await startWorld({ dataDir: mkdtempSync(join(tmpdir(), 'es-orbit-')), seed: 'replay-uuid' });
    await findScenario('autopilot-eua')!.run(world, {});
    const w = world;
    const enroll = w.lab.recorder.all().find((s) => s.catalogId === 'orbit.enroll' && s.response?.status === 200)!;
    const body = JSON.parse(enroll.request!.body!) as Record<string, string>;
    const before = w.mdm.ctx.store.read((db) => db.prepare(`SELECT id, uuid, osquery_host_id, orbit_node_key FROM hosts`).all()) as { id: number; uuid: string; orbit_node_key: string }[];
    expect(before).toHaveLength(1);
    const res = await fetch(enroll.request!.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, hardware_uuid: 'AAAAAAAA-0000-4000-8000-000000000001' }) });
    expect(res.status).toBe(200);
    const key = ((await res.json()) as { orbit_node_key: string }).orbit_node_key;
    const after = w.mdm.ctx.store.read((db) => db.prepare(`SELECT id, uuid, osquery_host_id, orbit_node_key FROM hosts`).all()) as { id: number; uuid: string; orbit_node_key: string }[];
    expect(after).toEqual([{ ...before[0], orbit_node_key: key }]);
    expect(key).not.toBe(before[0]!.orbit_node_key);
  });
});
