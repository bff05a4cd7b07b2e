import type { Expectation } from '../types.js';
import type { AutopilotOutcome } from './autopilot.js';
import { MDM_PATHS } from '../../protocols/paths/mdm.js';

/** Fleet #41381 worked: the EUA token linked the host to the user without a second prompt. */
export function linkedByEuaToken(o: AutopilotOutcome): Expectation[] {
  return [
    { kind: 'prompts', equals: 1, why: 'only the OOBE sign-in' },
    { kind: 'change', party: 'mdm', table: 'mdm_idp_accounts', op: 'insert' },
    { kind: 'change', party: 'mdm', table: 'host_mdm_idp_accounts', op: 'insert' },
    { kind: 'change', party: 'mdm', table: 'mdm_windows_enrollments', op: 'update', column: 'host_uuid' },
    { kind: 'row', party: 'mdm', table: 'mdm_windows_enrollments', where: { mdm_device_id: o.mdmDeviceId, host_uuid: o.hardwareUuid }, present: true },
    { kind: 'row', party: 'mdm', table: 'mdm_idp_accounts', where: { email: o.upn }, present: true },
    { kind: 'row', party: 'mdm', table: 'host_mdm_idp_accounts', where: { host_uuid: o.hardwareUuid }, present: true },
    { kind: 'status', path: MDM_PATHS.orbitEnroll, status: 200 },
    {
      kind: 'check',
      name: 'orbit sent the EUA token and was never refused',
      check: () => ({ passed: Boolean(o.orbit?.sentEuaToken && o.orbit.enrolled && o.orbit.ssoPrompts === 0), detail: orbitStory(o) }),
    },
  ];
}

/** What orbit did, in words a failure report can use ("sent no EUA token; refused once, opened the SSO page once; enrolled"). */
function orbitStory(o: AutopilotOutcome): string {
  const orbit = o.orbit;
  if (!orbit) return 'orbit never started';
  const refused = orbit.attempts - (orbit.enrolled ? 1 : 0);
  return [
    orbit.sentEuaToken ? 'sent the EUA token' : 'sent no EUA token',
    refused > 0 ? `refused ${refused} time(s)` : 'never refused',
    orbit.ssoPrompts > 0 ? `opened the SSO page ${orbit.ssoPrompts} time(s)` : 'never opened the SSO page',
    orbit.enrolled ? 'enrolled' : 'did not enroll',
  ].join('; ');
}

/** The double-authentication bug: orbit is refused, opens /mdm/sso, and the user signs in a second time. */
export function secondPrompt(o: AutopilotOutcome): Expectation[] {
  return [
    { kind: 'prompts', equals: 2, why: 'the OOBE sign-in and orbit\'s SSO page' },
    { kind: 'status', path: MDM_PATHS.orbitEnroll, status: 401 },
    { kind: 'status', path: MDM_PATHS.orbitEnroll, status: 200 },
    { kind: 'row', party: 'mdm', table: 'host_mdm_idp_accounts', where: { host_uuid: o.hardwareUuid }, present: true },
    {
      kind: 'check',
      name: 'orbit opened the SSO page once and then enrolled',
      check: () => ({ passed: Boolean(o.orbit?.enrolled && o.orbit.ssoPrompts === 1), detail: orbitStory(o) }),
    },
  ];
}
