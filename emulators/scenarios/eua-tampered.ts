import type { Scenario } from './types.js';
import { AUTOPILOT_OPTIONS, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { secondPrompt } from './flows/expectations.js';
import { twists } from './twists.js';

/** The EUA_TOKEN's payload is edited (another upn) with the signature kept: the signature check fails, no row is written, and the user is prompted again. */
export const euaTampered: Scenario<AutopilotOutcome> = {
  name: 'eua-tampered',
  title: 'A tampered EUA token is refused',
  description: "The EUA_TOKEN's payload is edited (another upn) with the signature kept: the signature check fails, no row is written, and the user is prompted again.",
  options: AUTOPILOT_OPTIONS.filter((o) => o.name !== 'eua'),
  run: (world, o) => runAutopilot(world, optionsOf({ ...o, eua: true }, { beforeOrbit: (i, w) => twists.tamper(w, i) })),
  expect: (out) => [
    ...secondPrompt(out),
    {
      kind: 'check',
      name: 'the refused token path wrote no idp account before the SSO sign-in',
      check: (w) => {
        const refused = w.lab.recorder.all().find((s) => s.request?.url.includes('/api/fleet/orbit/enroll') && s.response?.status === 401);
        const wrote = refused ? refused.changes.filter((c) => c.table === 'mdm_idp_accounts' || c.table === 'host_mdm_idp_accounts') : [];
        return { passed: Boolean(refused) && wrote.length === 0, detail: refused ? `the 401 step wrote ${wrote.length} idp row(s)` : 'no refused enroll' };
      },
    },
  ],
};
