import type { Scenario } from './types.js';
import { AUTOPILOT_OPTIONS, autopilotNeeds, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { linkedByEuaToken } from './flows/expectations.js';

/** "Access work or school" after OOBE: NotInOobe=true, so no ESP hold and installed_from_dep false (fleet.md §2.5). */
export const settingsApp: Scenario<AutopilotOutcome> = {
  name: 'settings-app',
  title: 'Settings app ("Access work or school"): NotInOobe=true',
  description:
    'The user connects a work account from Settings after OOBE. The RST carries NotInOobe=true: Fleet stores not_in_oobe=1 and awaiting_configuration=0 (no Enrollment Status Page), and the EUA token still spares the second prompt.',
  mdm: (o) => autopilotNeeds(o),
  options: AUTOPILOT_OPTIONS,
  run: (world, o) => runAutopilot(world, optionsOf(o, { notInOobe: true })),
  expect: (out) => [
    ...linkedByEuaToken(out),
    { kind: 'row', party: 'mdm', table: 'mdm_windows_enrollments', where: { mdm_device_id: out.mdmDeviceId, not_in_oobe: 1, awaiting_configuration: 0 }, present: true },
  ],
};
