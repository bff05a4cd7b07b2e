import type { Scenario } from './types.js';
import { AUTOPILOT_OPTIONS, autopilotNeeds, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { secondPrompt } from './flows/expectations.js';

/** The server mints the token, but an orbit older than 1.55.0 ignores the EUA_TOKEN property (fleet.md §3). */
export const oldOrbitNoEuaSupport: Scenario<AutopilotOutcome> = {
  name: 'old-orbit-no-eua-support',
  title: 'Old orbit (1.50.0) ignores EUA_TOKEN: two prompts',
  description: 'Fleet puts EUA_TOKEN on the command line, but the installed orbit predates the property and enrolls without eua_token: END_USER_AUTH_REQUIRED and a second sign-in.',
  mdm: (o) => autopilotNeeds(o),
  options: AUTOPILOT_OPTIONS.map((opt) => (opt.name === 'orbitVersion' ? { ...opt, default: '1.50.0' } : opt)),
  run: (world, o) => runAutopilot(world, optionsOf(o, { orbitVersion: '1.50.0' })),
  expect: (out) => [
    ...secondPrompt(out),
    { kind: 'check', name: 'the MSI command line carried EUA_TOKEN', check: (w) => {
      const carried = w.lab.recorder.all().some((s) => s.kind === 'local' && JSON.stringify(s.detail ?? {}).includes('EUA_TOKEN'));
      return { passed: carried, detail: carried ? 'EUA_TOKEN was on the command line' : 'no EUA_TOKEN seen' };
    } },
  ],
};
