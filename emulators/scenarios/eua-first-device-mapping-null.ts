import type { Scenario, Expectation } from './types.js';
import type { World } from './world.js';
import { fleetHas } from './world.js';
import { AUTOPILOT_OPTIONS, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { MDM_PATHS } from '../protocols/paths/mdm.js';

/** Where, in the orbit enroll step's writes, the host row and the IdP link came (the change log keeps their order). */
export function linkOrder(world: World, hardwareUuid: string): { linkIndex: number; hostIndex: number } | undefined {
  const step = world.lab.recorder
    .all()
    .find((s) => s.kind === 'http' && s.request?.url.includes(MDM_PATHS.orbitEnroll) && s.response?.status === 200);
  if (!step) return undefined;
  const mdm = step.changes.filter((c) => c.party === 'mdm');
  const linkIndex = mdm.findIndex((c) => c.table === 'host_mdm_idp_accounts' && c.op === 'insert' && c.after?.host_uuid === hardwareUuid);
  const hostIndex = mdm.findIndex((c) => c.table === 'hosts' && c.op === 'insert' && c.after?.uuid === hardwareUuid);
  return { linkIndex, hostIndex };
}

function hostEmails(world: World, hardwareUuid: string): { email: string; source: string }[] {
  return world.mdm.ctx.store.read(
    (db) => db.prepare(`SELECT e.email, e.source FROM host_emails e JOIN hosts h ON h.id = e.host_id WHERE h.uuid = ? ORDER BY e.id`).all(hardwareUuid) as { email: string; source: string }[],
  );
}

/**
 * Fleet #45066: the first EUA release (PR #43295) linked host_mdm_idp_accounts inside processWindowsEUAToken, before
 * ds.EnrollOrbit had made the host, and wrote no host_emails, so Fleet's List hosts showed `device_mapping: null` for a
 * host whose user was known. The fix links after the host exists (AssociateHostMDMIdPAccount) and reconciles
 * host_emails (source mdm_idp_accounts).
 */
export const euaFirstDeviceMappingNull: Scenario<AutopilotOutcome> = {
  name: 'eua-first-device-mapping-null',
  title: 'EUA link before the host row: device_mapping null (#45066)',
  description:
    'The Autopilot EUA run, watched for Fleet bug #45066. In the first EUA release (profile eua-first) orbit enroll links the IdP account to the hardware UUID before the host row exists and writes no host_emails, so the host API shows device_mapping: null although host_mdm_idp_accounts has the link. From eua-link-fix on, AssociateHostMDMIdPAccount runs after ds.EnrollOrbit and host_emails gets the UPN (source mdm_idp_accounts). It runs under eua-first unless you pick another profile; compare it with --fleet eua-link-fix to see the difference.',
  options: AUTOPILOT_OPTIONS,
  // The bug's own Fleet, unless the run names another (then the expectations follow that profile).
  fleet: 'eua-first',
  mdm: { needs: 'embedded', why: 'it runs under the Fleet profile eua-first (the bug\'s Fleet), a profile of the embedded server' },
  run: (world, o) => runAutopilot(world, optionsOf(o)),
  expect: (out): Expectation[] => [
    { kind: 'prompts', equals: 1, why: 'the EUA token spares the second sign-in in every profile' },
    { kind: 'status', path: MDM_PATHS.orbitEnroll, status: 200 },
    { kind: 'row', party: 'mdm', table: 'host_mdm_idp_accounts', where: { host_uuid: out.hardwareUuid }, present: true, why: 'every profile links the IdP account' },
    {
      kind: 'check',
      name: 'host_emails has the UPN exactly when Fleet links after ds.EnrollOrbit (#45066)',
      check: (w) => {
        const fixed = fleetHas(w, 'eua-link-after-enroll');
        const emails = hostEmails(w, out.hardwareUuid);
        const has = emails.some((e) => e.email === out.upn && e.source === 'mdm_idp_accounts');
        return {
          passed: has === fixed,
          detail: `${fixed ? 'fixed Fleet' : 'eua-first'}: host_emails ${emails.length === 0 ? 'empty (device_mapping null)' : emails.map((e) => `${e.email} (${e.source})`).join(', ')}`,
        };
      },
    },
    {
      kind: 'check',
      name: 'the IdP link is written before the host row under eua-first, after it once fixed',
      check: (w) => {
        const order = linkOrder(w, out.hardwareUuid);
        if (!order || order.linkIndex < 0 || order.hostIndex < 0) return { passed: false, detail: 'the orbit enroll step wrote no host insert and IdP link' };
        const before = order.linkIndex < order.hostIndex;
        const fixed = fleetHas(w, 'eua-link-after-enroll');
        return { passed: before === !fixed, detail: `host_mdm_idp_accounts insert is write ${order.linkIndex + 1}, hosts insert write ${order.hostIndex + 1} of the orbit enroll step` };
      },
    },
  ],
};
