import { describe, it, expect, afterEach } from 'vitest';
import { startWorld, type World } from '../../emulators/scenarios/world.js';
import { runAutopilot, optionsOf, type AutopilotOutcome } from '../../emulators/scenarios/flows/autopilot.js';
import { configureSetupExperienceSoftware } from '../../emulators/mdm/store/setup-experience.js';
import { ESP_TIMEOUT_ERROR_TEXT, ESP_TIMEOUT_MS } from '../../emulators/mdm/management/esp.js';
import { espView } from '../../emulators/device/csp/esp.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';
import { runScenarios } from '../../app/host/headless.js';
import type { InstallerBehaviour } from '../../emulators/orbit/setup-experience.js';
import type { FleetProfileName } from '../../emulators/mdm/profiles/profiles.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

let world: World | undefined;
let dir: string | undefined;
afterEach(async () => {
  await world?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  world = undefined;
  dir = undefined;
});

async function autopilot(o: { fleet?: FleetProfileName; installer?: InstallerBehaviour; software?: boolean } = {}): Promise<{ w: World; out: AutopilotOutcome }> {
  dir = mkdtempSync(join(tmpdir(), 'enrollscope-test-'));
  world = await startWorld({ seed: 'mdm-esp', dataDir: dir, keyCacheDir: join(tmpdir(), 'enrollscope-test-keycache'), mdmSettings: { fleetProfile: o.fleet ?? 'current' } });
  const w = world;
  const out = await runAutopilot(
    w,
    optionsOf({}, {
      ...(o.installer && { installer: o.installer }),
      before: (ww) => {
        if (o.software ?? true) configureSetupExperienceSoftware(ww.mdm.ctx, { name: 'Acme VPN', filename: 'acme-vpn.msi' });
      },
    }),
  );
  return { w, out };
}

const enrollment = (w: World, deviceId: string) =>
  w.mdm.ctx.store.read((db) => db.prepare(`SELECT awaiting_configuration, awaiting_configuration_at, host_uuid FROM mdm_windows_enrollments WHERE mdm_device_id = ?`).get(deviceId)) as {
    awaiting_configuration: number;
    awaiting_configuration_at: string;
    host_uuid: string;
  };

/** The server's SyncML replies of the run, in order. */
const replies = (w: World) => w.lab.recorder.all().filter((s) => s.catalogId === 'omadm.message').map((s) => s.response?.body ?? '');

const DEVICE_FSS = './Device/Vendor/MSFT/DMClient/Provider/Fleet/FirstSyncStatus';

describe('the Autopilot ESP as Fleet runs it (switch windows-esp)', () => {
  it('holds while awaiting: the hold commands on the wire in Fleet\'s order and form, then Active once orbit linked, then waits', async () => {
    const { w, out } = await autopilot({ installer: 'hangs' });
    const hold = replies(w).find((b) => b.includes('SkipDeviceStatusPage'))!;
    const targets = [...hold.matchAll(/<(Add|Replace)><CmdID>[^<]+<\/CmdID><Item><Target><LocURI>([^<]+)<\/LocURI>/g)].map((m) => `${m[1]} ${m[2]}`).filter((t) => /DMClient\/Provider\/Fleet|EnrollmentStatusTracking/.test(t));
    expect(targets).toEqual([
      'Add ./User/Vendor/MSFT/DMClient/Provider/Fleet',
      'Add ./User/Vendor/MSFT/DMClient/Provider/Fleet/FirstSyncStatus',
      `Replace ${DEVICE_FSS}/SkipDeviceStatusPage`,
      `Replace ${DEVICE_FSS}/SkipUserStatusPage`,
      `Replace ${DEVICE_FSS}/BlockInStatusPage`,
      `Replace ${DEVICE_FSS}/AllowCollectLogsButton`,
      `Replace ${DEVICE_FSS}/CustomErrorText`,
      `Replace ${DEVICE_FSS}/TimeOutUntilSyncFailure`,
      'Add ./Device/Vendor/MSFT/EnrollmentStatusTracking/DevicePreparation/PolicyProviders/Fleet',
      'Replace ./Device/Vendor/MSFT/EnrollmentStatusTracking/DevicePreparation/PolicyProviders/Fleet/InstallationState',
    ]);
    // Go's xml.Marshal of newSyncMLCmdInt: Target, Meta {Type, Format}, Data; 180 = ESPTimeoutSeconds / 60.
    expect(hold).toMatch(
      new RegExp(`<Replace><CmdID>[0-9a-f-]{36}</CmdID><Item><Target><LocURI>${DEVICE_FSS}/TimeOutUntilSyncFailure</LocURI></Target><Meta><Type xmlns="syncml:metinf">text/plain</Type><Format xmlns="syncml:metinf">int</Format></Meta><Data>180</Data></Item></Replace>`),
    );
    expect(hold).toContain(`<Data>${ESP_TIMEOUT_ERROR_TEXT}</Data>`);
    // The queued fleetd install goes before the ESP commands (pending queue first).
    expect(hold.indexOf('<Exec>')).toBeLessThan(hold.indexOf('SkipDeviceStatusPage'));

    expect(enrollment(w, out.mdmDeviceId)).toMatchObject({ awaiting_configuration: 2, host_uuid: out.hardwareUuid });
    expect(espView(out.device.store)?.state).toBe('showing');
    const row = w.mdm.ctx.store.read((db) => db.prepare(`SELECT status FROM setup_experience_status_results WHERE name = 'Acme VPN'`).pluck().get());
    expect(row).toBe('running');

    // Another session a minute later: Fleet waits (no ESP command), the ESP still shows.
    w.lab.clock.advance(60_000);
    const s = await out.device.syncManagement();
    expect(s.commands.filter((c) => /FirstSyncStatus|EnrollmentStatusTracking/.test(c.target))).toEqual([]);
    expect(s.esp?.state).toBe('showing');
    expect(enrollment(w, out.mdmDeviceId).awaiting_configuration).toBe(2);
  });

  it('releases once the setup software is done: InstallationState 3, ServerHasFinishedProvisioning at both scopes, the backups acked', async () => {
    const { w, out } = await autopilot({ installer: 'succeeds' });
    const release = replies(w).find((b) => b.includes('ServerHasFinishedProvisioning'))!;
    const targets = [...release.matchAll(/<Replace><CmdID>[^<]+<\/CmdID><Item><Target><LocURI>([^<]+)<\/LocURI><\/Target><Meta><Type xmlns="syncml:metinf">text\/plain<\/Type><Format xmlns="syncml:metinf">(\w+)<\/Format><\/Meta><Data>([^<]*)<\/Data>/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    expect(targets).toEqual([
      './Device/Vendor/MSFT/EnrollmentStatusTracking/DevicePreparation/PolicyProviders/Fleet/InstallationState int 3',
      `${DEVICE_FSS}/ServerHasFinishedProvisioning bool true`,
      './User/Vendor/MSFT/DMClient/Provider/Fleet/FirstSyncStatus/ServerHasFinishedProvisioning bool true',
    ]);
    expect(release).not.toContain('CustomErrorText');
    expect(enrollment(w, out.mdmDeviceId).awaiting_configuration).toBe(0);
    expect(espView(out.device.store)).toMatchObject({ state: 'released', error_text: null });
    const status = w.mdm.ctx.store.read((db) => db.prepare(`SELECT status FROM setup_experience_status_results WHERE name = 'Acme VPN'`).pluck().get());
    expect(status).toBe('success');
    // persistESPFinalCommands: the same CmdIDs queued, acked by the device's Status in the same session.
    const backups = w.mdm.ctx.store.read((db) =>
      db.prepare(`SELECT c.target_loc_uri, q.acked_at FROM windows_mdm_commands c JOIN windows_mdm_command_queue q USING (command_uuid) WHERE c.target_loc_uri LIKE '%ServerHasFinishedProvisioning'`).all(),
    ) as { acked_at: string | null }[];
    expect(backups).toHaveLength(2);
    expect(backups.every((b) => b.acked_at !== null)).toBe(true);
    // The device's 418 on the repeated hold Adds is not a failure of the session.
    expect(out.orbit?.setupExperience).toMatchObject({ enabled: true, installs: [{ outcome: 'succeeds' }] });
  });

  it('no setup software: released in the second session without waiting', async () => {
    const { w, out } = await autopilot({ software: false });
    expect(out.orbit?.setupExperience?.enabled).toBe(false);
    expect(enrollment(w, out.mdmDeviceId).awaiting_configuration).toBe(0);
    expect(espView(out.device.store)?.state).toBe('released');
  });

  it('times out after 3 h of lab time, not before: the soft block, the item cancelled, canceled_setup_experience', async () => {
    const { w, out } = await autopilot({ installer: 'hangs' });
    const at = Date.parse(enrollment(w, out.mdmDeviceId).awaiting_configuration_at);
    w.lab.clock.advance(at + ESP_TIMEOUT_MS - 60_000 - w.lab.clock.now());
    const before = await out.device.syncManagement();
    expect(before.commands.some((c) => c.target.includes('CustomErrorText'))).toBe(false);
    expect(before.esp?.state).toBe('showing');
    expect(enrollment(w, out.mdmDeviceId).awaiting_configuration).toBe(2);

    w.lab.clock.advance(2 * 60_000);
    const after = await out.device.syncManagement();
    const fss = after.commands.filter((c) => c.target.includes('FirstSyncStatus')).map((c) => `${c.target.split('/').pop()} ${c.status}`);
    expect(fss).toEqual(['CustomErrorText 200', 'BlockInStatusPage 200', 'AllowCollectLogsButton 200', 'TimeOutUntilSyncFailure 200']);
    const block = replies(w).at(-2)!;
    expect(block).toContain(`<LocURI>${DEVICE_FSS}/BlockInStatusPage</LocURI></Target><Meta><Type xmlns="syncml:metinf">text/plain</Type><Format xmlns="syncml:metinf">int</Format></Meta><Data>5</Data>`);
    expect(block).toContain(`<LocURI>${DEVICE_FSS}/TimeOutUntilSyncFailure</LocURI></Target><Meta><Type xmlns="syncml:metinf">text/plain</Type><Format xmlns="syncml:metinf">int</Format></Meta><Data>1</Data>`);
    expect(block).not.toContain('ServerHasFinishedProvisioning');
    expect(after.esp).toMatchObject({ state: 'failed', error_text: ESP_TIMEOUT_ERROR_TEXT, buttons: 'Reset PC,Continue anyway', collect_logs: 1 });
    expect(enrollment(w, out.mdmDeviceId).awaiting_configuration).toBe(0);
    const status = w.mdm.ctx.store.read((db) => db.prepare(`SELECT status FROM setup_experience_status_results WHERE name = 'Acme VPN'`).pluck().get());
    expect(status).toBe('cancelled');
    const act = w.mdm.ctx.store.read((db) => db.prepare(`SELECT details FROM activities WHERE activity_type = 'canceled_setup_experience'`).pluck().get()) as string;
    expect(JSON.parse(act)).toMatchObject({ software_title: 'Acme VPN', host_display_name: expect.any(String) });
    // orbit's next config no longer asks for the setup experience, nor for the cancelled install.
    const nodeKey = out.orbit!.nodeKey!;
    const cfg = await w.lab.send({ from: 'orbit', to: 'mdm', request: { method: 'POST', url: `${w.mdm.url}${MDM_PATHS.orbitConfig}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orbit_node_key: nodeKey }) } });
    expect(cfg.json<{ notifications: Record<string, unknown> }>().notifications).not.toHaveProperty('run_setup_experience');
    expect(cfg.json<{ notifications: Record<string, unknown> }>().notifications).not.toHaveProperty('pending_software_installer_ids');
  });

  it('eua-first: no ESP commands, no setup experience, the ESP never shows', async () => {
    const { w, out } = await autopilot({ fleet: 'eua-first', installer: 'hangs' });
    expect(replies(w).some((b) => b.includes('FirstSyncStatus'))).toBe(false);
    expect(espView(out.device.store)).toBeNull();
    expect(out.orbit?.setupExperience).toBeNull();
    expect(enrollment(w, out.mdmDeviceId).awaiting_configuration).toBe(1);
  });

  describe('bad input to the orbit setup-experience routes gets Fleet\'s error and changes nothing', () => {
    it.each([
      { name: 'unknown node key (init)', path: MDM_PATHS.orbitSetupExperienceInit, body: () => ({ orbit_node_key: 'nope' }), status: 401, message: 'Authentication failed' },
      { name: 'no node key (status)', path: MDM_PATHS.orbitSetupExperienceStatus, body: () => ({}), status: 401, message: 'Authentication failed' },
      { name: 'not JSON', path: MDM_PATHS.orbitSetupExperienceStatus, raw: '{oops', status: 400, message: /^json decoder error/ },
      { name: 'force_release not a bool', path: MDM_PATHS.orbitSetupExperienceStatus, body: (k: string) => ({ orbit_node_key: k, force_release: 'yes' }), status: 400, message: /cannot unmarshal string into Go struct field GetOrbitSetupExperienceStatusRequest.force_release of type bool/ },
      { name: 'exit code not an int', path: MDM_PATHS.orbitSoftwareInstallResult, body: (k: string) => ({ orbit_node_key: k, install_uuid: 'x', install_script_exit_code: 'zero' }), status: 400, message: /cannot unmarshal string into Go struct field OrbitPostSoftwareInstallResultRequest.install_script_exit_code of type int/ },
      { name: 'an install the host does not have', path: MDM_PATHS.orbitSoftwareInstallResult, body: (k: string) => ({ orbit_node_key: k, install_uuid: '00000000-0000-4000-8000-000000000000', install_script_exit_code: 0 }), status: 404, message: 'Resource Not Found' },
    ])('$name → $status', async (c) => {
      const { w, out } = await autopilot({ installer: 'hangs' });
      const body = 'raw' in c ? c.raw! : JSON.stringify(c.body!(out.orbit!.nodeKey!));
      const before = w.mdm.ctx.store.fileBytes();
      const res = await w.lab.send({ from: 'orbit', to: 'mdm', request: { method: 'POST', url: `${w.mdm.url}${c.path}`, headers: { 'content-type': 'application/json' }, body } });
      expect(w.mdm.ctx.store.fileBytes().equals(before)).toBe(true);
      expect(res.status).toBe(c.status);
      const err = res.json<{ message: string; errors: { name: string; reason: string }[] }>();
      if (typeof c.message === 'string') expect(err.message).toBe(c.message);
      else expect(err.message).toMatch(c.message);
      expect(err.errors[0]!.name).toBe('base');
    });
  });
});

describe('#38467: the SSO prompt opens behind the ESP', () => {
  it.each([
    { fleet: 'current' as const, behind: 'Enrollment Status Page' },
    { fleet: 'eua-first' as const, behind: undefined },
  ])('autopilot-no-eua under $fleet', async ({ fleet, behind }) => {
    const r = await runScenarios(['autopilot-no-eua'], { seed: 'mdm-esp-sso', fleet });
    const prompt = r.runs[0]!.bundle.steps.find((s) => s.catalogId === 'orbit.sso-prompt')!;
    expect(prompt.detail?.behind).toBe(behind);
    if (behind) expect(prompt.title).toContain('behind the Enrollment Status Page (#38467)');
    expect(r.runs[0]!.passed).toBe(true);
  });
});

describe('esp-timeout passes under every profile, with what differs', () => {
  it.each(['eua-first', 'eua-link-fix', 'current'] as const)('%s', async (fleet) => {
    const r = await runScenarios(['esp-timeout'], { seed: 'esp-timeout', fleet });
    const run = r.runs[0]!;
    expect(run.failures).toEqual([]);
    expect(run.passed).toBe(true);
    const esp = run.bundle.steps.filter((s) => s.catalogId === 'device.esp').map((s) => (s.detail?.esp as { state: string }).state);
    expect(esp).toEqual(fleet === 'current' ? ['showing', 'failed'] : []);
  });
});
