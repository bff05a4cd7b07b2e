import type { Scenario, Expectation } from './types.js';
import { fleetClient, fleetHas } from './world.js';
import { AUTOPILOT_OPTIONS, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { DEVDETAIL_SMBIOS_SERIAL_URI } from '../mdm/management/devdetail.js';
import { MDM_PATHS } from '../protocols/paths/mdm.js';

/**
 * #52614: the device answers the DevDetail SMBIOSSerialNumber Get while its enrollment is unlinked, Fleet stores the
 * serial on the enrollment, and orbit enroll links the enrollment by it even though orbit sends no EUA token (an
 * orbit older than 1.55, or Fleet's EUA feature off). Before #52614 the enrollment stays unlinked until the next
 * DevDetail answer or osquery's MDM device id ingest, which in the relaxed poll schedule can be hours.
 */
export const linkBySerialNoToken: Scenario<AutopilotOutcome> = {
  name: 'link-by-serial-no-token',
  title: 'Orbit without a token links by the DevDetail serial (#52614)',
  description:
    "Fleet's EUA feature is off and end-user authentication is not required, so orbit enrolls with no eua_token. The MsiInstallJob finishes after the management sessions, so the device has already answered the DevDetail SMBIOSSerialNumber Get (stored in mdm_windows_enrollments.hardware_serial) when its host appears. Under current, orbit enroll finds the unlinked enrollment by that serial and links it (host_uuid, host_emails, SCIM); older profiles leave it unlinked until a later management session.",
  options: AUTOPILOT_OPTIONS,
  mdm: { needs: 'lab-api', why: 'orbit sends no token because the EUA feature is off: a Fleet build before #41381 (the lab switch euaTokenEnabled)' },
  run: async (world, o) => {
    await fleetClient(world).updateConfig({ mdm: { macos_setup: { enable_end_user_authentication: false } } });
    return runAutopilot(world, optionsOf({ ...o, eua: false }, { deferOrbit: true }));
  },
  expect: (out): Expectation[] => [
    { kind: 'prompts', equals: 1, why: 'only the OOBE sign-in: end-user authentication is off' },
    { kind: 'status', path: MDM_PATHS.orbitEnroll, status: 200 },
    {
      kind: 'check',
      name: 'the device answered the serial Get and Fleet stored the serial on the enrollment',
      check: (w) => {
        const e = w.mdm.ctx.store.read((db) => db.prepare(`SELECT hardware_serial FROM mdm_windows_enrollments WHERE mdm_device_id = ?`).get(out.mdmDeviceId)) as { hardware_serial: string } | undefined;
        const asked = w.lab.recorder.all().some((s) => s.kind === 'http' && s.response?.body?.includes(DEVDETAIL_SMBIOS_SERIAL_URI));
        return { passed: asked && e?.hardware_serial === out.device.hardware.serial, detail: `Get sent: ${asked}; hardware_serial ${e?.hardware_serial || '(empty)'}` };
      },
    },
    {
      kind: 'check',
      name: 'orbit sent no EUA token',
      check: () => ({ passed: out.orbit?.sentEuaToken === false && out.orbit.enrolled, detail: out.orbit ? `sent token: ${out.orbit.sentEuaToken}; enrolled: ${out.orbit.enrolled}` : 'orbit never started' }),
    },
    {
      kind: 'check',
      name: 'the enrollment is linked to the host at orbit enroll exactly when Fleet links by serial (#52614)',
      check: (w) => {
        const bySerial = fleetHas(w, 'reverse-link-by-serial');
        const e = w.mdm.ctx.store.read((db) => db.prepare(`SELECT host_uuid FROM mdm_windows_enrollments WHERE mdm_device_id = ?`).get(out.mdmDeviceId)) as { host_uuid: string } | undefined;
        const linked = e?.host_uuid === out.hardwareUuid;
        return { passed: linked === bySerial, detail: `host_uuid ${e?.host_uuid || '(empty)'}${bySerial ? '' : ' (this Fleet waits for the next DevDetail answer)'}` };
      },
    },
  ],
};
