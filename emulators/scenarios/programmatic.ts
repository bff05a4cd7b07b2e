import { createDevice } from '../device/index.js';
import { startOrbit, type OrbitResult } from '../orbit/index.js';
import { MDE2, encodeDeviceEnrollmentUserToken } from '../protocols/mde2/envelope.js';
import type { Scenario } from './types.js';
import { fleetClient, labSwitch } from './world.js';

interface ProgrammaticOutcome {
  hardwareUuid: string;
  mdmDeviceId: string;
  orbit: OrbitResult;
}

/**
 * Orbit first (fleet.md §2.5 A "Programmatic"): fleetd is installed by hand, orbit enrolls (the user passes end-user
 * authentication once on the SSO page), its config says needs_programmatic_windows_mdm_enrollment, and Windows
 * enrolls with Fleet's device token (type 1, the orbit node key): host_uuid is set at once, no MSI is queued.
 */
export const programmatic: Scenario<ProgrammaticOutcome> = {
  name: 'programmatic',
  title: 'Programmatic enrollment: orbit first, then MDM',
  description:
    'fleetd is installed by hand; orbit enrolls after the user signs in on /mdm/sso (the one prompt), then the config notification makes Windows enroll with the orbit node key (DeviceEnrollmentUserToken type 1). The enrollment carries host_uuid from the start and no fleetd install is queued.',
  options: [{ name: 'orbitVersion', label: 'Orbit version', kind: 'select', choices: ['1.55.0', '1.50.0'], default: '1.55.0' }],
  run: async (world, o) => {
    const { lab, entra } = world;
    const mdmUrl = world.mdmTarget.url;
    const fleet = fleetClient(world);
    await labSwitch(world, { euaTokenEnabled: true });
    // The FLEET_SECRET an admin puts on the MSI command line: the global enroll secret.
    const [secret] = await fleet.enrollSecrets();
    if (!secret) throw new Error('Fleet has no global enroll secret');
    const user = entra.users.find((u) => !u.mfa)!;
    const device = await createDevice({ lab, mdmUrl });
    world.devices.push(device);
    const orbit = await lab.local({ party: 'device', to: 'orbit', catalogId: 'lab.manual-install', title: 'An admin installs fleetd-base.msi by hand: orbit starts' }, () =>
      startOrbit({
        lab,
        fleetUrl: mdmUrl,
        enrollSecret: secret.secret,
        version: typeof o.orbitVersion === 'string' ? o.orbitVersion : '1.55.0',
        hardwareUuid: device.hardware.hardwareUuid,
        serial: device.hardware.serial,
        hostname: device.hardware.deviceName,
        ssoUser: { upn: user.upn, password: user.password },
      }),
    );
    const notifications = (orbit.config?.notifications ?? {}) as { needs_programmatic_windows_mdm_enrollment?: boolean; windows_mdm_discovery_endpoint?: string };
    if (!notifications.needs_programmatic_windows_mdm_enrollment || !notifications.windows_mdm_discovery_endpoint) {
      throw new Error(`orbit's config did not ask for programmatic enrollment: ${JSON.stringify(notifications)}`);
    }
    // orbit's RegisterDeviceWithManagement hands Windows Fleet's device token with the node key (fleet.md §2.5 A).
    const enrolled = await device.enrollMdm({
      discoveryUrl: notifications.windows_mdm_discovery_endpoint,
      enrollmentType: 'Full',
      notInOobe: true,
      headerToken: {
        valueType: MDE2.valueTypes.deviceEnrollmentUserToken,
        content: encodeDeviceEnrollmentUserToken({ type: 1, payload: { orbit_node_key: orbit.nodeKey ?? '' } }),
      },
    });
    await device.syncManagement();
    return { hardwareUuid: device.hardware.hardwareUuid, mdmDeviceId: enrolled.deviceId, orbit };
  },
  expect: (out) => [
    { kind: 'prompts', equals: 1, why: 'the SSO page orbit opens; Windows never asks' },
    { kind: 'row', party: 'mdm', table: 'mdm_windows_enrollments', where: { mdm_device_id: out.mdmDeviceId, host_uuid: out.hardwareUuid, enroll_user_id: out.orbit.nodeKey }, present: true },
    { kind: 'change', party: 'mdm', table: 'host_mdm', op: 'insert' },
    { kind: 'check', name: 'no fleetd install was queued', check: (w) => {
      const n = w.mdm.ctx.store.read((db) => db.prepare(`SELECT COUNT(*) FROM windows_mdm_commands`).pluck().get() as number);
      return { passed: n === 0, detail: `${n} queued command(s)` };
    } },
  ],
};
