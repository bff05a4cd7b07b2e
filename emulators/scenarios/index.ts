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
import { euaFirstDeviceMappingNull } from './eua-first-device-mapping-null.js';
import { clonedHwDevId } from './cloned-hwdevid.js';
import { linkBySerialNoToken } from './link-by-serial-no-token.js';
import { enrollSecretSpecialChars } from './enroll-secret-special-chars.js';
import { hostDeletedReenroll } from './host-deleted-reenroll.js';
import { fleetd154Then155 } from './fleetd-154-then-155.js';
import { espTimeout } from './esp-timeout.js';
import { tpmWrongPin } from './tpm-wrong-pin.js';
import { tpmLockout } from './tpm-lockout.js';
import { tpmCleared } from './tpm-cleared.js';

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
  euaFirstDeviceMappingNull,
  clonedHwDevId,
  linkBySerialNoToken,
  enrollSecretSpecialChars,
  hostDeletedReenroll,
  fleetd154Then155,
  espTimeout,
  tpmWrongPin,
  tpmLockout,
  tpmCleared,
] as Scenario[];

export function listScenarios(): readonly Scenario[] {
  return SCENARIOS;
}

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
