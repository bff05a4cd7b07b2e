import type { Scenario } from './types.js';
import { AUTOPILOT_OPTIONS, autopilotNeeds, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { linkedByEuaToken } from './flows/expectations.js';
import { fleetHas } from './world.js';

/** Fleet #41381 as designed: one sign-in at OOBE, the EUA token carries it to orbit, no second prompt. */
export const autopilotEua: Scenario<AutopilotOutcome> = {
  name: 'autopilot-eua',
  title: 'Autopilot with the EUA token: one prompt',
  description:
    'OOBE Entra join with a password, PRT, MDM enrollment with the Entra token, a management session whose MsiInstallJob carries EUA_TOKEN, orbit enrolls with eua_token: the idp account is linked, host_uuid set and the SCIM user mapped without asking the user again.',
  mdm: (o) => autopilotNeeds(o),
  options: AUTOPILOT_OPTIONS,
  run: (world, o) => runAutopilot(world, optionsOf(o)),
  expect: (out, o) => [
    ...linkedByEuaToken(out),
    {
      kind: 'check',
      name: 'the fleetd install was queued once: orbit checked in before the next session',
      check: (w) => {
        // The ESP's finalize commands are queued too (persistESPFinalCommands, management/esp.ts): not counted here.
        const n = w.mdm.ctx.store.read((db) =>
          db.prepare(`SELECT COUNT(*) FROM windows_mdm_commands WHERE target_loc_uri NOT LIKE '%/DMClient/%' AND target_loc_uri NOT LIKE '%/EnrollmentStatusTracking/%'`).pluck().get() as number,
        );
        // #43295 queued an Add and an Exec per session; unordered, the Exec can go first and fail (404), so the
        // install may be queued again in the next session: pairs until it ran.
        if (!fleetHas(w, 'fleetd-install-one-command')) return { passed: n >= 2 && n % 2 === 0, detail: `${n} command(s) queued (Add + Exec per session)` };
        return { passed: n === 1, detail: `${n} command(s) queued` };
      },
    },
    ...(optionsOf(o).scimUser ? [{ kind: 'change' as const, party: 'mdm' as const, table: 'host_scim_user', op: 'insert' as const }] : []),
  ],
};
