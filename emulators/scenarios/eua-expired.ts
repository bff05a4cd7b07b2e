import type { Scenario } from './types.js';
import { AUTOPILOT_OPTIONS, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { secondPrompt } from './flows/expectations.js';
import { twists } from './twists.js';

/** 2 h of lab time pass between the MSI install and orbit's start: the 1 h EUA token is expired, Fleet refuses it with END_USER_AUTH_REQUIRED and nothing is written; the user signs in again. */
export const euaExpired: Scenario<AutopilotOutcome> = {
  name: 'eua-expired',
  title: 'The EUA token expired before orbit started',
  description: "2 h of lab time pass between the MSI install and orbit's start: the 1 h EUA token is expired, Fleet refuses it with END_USER_AUTH_REQUIRED and nothing is written; the user signs in again.",
  options: AUTOPILOT_OPTIONS.filter((o) => o.name !== 'eua'),
  run: (world, o) => runAutopilot(world, optionsOf({ ...o, eua: true }, { beforeOrbit: (_i, w) => twists.expire(w) })),
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
