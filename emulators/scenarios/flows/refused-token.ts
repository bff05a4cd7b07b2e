import type { MsiInstall, VirtualDevice } from '../../device/index.js';
import type { MdmNeed, Scenario } from '../types.js';
import type { World } from '../world.js';
import { AUTOPILOT_OPTIONS, optionsOf, runAutopilot, type AutopilotOutcome } from './autopilot.js';
import { secondPrompt } from './expectations.js';
import { MDM_PATHS } from '../../protocols/paths/mdm.js';

/**
 * A scenario in which something happens to the EUA token between the MSI install and orbit's start, and Fleet
 * must refuse it without writing anything (fleet.md §4.2 a.2–a.3), leaving the user to sign in again.
 */
export function refusedTokenScenario(s: {
  name: string;
  title: string;
  description: string;
  twist: (install: MsiInstall, world: World, device: VirtualDevice) => Promise<unknown>;
  /** What the twist needs of the MDM party beyond Fleet's API (the lab's mint, its clock). */
  mdm?: MdmNeed;
}): Scenario<AutopilotOutcome> {
  return {
    name: s.name,
    ...(s.mdm && { mdm: s.mdm }),
    title: s.title,
    description: s.description,
    options: AUTOPILOT_OPTIONS.filter((o) => o.name !== 'eua'),
    run: (world, o) => runAutopilot(world, optionsOf({ ...o, eua: true }, { beforeOrbit: s.twist })),
    expect: (out) => [
      ...secondPrompt(out),
      {
        kind: 'check',
        name: 'the refused token path wrote no idp account before the SSO sign-in',
        check: (w) => {
          const refused = w.lab.recorder.all().find((st) => st.request?.url.includes(MDM_PATHS.orbitEnroll) && st.response?.status === 401);
          const wrote = refused ? refused.changes.filter((c) => c.table === 'mdm_idp_accounts' || c.table === 'host_mdm_idp_accounts') : [];
          return { passed: Boolean(refused) && wrote.length === 0, detail: refused ? `the 401 step wrote ${wrote.length} idp row(s)` : 'no refused enroll' };
        },
      },
    ],
  };
}
