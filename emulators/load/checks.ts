import type { World } from '../scenarios/world.js';
import type { FleetClient } from '../lab/fleet-client.js';
import type { DeviceRun, LoadScenario } from './flows.js';

/** A check of one device's story that failed: its kind (for the summary) and what was seen. */
export interface CheckFailure {
  kind: string;
  detail: string;
}

/** What the MDM server holds of one device at the end: its enrollment and its IdP link, each null when it holds or what was seen instead. */
interface MdmFacts {
  notEnrolled: string | null;
  notLinked: string | null;
}

/**
 * What must hold for each device at the end, as the scenario's expectations say it for one device
 * (flows/expectations.ts linkedByEuaToken, secondPrompt; programmatic.ts): the device's own record, and what the MDM
 * server holds of it.
 */
function judge(scenario: LoadScenario, run: DeviceRun, mdm: MdmFacts): CheckFailure[] {
  const out: CheckFailure[] = [];
  const fail = (kind: string, detail: string) => out.push({ kind: `check/${kind}`, detail });
  const wantPrompts = scenario === 'autopilot-no-eua' ? 2 : 1;
  if (run.prompts !== wantPrompts) fail('prompts', `${run.prompts} authentication prompt(s), not ${wantPrompts}`);
  if (mdm.notEnrolled !== null) fail('not-enrolled', mdm.notEnrolled);
  const o = run.orbit;
  if (!o?.enrolled) fail('orbit-not-enrolled', o ? (o.error ?? `orbit did not enroll after ${o.attempts} attempt(s)`) : 'orbit never started');
  if (scenario === 'programmatic') return out;
  if (mdm.notLinked !== null) fail('not-linked', mdm.notLinked);
  if (scenario === 'autopilot-eua' && o && !(o.sentEuaToken && o.ssoPrompts === 0)) {
    fail('eua-not-used', `orbit ${o.sentEuaToken ? 'sent' : 'did not send'} the EUA token and opened the SSO page ${o.ssoPrompts} time(s)`);
  }
  return out;
}

/** checkDevice against the embedded MDM server: read from its DB. */
export function checkDevice(world: World, scenario: LoadScenario, run: DeviceRun): CheckFailure[] {
  const { hardwareUuid, upn } = run.identity;
  const row = (sql: string, ...args: unknown[]) => world.mdm.ctx.store.read((db) => db.prepare(sql).get(...args));
  const enrolled = run.mdmDeviceId && row(`SELECT 1 FROM mdm_windows_enrollments WHERE mdm_device_id = ? AND host_uuid = ?`, run.mdmDeviceId, hardwareUuid);
  const linked = row(`SELECT 1 FROM host_mdm_idp_accounts h JOIN mdm_idp_accounts a ON a.uuid = h.account_uuid WHERE h.host_uuid = ? AND a.email = ?`, hardwareUuid, upn);
  return judge(scenario, run, {
    notEnrolled: enrolled ? null : `no enrollment of ${run.mdmDeviceId ?? '(no device id)'} with host_uuid ${hardwareUuid}`,
    notLinked: linked ? null : `host ${hardwareUuid} is not linked to the idp account of ${upn}`,
  });
}

/**
 * checkDevice against an external Fleet (load --mdm-url), whose DB is not ours to read: asked through its REST API as an
 * admin would. The host is the one whose uuid is the device's hardware UUID (GET /hosts?query= matches uuid among other
 * columns, so the exact one is picked). Enrolled: its detail's mdm.connected_to_fleet (AreHostsConnectedToFleetMDM),
 * or its feed's `mdm_enrolled` activity of platform microsoft, which Fleet records with the host once the Windows
 * enrollment links to it (#52235): connected_to_fleet also needs the host_mdm row osquery reports, which no virtual
 * device's osquery sends (scenarios/rows.ts). Linked: the user's email in its device_mapping with source
 * mdm_idp_accounts (fleet.DeviceMappingMDMIdpAccounts, what AssociateHostMDMIdPAccount reconciles). That source also
 * carries the UPN of a Windows UPN enrollment (LinkWindowsHostMDMEnrollment), so "by its EUA token" rests on orbit's
 * own record: it sent the token and never opened the SSO page.
 */
export async function checkDeviceViaApi(fleet: FleetClient, scenario: LoadScenario, run: DeviceRun): Promise<CheckFailure[]> {
  const { hardwareUuid, upn } = run.identity;
  const host = (await fleet.hosts({ query: hardwareUuid })).find((h) => h.uuid.toLowerCase() === hardwareUuid.toLowerCase());
  if (!host) return judge(scenario, run, { notEnrolled: `Fleet's hosts API has no host with uuid ${hardwareUuid}`, notLinked: `Fleet's hosts API has no host with uuid ${hardwareUuid}` });
  const [detail, mapping, feed] = await Promise.all([fleet.host(host.id), fleet.deviceMapping(host.id), fleet.hostActivities(host.id)]);
  const idpEmails = mapping.device_mapping.filter((m) => m.source === 'mdm_idp_accounts').map((m) => m.email);
  const enrolled = detail.mdm?.connected_to_fleet === true || feed.activities.some((a) => a.type === 'mdm_enrolled' && a.details?.mdm_platform === 'microsoft');
  return judge(scenario, run, {
    notEnrolled: enrolled ? null : `host ${host.id} (uuid ${hardwareUuid}) is not connected to Fleet's MDM and its feed has no mdm_enrolled activity of microsoft`,
    notLinked: idpEmails.some((e) => e.toLowerCase() === upn.toLowerCase()) ? null : `host ${host.id} (uuid ${hardwareUuid}) maps to ${idpEmails.join(', ') || 'no email'} from mdm_idp_accounts, not ${upn}`,
  });
}
