import type { Scenario } from './types.js';
import { AUTOPILOT_OPTIONS, autopilotNeeds, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { hostDeletePath } from '../mdm/api/host-delete.js';
import { pollOrbitConfig, type PollResult } from '../orbit/agent.js';
import { NODE_KEY_PATH } from '../orbit/state.js';
import { MDM_PATHS } from '../protocols/paths/mdm.js';
import { fleetClient, fleetHas, labSwitch } from './world.js';
import { ENROLL_SECRET_POLICY_URI } from '../mdm/management/enroll-secret-push.js';
import type { Expectation, ScenarioOptions } from './types.js';

export interface HostDeletedOutcome extends AutopilotOutcome {
  deletedHostId: number;
  poll: PollResult;
  /** The world's Fleet has the one-time-enroll-secrets switch. */
  oneTimeSwitch: boolean;
}

/** How long the host stays deleted before orbit's next config poll: far past the EUA token's hour. */
const IDLE_MS = 3 * 3600_000;

/**
 * An admin deletes an enrolled Windows host. DeleteHost (server/datastore/mysql/hosts.go) drops the hosts row and its
 * host_id tables, so orbit's node key is refused: 401 "Authentication required" (AuthenticateOrbitHost, "invalid
 * orbit node key"). After 45 s of 401s orbit re-enrolls (OrbitClient unauthenticatedReenrollGracePeriod) with the
 * secret from its keystore and the EUA token it was started with, hours expired. Fleet never looks at the token:
 * host_mdm_idp_accounts is keyed by host_uuid and DeleteHost keeps it (it is in neither hostRefs list), so
 * GetMDMIdPAccountByHostUUID finds the link and end-user auth counts as satisfied. No second prompt.
 */
export const hostDeletedReenroll: Scenario<HostDeletedOutcome> = {
  name: 'host-deleted-reenroll',
  title: 'Host deleted in Fleet: orbit re-enrolls, the surviving IdP link spares the user',
  description:
    'After Autopilot with the EUA token, an admin deletes the host. Hours later orbit\'s node key is refused (401), it re-enrolls with its stored secret and the long-expired EUA token; the IdP link Fleet kept satisfies end-user auth, so there is no second prompt and a new hosts row appears. With one-time secrets, the spent secret is refused and Fleet pushes a fresh one through the MDM session (ADMX policy → registry), which orbit adopts.',
  options: [...AUTOPILOT_OPTIONS, { name: 'oneTimeSecrets', label: 'auth.mdm_windows_one_time_enroll_secrets (Fleet with one-time secrets)', kind: 'boolean', default: false }],
  mdm: (o) =>
    o.oneTimeSecrets === true || o.oneTimeSecrets === 'true'
      ? { needs: 'lab-api', why: 'auth.mdm_windows_one_time_enroll_secrets is fleet serve\'s server config (a lab switch)' }
      : autopilotNeeds(o),
  run: async (world, o) => {
    const oneTime = o.oneTimeSecrets === true || o.oneTimeSecrets === 'true';
    const out = await runAutopilot(world, optionsOf(o, { before: async (w) => void (oneTime && (await labSwitch(w, { mdmWindowsOneTimeEnrollSecrets: true }))) }));
    // The admin finds the host by its hardware UUID (GET /api/v1/fleet/hosts/identifier/:identifier).
    const hostId = (await fleetClient(world).hostByIdentifier(out.hardwareUuid))?.id;
    if (hostId === undefined) throw new Error('the Autopilot run left no host to delete');
    await world.lab.send({ from: 'external', to: 'mdm', catalogId: 'fleet.host-delete', title: `Admin: delete host ${hostId} in Fleet`, request: { method: 'DELETE', url: `${world.mdmTarget.url}${hostDeletePath(hostId)}`, headers: { authorization: `Bearer ${world.mdmTarget.token}` }, body: '' } });
    await world.lab.local({ party: 'device', catalogId: 'lab.clock-advance', title: `${IDLE_MS / 3600_000} h pass (the EUA token expired long ago)`, detail: { advancedMs: IDLE_MS } }, () => world.lab.clock.advance(IDLE_MS));
    const poll = await pollOrbitConfig({ lab: world.lab, hardwareUuid: out.hardwareUuid, serial: out.device.hardware.serial, hostname: out.device.hardware.deviceName, ssoUser: null, maxWaitMs: 10 * 60_000, windows: out.device.windows }, 6);
    // The next management session: the enrollment kept its host_uuid, the host is back with its orbit version.
    await out.device.syncManagement();
    return { ...out, deletedHostId: hostId, poll, oneTimeSwitch: fleetHas(world, 'one-time-enroll-secrets') };
  },
  expect: (out, o) => (oneTimeApplies(out, o) ? oneTimeExpectations(out) : [
    { kind: 'prompts', equals: 1, why: 'the OOBE sign-in only: the kept IdP link satisfies end-user auth at the re-enroll' },
    { kind: 'status', path: hostDeletePath(out.deletedHostId), status: 200 },
    { kind: 'change', party: 'mdm', table: 'hosts', op: 'delete' },
    { kind: 'status', path: MDM_PATHS.orbitConfig, status: 401 },
    { kind: 'row', party: 'mdm', table: 'host_mdm_idp_accounts', where: { host_uuid: out.hardwareUuid }, present: true, why: 'DeleteHost keeps it' },
    { kind: 'row', party: 'mdm', table: 'mdm_windows_enrollments', where: { mdm_device_id: out.mdmDeviceId, host_uuid: out.hardwareUuid }, present: true, why: 'DeleteHost keeps the enrollment' },
    { kind: 'row', party: 'mdm', table: 'hosts', where: { id: out.deletedHostId }, present: false },
    { kind: 'row', party: 'mdm', table: 'hosts', where: { uuid: out.hardwareUuid }, present: true, why: 'the re-enroll made a new hosts row' },
    {
      kind: 'check',
      name: 'orbit re-enrolled after 45 s of 401s, with the expired token, and was not refused',
      check: () => {
        const r = out.poll.reenroll;
        const passed = !!r && r.enrolled && r.sentEuaToken && r.ssoPrompts === 0 && out.poll.statuses.filter((s) => s === 401).length >= 2;
        return { passed, detail: `config statuses ${out.poll.statuses.join(', ')}; re-enroll ${r ? (r.enrolled ? 'enrolled' : `failed: ${r.error}`) : 'never happened'}` };
      },
    },
    {
      kind: 'check',
      name: 'Fleet counted end-user auth as satisfied by the IdP link (the token was never checked)',
      // The gate's decision is the embedded server's note on the run's step: an external Fleet keeps it to itself.
      needs: 'embedded-mdm',
      check: (w) => {
        const enrolls = w.lab.recorder.all().filter((s) => s.catalogId === 'orbit.enroll' && s.response?.status === 200);
        const last = enrolls.at(-1)?.detail?.fleetLog as { endUserAuth?: string } | undefined;
        return { passed: enrolls.length >= 2 && last?.endUserAuth === 'already-satisfied', detail: `${enrolls.length} accepted enroll(s); last decision ${last?.endUserAuth ?? 'none'}` };
      },
    },
    {
      kind: 'check',
      name: `orbit's ${NODE_KEY_PATH} holds the node key of the new host`,
      check: (w) => {
        const file = w.lab.store('orbit')?.read((db) => db.prepare(`SELECT content FROM orbit_files WHERE path = ?`).pluck().get(NODE_KEY_PATH) as string | undefined);
        const key = w.mdm.ctx.store.read((db) => db.prepare(`SELECT orbit_node_key FROM hosts WHERE uuid = ?`).pluck().get(out.hardwareUuid) as string | undefined);
        return { passed: !!file && file === key, detail: file === key ? 'the file and hosts.orbit_node_key agree' : 'the key file does not match the new host' };
      },
    },
  ]),
};

/** The one-time variant applies only to a Fleet whose profile has the switch (current) with the flag on. */
function oneTimeApplies(out: HostDeletedOutcome, o: ScenarioOptions): boolean {
  return (o.oneTimeSecrets === true || o.oneTimeSecrets === 'true') && out.oneTimeSwitch;
}

/**
 * With one-time secrets (current + auth.mdm_windows_one_time_enroll_secrets): the install carried a secret minted for
 * the enrollment, orbit's first enroll consumed it (host_id recorded), and DeleteHost deleted it with the host. The
 * re-enroll presents it again: no one-time row, not a shared secret, so 401 "Authentication failed". The refused
 * enroll makes orbit ask Windows for an MDM check-in; in that session Fleet sees the enrollment's host is gone
 * (pushEnrollSecretToOrphanedEnrollment), mints a fresh secret and queues the Fleetd enroll secret profile (ADMX ingest
 * + policy: HKLM\SOFTWARE\FleetDM\Orbit\EnrollSecret) with the fleetd install. Orbit's next attempt adopts the
 * delivered secret, clears the value, and enrolls: the host is back, still without a second prompt.
 */
function oneTimeExpectations(out: HostDeletedOutcome): Expectation[] {
  return [
    { kind: 'prompts', equals: 1, why: 'the OOBE sign-in only' },
    { kind: 'change', party: 'mdm', table: 'host_one_time_enroll_secrets', op: 'insert' },
    { kind: 'change', party: 'mdm', table: 'host_one_time_enroll_secrets', op: 'update', column: 'orbit_used_at' },
    { kind: 'change', party: 'mdm', table: 'host_one_time_enroll_secrets', op: 'delete', why: 'DeleteHost takes the host\'s secrets' },
    { kind: 'row', party: 'mdm', table: 'windows_mdm_commands', where: { target_loc_uri: ENROLL_SECRET_POLICY_URI }, present: true, why: 'the enroll secret push' },
    { kind: 'row', party: 'device', table: 'admx_policies', where: { area: 'FleetdEnrollSecret~Policy~fleetd', policy: 'EnrollSecret' }, present: true },
    { kind: 'change', party: 'device', table: 'registry_values', op: 'insert', why: 'the policy wrote HKLM\\SOFTWARE\\FleetDM\\Orbit\\EnrollSecret' },
    { kind: 'change', party: 'device', table: 'registry_values', op: 'delete', why: 'orbit cleared it once the secret was in its keystore' },
    { kind: 'row', party: 'mdm', table: 'hosts', where: { uuid: out.hardwareUuid }, present: true, why: 'the re-enroll with the delivered secret made a new hosts row' },
    {
      kind: 'check',
      name: 'the spent secret is refused (401 Authentication failed), then orbit adopts the delivered one and enrolls',
      check: (w) => {
        const steps = w.lab.recorder.all();
        const refused = steps.findIndex((s) => s.catalogId === 'orbit.enroll' && s.response?.status === 401 && s.response.body.includes('Authentication failed'));
        const adopted = steps.findIndex((s, i) => i > refused && s.catalogId === 'orbit.adopt-delivered-secret');
        const accepted = steps.findIndex((s, i) => i > adopted && s.catalogId === 'orbit.enroll' && s.response?.status === 200);
        const passed = refused >= 0 && adopted > refused && accepted > adopted && !!out.poll.reenroll?.enrolled;
        return { passed, detail: `refused at ${refused}, adopted at ${adopted}, accepted at ${accepted}` };
      },
    },
    {
      kind: 'check',
      name: 'the new host consumed the secret Fleet pushed to the orphaned enrollment',
      check: (w) => {
        const row = w.mdm.ctx.store.read((db) =>
          db
            .prepare(
              `SELECT s.orbit_used_at FROM host_one_time_enroll_secrets s JOIN hosts h ON h.id = s.host_id JOIN mdm_windows_enrollments e ON e.id = s.mdm_windows_enrollment_id
               WHERE h.uuid = ? AND e.mdm_device_id = ?`,
            )
            .get(out.hardwareUuid, out.mdmDeviceId) as { orbit_used_at: string | null } | undefined,
        );
        return { passed: !!row?.orbit_used_at, detail: row ? `orbit_used_at ${row.orbit_used_at}` : 'no secret bound to the new host and the enrollment' };
      },
    },
  ];
}
