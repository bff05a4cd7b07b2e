import type { Scenario } from './types.js';
import { autopilotEua } from './autopilot-eua.js';
import { autopilotNoEua } from './autopilot-no-eua.js';
import { oldOrbitNoEuaSupport } from './old-orbit-no-eua-support.js';
import { euaExpired } from './eua-expired.js';
import { euaTampered } from './eua-tampered.js';
import { euaForeignKey } from './eua-foreign-key.js';
import { euaUnknownDevice } from './eua-unknown-device.js';
import { idpAccountExists } from './idp-account-exists.js';
import { scimUserPresent, scimUserAbsent } from './scim.js';
import { settingsApp } from './settings-app.js';
import { programmatic } from './programmatic.js';
import { reEnroll } from './re-enroll.js';
import { deviceCodeSignin, mfaSignin } from './signin-methods.js';
import { helloSignin } from './hello-signin.js';
import { espTimeout } from './esp-timeout.js';

/** Every named scenario (DESIGN.md "Scenarios"); the first is the UI's default. */
const SCENARIOS: Scenario[] = [
  autopilotEua,
  autopilotNoEua,
  oldOrbitNoEuaSupport,
  euaExpired,
  euaTampered,
  euaForeignKey,
  euaUnknownDevice,
  idpAccountExists,
  scimUserPresent,
  scimUserAbsent,
  settingsApp,
  programmatic,
  reEnroll,
  deviceCodeSignin,
  mfaSignin,
  helloSignin,
  espTimeout,
] as Scenario[];

export function listScenarios(): readonly Scenario[] {
  return SCENARIOS;
}

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
