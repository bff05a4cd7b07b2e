import type { Scenario } from './types.js';
import { AUTOPILOT_OPTIONS, autopilotNeeds, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';

/**
 * The device enrolls again (same HWDevID): Fleet replaces the enrollment row (fleet.md §2.4 step 2); orbit is
 * already enrolled, so the end-user-auth gate counts as satisfied and the user is not asked again.
 */
export const reEnroll: Scenario<AutopilotOutcome> = {
  name: 're-enroll',
  title: 'Re-enrollment of a known device: still one prompt',
  description:
    'After a full Autopilot run the device enrolls in MDM again. Fleet deletes and re-creates the mdm_windows_enrollments row for the same hardware id, re-links it to the host, and orbit is not gated again.',
  mdm: (o) => autopilotNeeds(o),
  options: AUTOPILOT_OPTIONS,
  run: async (world, o) => {
    const out = await runAutopilot(world, optionsOf(o));
    await out.device.enrollMdm();
    await out.device.syncManagement();
    await out.device.syncManagement();
    return out;
  },
  expect: (out) => [
    { kind: 'prompts', equals: 1 },
    { kind: 'change', party: 'mdm', table: 'mdm_windows_enrollments', op: 'delete' },
    { kind: 'check', name: 'one enrollment row for the hardware id, linked to the host', check: (w) => {
      const rows = w.mdm.ctx.store.read((db) => db.prepare(`SELECT host_uuid FROM mdm_windows_enrollments WHERE mdm_hardware_id = ?`).all(out.hwDevId)) as { host_uuid: string }[];
      return { passed: rows.length === 1 && rows[0]!.host_uuid === out.hardwareUuid, detail: rows.length === 1 ? `host_uuid ${rows[0]!.host_uuid || '(empty)'}` : `${rows.length} enrollment rows for the hardware id` };
    } },
  ],
};
