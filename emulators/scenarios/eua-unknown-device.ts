import { refusedTokenScenario } from './flows/refused-token.js';
import { twists } from './twists.js';

/** A valid token whose device_id has no mdm_windows_enrollments row fails at the lookup (fleet.md §4.2 a.3). */
export const euaUnknownDevice = refusedTokenScenario({
  name: 'eua-unknown-device',
  title: 'An EUA token for an unknown device is refused',
  description: 'A correctly signed EUA token whose device_id has no mdm_windows_enrollments row: Fleet refuses it and writes nothing.',
  twist: (install, world) => twists.unknownDevice(world, install),
  mdm: { needs: 'lab-api', why: 'the token comes from the lab\'s EUA-token mint (/lab/v1/mdm/eua_token): Fleet mints one only for an enrolled device' },
});
