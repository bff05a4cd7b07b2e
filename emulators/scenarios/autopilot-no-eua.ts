import type { Scenario } from './types.js';
import { AUTOPILOT_OPTIONS, autopilotNeeds, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { secondPrompt } from './flows/expectations.js';

/** Fleet before #41381: no EUA token on the MSI command line, so orbit is refused and the user signs in twice. */
export const autopilotNoEua: Scenario<AutopilotOutcome> = {
  name: 'autopilot-no-eua',
  title: 'Autopilot without the EUA token: the double-auth bug',
  description:
    'The same Autopilot run with the server\'s EUA feature off: the MsiInstallJob has no EUA_TOKEN, orbit\'s enroll gets 401 END_USER_AUTH_REQUIRED, it opens /mdm/sso and the user must sign in a second time.',
  mdm: (o) => autopilotNeeds(o, { eua: false }),
  options: AUTOPILOT_OPTIONS.map((opt) => (opt.name === 'eua' ? { ...opt, default: false } : opt)),
  run: (world, o) => runAutopilot(world, optionsOf(o, { eua: false })),
  expect: (out) => secondPrompt(out),
};
