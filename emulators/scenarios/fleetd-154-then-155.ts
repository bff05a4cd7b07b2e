import type { Scenario } from './types.js';
import { AUTOPILOT_OPTIONS, autopilotNeeds, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { secondPrompt } from './flows/expectations.js';
import { pollOrbitConfig, updateOrbit, type PollResult } from '../orbit/agent.js';
import { MDM_PATHS } from '../protocols/paths/mdm.js';

/** The orbit baked into fleetd-base.msi when #40787 was QA'd, and the one its TUF channel had. */
const BASE_MSI_ORBIT = '1.54.0';
const UPDATED_ORBIT = '1.55.0';
/** orbit's --update-interval default (15 min) before the update runner's next check: UNCONFIRMED. */
const UPDATE_CHECK_MS = 15 * 60_000;

export interface FleetdUpdateOutcome extends AutopilotOutcome {
  afterUpdate: PollResult;
}

/**
 * #40787 QA (AndreyKizimenko, 2026-05-11): "fleetd 1.54 was first pushed to the host and only then it would be
 * auto-updated to 1.55 that had the needed change". Orbit 1.54 ignores EUA_TOKEN (it needs 1.55), so its enroll has
 * no eua_token: END_USER_AUTH_REQUIRED and the second prompt. Its update runner later replaces it with 1.55, which
 * the service starts with the same arguments (EUA_TOKEN is still there), but a node key is on disk, so 1.55 never
 * enrolls again and never sends the token (which would have expired an hour after minting anyway). Had the channel
 * served 1.55 at first start, orbit's early update check (before any enroll, orbit.go) would have restarted it as
 * 1.55 before enrolling: what installing an MSI with 1.55 baked in gives, as QA confirmed.
 */
export const fleetd154Then155: Scenario<FleetdUpdateOutcome> = {
  name: 'fleetd-1.54-then-1.55',
  title: 'fleetd-base.msi with orbit 1.54: two prompts, then the update to 1.55 changes nothing',
  description:
    'Fleet puts EUA_TOKEN on the MSI command line, but the fleetd-base.msi carries orbit 1.54, which ignores it: orbit is refused and the user signs in again. Orbit then auto-updates to 1.55 (TUF) and restarts; it keeps its node key, so it does not enroll again and the token is never used.',
  mdm: (o) => autopilotNeeds(o),
  options: AUTOPILOT_OPTIONS.map((opt) => (opt.name === 'orbitVersion' ? { ...opt, choices: [BASE_MSI_ORBIT], default: BASE_MSI_ORBIT } : opt)),
  run: async (world, o) => {
    const out = await runAutopilot(world, optionsOf(o, { orbitVersion: BASE_MSI_ORBIT }));
    await world.lab.local({ party: 'device', catalogId: 'lab.clock-advance', title: `${UPDATE_CHECK_MS / 60_000} min pass: orbit's update runner checks its channel`, detail: { advancedMs: UPDATE_CHECK_MS } }, () =>
      world.lab.clock.advance(UPDATE_CHECK_MS),
    );
    await updateOrbit(world.lab, UPDATED_ORBIT);
    const afterUpdate = await pollOrbitConfig({ lab: world.lab, hardwareUuid: out.hardwareUuid, serial: out.device.hardware.serial, hostname: out.device.hardware.deviceName, ssoUser: null }, 2);
    return { ...out, afterUpdate };
  },
  expect: (out) => [
    ...secondPrompt(out),
    { kind: 'check', name: 'orbit 1.54 sent no eua_token although the MSI carried EUA_TOKEN', check: (w) => {
      const enrolls = w.lab.recorder.all().filter((s) => s.catalogId === 'orbit.enroll');
      const carried = w.lab.recorder.all().some((s) => s.catalogId === 'msi.install' && JSON.stringify(s.detail ?? {}).includes('EUA_TOKEN'));
      const sent = enrolls.some((s) => (s.request?.body ?? '').includes('eua_token'));
      return { passed: carried && !sent && enrolls.length > 0, detail: `EUA_TOKEN on the command line: ${carried}; eua_token sent: ${sent}` };
    } },
    { kind: 'change', party: 'orbit', table: 'orbit_state', op: 'update', column: 'value' },
    { kind: 'row', party: 'mdm', table: 'host_orbit_info', where: { version: UPDATED_ORBIT }, present: true, why: 'orbit 1.55 reported its version after the update' },
    { kind: 'status', path: MDM_PATHS.orbitConfig, status: 200 },
    { kind: 'check', name: 'orbit 1.55 kept its node key: no enroll after the update', check: (w) => {
      const steps = w.lab.recorder.all();
      const update = steps.find((s) => s.catalogId === 'orbit.update');
      const later = update ? steps.filter((s) => s.index > update.index && s.catalogId === 'orbit.enroll').length : -1;
      return { passed: !!update && later === 0 && out.afterUpdate.statuses.every((s) => s === 200), detail: update ? `${later} enroll(s) after the update; config ${out.afterUpdate.statuses.join(', ')}` : 'orbit never updated' };
    } },
  ],
};
