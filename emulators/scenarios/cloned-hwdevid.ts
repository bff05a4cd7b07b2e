import { createSign } from 'node:crypto';
import type { Scenario, Expectation } from './types.js';
import type { World } from './world.js';
import { fleetClient, fleetHas } from './world.js';
import { AUTOPILOT_OPTIONS, autopilotNeeds, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { makeHardware } from '../device/hardware.js';
import { windowsContextItems, OID_MDM_DEVICE_ID_EXT } from '../device/mdm/mde2-enroll.js';
import { buildCsr, OID_SHA256_RSA } from '../device/tpm/csr.js';
import { buildRequestSecurityToken } from '../protocols/mde2/wstep.js';
import { MDE2, encodeDeviceEnrollmentUserToken } from '../protocols/mde2/envelope.js';
import { SOAP_CONTENT_TYPE } from '../protocols/soap.js';
import { MDM_PATHS } from '../protocols/paths/mdm.js';

export interface ClonedOutcome extends AutopilotOutcome {
  /** The second machine, imaged from the same disk: its own hardware UUID, serial and DeviceID, the same HWDevID. */
  clone: { hardwareUuid: string; serial: string; mdmDeviceId: string; orbitStatus: number; enrollStatus: number };
}

/**
 * The second machine, scripted on the wire as its fleetd and Windows would speak (the lab has one virtual device per
 * world): orbit enrolls (end-user authentication off, so no token is needed), then Windows enrolls programmatically
 * with Fleet's device token carrying the orbit node key (fleet.md §2.5 A), so the enrollment names its host at once.
 */
async function cloneEnrolls(world: World, hwDevId: string): Promise<ClonedOutcome['clone']> {
  const { lab } = world;
  const mdm = world.mdmTarget;
  const hw = makeHardware(lab.ids, { hwDevId });
  // The MSI's FLEET_SECRET: the global enroll secret an admin reads (GET /api/v1/fleet/spec/enroll_secret).
  const [secret] = await fleetClient(world).enrollSecrets();
  if (!secret) throw new Error('Fleet has no global enroll secret');
  const orbit = await lab.send({
    from: 'orbit',
    to: 'mdm',
    catalogId: 'orbit.enroll',
    title: `orbit enroll (the cloned machine ${hw.deviceName})`,
    request: {
      method: 'POST',
      url: `${mdm.url}${MDM_PATHS.orbitEnroll}`,
      headers: { 'content-type': 'application/json', 'x-fleet-capabilities': 'end_user_auth' },
      body: JSON.stringify({
        enroll_secret: secret.secret,
        hardware_uuid: hw.hardwareUuid,
        hardware_serial: hw.serial,
        hostname: hw.deviceName,
        platform: 'windows',
        platform_like: '',
        osquery_identifier: '',
        computer_name: hw.deviceName,
        hardware_model: hw.model,
      }),
    },
  });
  const nodeKey = orbit.status === 200 ? String((JSON.parse(orbit.body) as { orbit_node_key?: string }).orbit_node_key ?? '') : '';
  const keys = await lab.keys.rsa('cloned-machine-mdm-client');
  const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
  const csr = await buildCsr(
    spki,
    {
      subjectCn: `${lab.ids.uuid().toUpperCase().slice(0, 30)}!${hw.mdmDeviceId}\0`,
      extensions: [{ oid: OID_MDM_DEVICE_ID_EXT, value: Buffer.from(`${hw.mdmDeviceId}\0`, 'ascii') }],
      signatureOid: OID_SHA256_RSA,
    },
    async (tbs) => createSign('sha256').update(tbs).sign(keys.privateKey),
  );
  const url = `${mdm.url}${MDM_PATHS.enroll}`;
  const rst = buildRequestSecurityToken({
    messageId: `urn:uuid:${lab.ids.uuid()}`,
    to: url,
    token: { valueType: MDE2.valueTypes.deviceEnrollmentUserToken, content: encodeDeviceEnrollmentUserToken({ type: 1, payload: { orbit_node_key: nodeKey } }) },
    csrBase64: csr.toString('base64'),
    contextItems: windowsContextItems(hw, { enrollmentType: 'Full', notInOobe: true }),
  });
  const enroll = await lab.send({
    from: 'device',
    to: 'mdm',
    catalogId: 'mde2.rst',
    title: `RequestSecurityToken (the cloned machine ${hw.deviceName}, same HWDevID)`,
    request: { method: 'POST', url, headers: { 'content-type': SOAP_CONTENT_TYPE, 'user-agent': 'ENROLLClient' }, body: rst },
  });
  return { hardwareUuid: hw.hardwareUuid, serial: hw.serial, mdmDeviceId: hw.mdmDeviceId, orbitStatus: orbit.status, enrollStatus: enroll.status };
}

function rowsFor(world: World, hwDevId: string): { mdm_device_id: string; host_uuid: string }[] {
  return world.mdm.ctx.store.read(
    (db) => db.prepare(`SELECT mdm_device_id, host_uuid FROM mdm_windows_enrollments WHERE mdm_hardware_id = ? ORDER BY id`).all(hwDevId) as { mdm_device_id: string; host_uuid: string }[],
  );
}

/**
 * Two machines cloned from one image share an HWDevID. Before the 2026-08-31 migration HWDevID was Fleet's unique
 * enrollment key: the second machine's enrollment deletes the first one's (MDMWindowsDeleteEnrolledDeviceOnReenrollment)
 * and takes the row. Since UNIQUE (mdm_hardware_id, host_uuid) each machine keeps its own enrollment.
 */
export const clonedHwDevId: Scenario<ClonedOutcome> = {
  name: 'cloned-hwdevid',
  title: 'Two machines, one HWDevID (cloned image)',
  description:
    'A machine goes through Autopilot and is linked to its host; a second machine imaged from the same disk (its own hardware UUID, serial and DeviceID, the same HWDevID) installs fleetd and enrolls programmatically. Fleet before the 2026-08-31 migration keys enrollments by HWDevID alone, so the second enrollment replaces the first machine\'s row; current Fleet keys them by (mdm_hardware_id, host_uuid) and keeps both.',
  options: AUTOPILOT_OPTIONS,
  mdm: (o) => autopilotNeeds(o),
  run: async (world, o) => {
    // Without end-user authentication the clone's orbit needs no token (the first machine links by its DevDetail serial).
    await fleetClient(world).updateConfig({ mdm: { macos_setup: { enable_end_user_authentication: false } } });
    const first = await runAutopilot(world, optionsOf(o));
    const clone = await cloneEnrolls(world, first.hwDevId);
    return { ...first, clone };
  },
  expect: (out): Expectation[] => [
    { kind: 'check', name: 'both machines enrolled (orbit 200, RequestSecurityToken 200)', check: () => ({ passed: out.clone.orbitStatus === 200 && out.clone.enrollStatus === 200, detail: `clone orbit ${out.clone.orbitStatus}, enroll ${out.clone.enrollStatus}` }) },
    { kind: 'row', party: 'mdm', table: 'mdm_windows_enrollments', where: { mdm_device_id: out.clone.mdmDeviceId, host_uuid: out.clone.hardwareUuid }, present: true, why: 'the clone\'s programmatic enrollment names its host' },
    {
      kind: 'check',
      name: 'the first machine keeps its enrollment exactly when HWDevID is unique per host',
      check: (w) => {
        const perHost = fleetHas(w, 'hwdevid-unique-per-host');
        const rows = rowsFor(w, out.hwDevId);
        const firstKept = rows.some((r) => r.mdm_device_id === out.mdmDeviceId && r.host_uuid === out.hardwareUuid);
        const passed = perHost ? rows.length === 2 && firstKept : rows.length === 1 && !firstKept;
        return { passed, detail: `${rows.length} row(s) for the HWDevID: ${rows.map((r) => `${r.mdm_device_id.slice(0, 8)}… → ${r.host_uuid || '(unlinked)'}`).join(', ')}` };
      },
    },
  ],
};
