import type { World } from '../scenarios/world.js';
import type { DeviceRun, LoadScenario } from './flows.js';

/** A check of one device's story that failed: its kind (for the summary) and what was seen. */
export interface CheckFailure {
  kind: string;
  detail: string;
}

/**
 * What must hold for each device at the end, as the scenario's expectations say it for one device
 * (flows/expectations.ts linkedByEuaToken, secondPrompt; programmatic.ts), read from the world's MDM DB.
 */
export function checkDevice(world: World, scenario: LoadScenario, run: DeviceRun): CheckFailure[] {
  const out: CheckFailure[] = [];
  const { hardwareUuid, upn } = run.identity;
  const fail = (kind: string, detail: string) => out.push({ kind: `check/${kind}`, detail });
  const row = (sql: string, ...args: unknown[]) => world.mdm.ctx.store.read((db) => db.prepare(sql).get(...args));
  const wantPrompts = scenario === 'autopilot-no-eua' ? 2 : 1;
  if (run.prompts !== wantPrompts) fail('prompts', `${run.prompts} authentication prompt(s), not ${wantPrompts}`);
  if (!run.mdmDeviceId || !row(`SELECT 1 FROM mdm_windows_enrollments WHERE mdm_device_id = ? AND host_uuid = ?`, run.mdmDeviceId, hardwareUuid)) {
    fail('not-enrolled', `no enrollment of ${run.mdmDeviceId ?? '(no device id)'} with host_uuid ${hardwareUuid}`);
  }
  const o = run.orbit;
  if (!o?.enrolled) fail('orbit-not-enrolled', o ? (o.error ?? `orbit did not enroll after ${o.attempts} attempt(s)`) : 'orbit never started');
  if (scenario === 'programmatic') return out;
  if (!row(`SELECT 1 FROM host_mdm_idp_accounts h JOIN mdm_idp_accounts a ON a.uuid = h.account_uuid WHERE h.host_uuid = ? AND a.email = ?`, hardwareUuid, upn)) {
    fail('not-linked', `host ${hardwareUuid} is not linked to the idp account of ${upn}`);
  }
  if (scenario === 'autopilot-eua' && o && !(o.sentEuaToken && o.ssoPrompts === 0)) {
    fail('eua-not-used', `orbit ${o.sentEuaToken ? 'sent' : 'did not send'} the EUA token and opened the SSO page ${o.ssoPrompts} time(s)`);
  }
  return out;
}
