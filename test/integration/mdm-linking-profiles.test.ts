import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../emulators/scenarios/world.js';
import { optionsOf, runAutopilot, type AutopilotSettings } from '../../emulators/scenarios/flows/autopilot.js';
import { runScenarios } from '../../app/host/headless.js';
import { createTeam, FleetProfileFeatureError, setWindowsEnrollmentDefaultTeam, updateSettings, windowsEnrollmentDefaultTeam } from '../../emulators/mdm/admin.js';
import { insertEnrolledDevice } from '../../emulators/mdm/store/enrollments.js';
import { listActivities } from '../../emulators/mdm/store/activities.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';
import type { FleetProfileName } from '../../emulators/mdm/profiles/profiles.js';
import type { Step } from '../../emulators/lab/step.js';

/**
 * One test per Fleet profile switch of the Windows host ↔ user ↔ enrollment linking (switches.ts), each running the
 * same flow under the two profiles around the switch and asserting the rows that differ.
 */

const worlds: World[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});

async function world(fleetProfile: FleetProfileName, seed: string): Promise<World> {
  const w = await startWorld({ seed, mdmSettings: { fleetProfile } });
  worlds.push(w);
  return w;
}

async function autopilot(fleetProfile: FleetProfileName, seed: string, s: Partial<AutopilotSettings> = {}, settings: { endUserAuthEnabled?: boolean } = {}) {
  const w = await world(fleetProfile, seed);
  if (settings.endUserAuthEnabled !== undefined) updateSettings(w.mdm.ctx, { endUserAuthEnabled: settings.endUserAuthEnabled });
  const out = await runAutopilot(w, { ...optionsOf({}), ...s });
  return { w, out };
}

const rows = <T>(w: World, sql: string, ...args: unknown[]) => w.mdm.ctx.store.read((db) => db.prepare(sql).all(...args) as T[]);

/** The successful orbit enroll step and the order of the MDM writes it made. */
function orbitEnrollStep(steps: readonly Step[]): Step {
  const step = steps.find((s) => s.kind === 'http' && s.request?.url.includes(MDM_PATHS.orbitEnroll) && s.response?.status === 200);
  if (!step) throw new Error('no successful orbit enroll step');
  return step;
}
const writes = (step: Step) => step.changes.filter((c) => c.party === 'mdm').map((c) => `${c.op} ${c.table}`);

describe('eua-link-after-enroll (#45066): where the EUA path links the IdP account', () => {
  it.each([
    ['eua-first', false],
    ['eua-link-fix', true],
  ] as const)('%s: the same scenario, the link before/after the host insert, host_emails iff fixed', async (fleet, fixed) => {
    const report = await runScenarios(['eua-first-device-mapping-null'], { seed: 'linking-45066', fleet });
    const run = report.runs[0]!;
    expect(run.failures).toEqual([]);
    const step = orbitEnrollStep(run.bundle.steps);
    const order = writes(step);
    const link = order.indexOf('insert host_mdm_idp_accounts');
    const host = order.indexOf('insert hosts');
    expect(link).toBeGreaterThanOrEqual(0);
    expect(host).toBeGreaterThanOrEqual(0);
    // eua-first: processWindowsEUAToken links before ds.EnrollOrbit; the fix links after it.
    expect(link < host).toBe(!fixed);
    const emails = step.changes.filter((c) => c.party === 'mdm' && c.table === 'host_emails' && c.op === 'insert').map((c) => [c.after?.email, c.after?.source]);
    if (fixed) expect(emails).toEqual([[expect.stringContaining('@'), 'mdm_idp_accounts']]);
    else expect(emails).toEqual([]);
    // fleet_enrolled in every profile, with Fleet's details keys in Go's order.
    const enrolled = step.changes.find((c) => c.party === 'mdm' && c.table === 'activities' && c.after?.activity_type === 'fleet_enrolled');
    const details = JSON.parse(String(enrolled?.after?.details)) as Record<string, unknown>;
    expect(Object.keys(details)).toEqual(['host_id', 'host_serial', 'host_display_name']);
    expect(details.host_id).toBe(step.changes.find((c) => c.table === 'hosts' && c.op === 'insert')?.after?.id);
  });
});

describe('windows-link-bookkeeping (#49922): LinkWindowsHostMDMEnrollment on the token path', () => {
  it.each([
    ['eua-link-fix', 1],
    ['current', 0],
  ] as const)('%s: a Settings-app (not in OOBE) enrollment of a host osquery reported as DEP-installed ends with installed_from_dep %i', async (fleet, expected) => {
    const { w, out } = await autopilot(fleet, 'linking-49922', {
      notInOobe: true,
      // The host row of this hardware survives from an earlier life (osquery reported host_mdm); orbit never enrolled it.
      afterPrt: async (device, wd) => {
        const now = wd.mdm.ctx.nowIso();
        wd.mdm.ctx.store.tx((db) => {
          const id = Number(
            // No serial on it, so the DevDetail answer cannot link it before orbit does (that path does the bookkeeping in every profile).
            db.prepare(`INSERT INTO hosts(osquery_host_id, uuid, hostname, platform, created_at, updated_at) VALUES (?, ?, ?, 'windows', ?, ?)`)
              .run(device.hardware.hardwareUuid, device.hardware.hardwareUuid, device.hardware.deviceName, now, now).lastInsertRowid,
          );
          db.prepare(`INSERT INTO host_mdm(host_id, enrolled, server_url, installed_from_dep, created_at, updated_at) VALUES (?, 0, '', 1, ?, ?)`).run(id, now, now);
        });
      },
    });
    expect(out.orbit?.sentEuaToken).toBe(true);
    const mdmRow = rows<{ installed_from_dep: number }>(w, `SELECT m.installed_from_dep FROM host_mdm m JOIN hosts h ON h.id = m.host_id WHERE h.uuid = ?`, out.hardwareUuid);
    expect(mdmRow).toEqual([{ installed_from_dep: expected }]);
    // Both link the enrollment and map the UPN; only the bookkeeping differs.
    expect(rows(w, `SELECT host_uuid FROM mdm_windows_enrollments WHERE mdm_device_id = ?`, out.mdmDeviceId)).toEqual([{ host_uuid: out.hardwareUuid }]);
    expect(rows(w, `SELECT e.email, e.source FROM host_emails e JOIN hosts h ON h.id = e.host_id WHERE h.uuid = ?`, out.hardwareUuid)).toEqual([{ email: out.upn, source: 'mdm_idp_accounts' }]);
  });
});

describe('default-windows-enrollment-team (#49922): mdm_windows_enrollment_config.default_team_id', () => {
  it('current: the linked host joins the default Windows enrollment team', async () => {
    const w = await world('current', 'linking-default-team');
    const team = createTeam(w.mdm.ctx, 'Windows laptops', false);
    setWindowsEnrollmentDefaultTeam(w.mdm.ctx, team);
    expect(windowsEnrollmentDefaultTeam(w.mdm.ctx)).toEqual({ id: team, name: 'Windows laptops' });
    const out = await runAutopilot(w, optionsOf({}));
    expect(rows(w, `SELECT team_id FROM hosts WHERE uuid = ?`, out.hardwareUuid)).toEqual([{ team_id: team }]);
  });

  it('eua-link-fix: no such setting (the table is not in its schema); the host stays team-less', async () => {
    const w = await world('eua-link-fix', 'linking-default-team');
    const team = createTeam(w.mdm.ctx, 'Windows laptops', false);
    const before = w.mdm.ctx.store.fileBytes();
    expect(() => setWindowsEnrollmentDefaultTeam(w.mdm.ctx, team)).toThrow(FleetProfileFeatureError);
    expect(w.mdm.ctx.store.fileBytes().equals(before)).toBe(true);
    expect(rows(w, `SELECT name FROM sqlite_master WHERE name = 'mdm_windows_enrollment_config'`)).toEqual([]);
    const out = await runAutopilot(w, optionsOf({}));
    expect(rows(w, `SELECT team_id FROM hosts WHERE uuid = ?`, out.hardwareUuid)).toEqual([{ team_id: null }]);
  });

  it('current: an unknown team is refused and changes nothing', async () => {
    const w = await world('current', 'linking-default-team-bad');
    const before = w.mdm.ctx.store.fileBytes();
    expect(() => setWindowsEnrollmentDefaultTeam(w.mdm.ctx, 999)).toThrow('no team with id 999');
    expect(w.mdm.ctx.store.fileBytes().equals(before)).toBe(true);
  });
});

describe('reverse-link-by-serial (#52614): orbit enroll links by the persisted DevDetail serial', () => {
  it.each([
    ['eua-link-fix', false],
    ['current', true],
  ] as const)('%s: orbit without a token, the enrollment linked at orbit enroll: %s', async (fleet, linked) => {
    const report = await runScenarios(['link-by-serial-no-token'], { seed: 'linking-52614', fleet });
    const run = report.runs[0]!;
    expect(run.failures).toEqual([]);
    const step = orbitEnrollStep(run.bundle.steps);
    const hostUuid = step.changes.find((c) => c.table === 'hosts' && c.op === 'insert')?.after?.uuid;
    // The link is the update that sets host_uuid (under current the same step then claims the deferred mdm_enrolled, #52235).
    const enrollmentUpdates = step.changes.filter((c) => c.table === 'mdm_windows_enrollments' && c.op === 'update' && c.before?.host_uuid !== c.after?.host_uuid);
    if (linked) {
      expect(enrollmentUpdates.map((c) => [c.before?.host_uuid, c.after?.host_uuid])).toEqual([['', hostUuid]]);
      expect(enrollmentUpdates[0]!.after?.hardware_serial).not.toBe('');
      expect(writes(step)).toContain('insert host_emails');
    } else {
      expect(enrollmentUpdates).toEqual([]);
      expect(writes(step)).not.toContain('insert host_emails');
    }
  });

  it('current: a host already claimed by an enrollment of other hardware is not linked; the enroll succeeds and no enrollment row changes', async () => {
    let before: unknown[] = [];
    const { w, out } = await autopilot(
      'current',
      'linking-52614-conflict',
      {
        eua: false,
        deferOrbit: true,
        beforeOrbit: async (_install, wd, device) => {
          // Another machine's enrollment already names this hardware UUID (MDMWindowsConflictingEnrollmentHardwareID).
          const now = wd.mdm.ctx.nowIso();
          wd.mdm.ctx.store.tx((db) =>
            insertEnrolledDevice(
              db,
              {
                mdm_device_id: 'OTHER-DEVICE',
                mdm_hardware_id: 'OTHER-HWDEVID',
                device_state: 'MDMDeviceEnrolledEnrolled',
                device_type: 'CIMClient_Windows',
                device_name: 'DESKTOP-OTHER',
                enroll_type: 'ProgrammaticEnrollment',
                enroll_user_id: 'node-key',
                enroll_proto_version: '5.0',
                enroll_client_version: '10.0.22631.4602',
                not_in_oobe: true,
                host_uuid: device.hardware.hardwareUuid,
                credentials_hash: Buffer.alloc(16),
                credentials_acknowledged: true,
                awaiting_configuration: 0,
                awaiting_configuration_at: null,
              },
              now,
            ),
          );
          before = rows(wd, `SELECT * FROM mdm_windows_enrollments ORDER BY id`);
        },
      },
      { endUserAuthEnabled: false },
    );
    expect(out.orbit?.enrolled).toBe(true);
    const step = orbitEnrollStep(w.lab.recorder.all());
    expect(step.response?.status).toBe(200);
    expect(rows(w, `SELECT * FROM mdm_windows_enrollments ORDER BY id`)).toEqual(before);
    expect(rows(w, `SELECT host_uuid FROM mdm_windows_enrollments WHERE mdm_device_id = ?`, out.mdmDeviceId)).toEqual([{ host_uuid: '' }]);
    expect(step.changes.some((c) => c.table === 'mdm_windows_enrollments')).toBe(false);
    const log = (step.detail?.fleetLog as { link?: string[] } | undefined)?.link ?? [];
    expect(log.join('\n')).toContain('refusing to link windows mdm enrollment to a host already claimed by other hardware');
    expect(log.join('\n')).toContain('claimed_by_hardware_id=OTHER-HWDEVID');
  });
});

describe('hwdevid-unique-per-host (2026-08-31 migration): a cloned machine with the same HWDevID', () => {
  it.each([
    ['eua-link-fix', 1],
    ['current', 2],
  ] as const)('%s: %i enrollment row(s) for the HWDevID after both machines enroll', async (fleet, n) => {
    const report = await runScenarios(['cloned-hwdevid'], { seed: 'linking-clone', fleet });
    const run = report.runs[0]!;
    expect(run.failures).toEqual([]);
    const rst = run.bundle.steps.filter((s) => s.catalogId === 'mde2.rst');
    expect(rst).toHaveLength(2);
    const second = rst[1]!;
    expect(second.response?.status).toBe(200);
    const deleted = second.changes.filter((c) => c.table === 'mdm_windows_enrollments' && c.op === 'delete');
    const inserted = second.changes.filter((c) => c.table === 'mdm_windows_enrollments' && c.op === 'insert');
    expect(inserted).toHaveLength(1);
    // Before the migration the clone's enrollment deletes the first machine's row; after it, the first row stays.
    expect(deleted).toHaveLength(n === 1 ? 1 : 0);
    if (n === 1) expect(deleted[0]!.before?.mdm_hardware_id).toBe(inserted[0]!.after?.mdm_hardware_id);
  });
});

describe('sso-bind-activities: the SSO callback binding and its activity', () => {
  it.each([
    ['eua-link-fix', false],
    ['current', true],
  ] as const)('%s: bound_host_to_idp_account recorded: %s', async (fleet, recorded) => {
    // EUA off: orbit is refused, the user signs in on /mdm/sso, the callback binds the host.
    const { w, out } = await autopilot(fleet, 'linking-sso', { eua: false });
    expect(out.orbit?.ssoPrompts).toBe(1);
    const bound = w.mdm.ctx.store.read((db) => listActivities(db)).filter((a) => a.activity_type === 'bound_host_to_idp_account');
    if (recorded) expect(bound.map((a) => a.details)).toEqual([{ host_uuid: out.hardwareUuid, idp_email: out.upn }]);
    else expect(bound).toEqual([]);
    // Both link, and both reconcile host_emails once the host exists (#45066 on the SSO path).
    expect(rows(w, `SELECT host_uuid FROM host_mdm_idp_accounts`)).toEqual([{ host_uuid: out.hardwareUuid }]);
    expect(rows(w, `SELECT e.email FROM host_emails e JOIN hosts h ON h.id = e.host_id WHERE h.uuid = ?`, out.hardwareUuid)).toEqual([{ email: out.upn }]);
  });
});
