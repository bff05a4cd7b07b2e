import type { Scenario, Expectation } from './types.js';
import { AUTOPILOT_OPTIONS, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { linkedByEuaToken } from './flows/expectations.js';
import type { World } from './world.js';

function hostScimUser(w: World, hardwareUuid: string): { user_name: string } | undefined {
  return w.mdm.ctx.store.read((db) =>
    db
      .prepare(`SELECT s.user_name FROM host_scim_user m JOIN hosts h ON h.id = m.host_id JOIN scim_users s ON s.id = m.scim_user_id WHERE h.uuid = ?`)
      .get(hardwareUuid),
  ) as { user_name: string } | undefined;
}

const scimCheck = (out: AutopilotOutcome, present: boolean): Expectation => ({
  kind: 'check',
  name: present ? 'host_scim_user maps the host to the SCIM user of the UPN' : 'the host has no host_scim_user row',
  check: (w) => {
    const m = hostScimUser(w, out.hardwareUuid);
    return { passed: present ? m?.user_name === out.upn : m === undefined, detail: m ? `mapped to ${m.user_name}` : 'no mapping' };
  },
});

/** After the EUA link Fleet refreshes the SCIM mapping: set when a SCIM user matches the UPN (fleet.md §4.2 step 6). */
export const scimUserPresent: Scenario<AutopilotOutcome> = {
  name: 'scim-user-present',
  title: 'SCIM user present: the host is mapped',
  description: 'A SCIM user whose user_name is the UPN exists: after orbit enrolls with the EUA token, host_scim_user maps the host to that user.',
  options: AUTOPILOT_OPTIONS.filter((o) => o.name !== 'scimUser' && o.name !== 'eua'),
  run: (world, o) => runAutopilot(world, optionsOf({ ...o, eua: true, scimUser: true })),
  expect: (out) => [...linkedByEuaToken(out), scimCheck(out, true)],
};

/** …and deleted when none matches (DeleteHostSCIMUserMapping, fleet.md §6). */
export const scimUserAbsent: Scenario<AutopilotOutcome> = {
  name: 'scim-user-absent',
  title: 'No SCIM user: no mapping',
  description: 'No SCIM user matches the UPN: the host is linked to the idp account, and host_scim_user has no row for it.',
  options: AUTOPILOT_OPTIONS.filter((o) => o.name !== 'scimUser' && o.name !== 'eua'),
  run: (world, o) => runAutopilot(world, optionsOf({ ...o, eua: true, scimUser: false })),
  expect: (out) => [...linkedByEuaToken(out), scimCheck(out, false)],
};
