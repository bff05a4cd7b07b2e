import { refusedTokenScenario } from './flows/refused-token.js';
import { twists } from './twists.js';
import { LAB_CLOCK_NEED } from './flows/autopilot.js';

/** The EUA token lives 1 h (fleet.md §1.3): 2 h of lab time before orbit starts make Fleet refuse it. */
export const euaExpired = refusedTokenScenario({
  name: 'eua-expired',
  title: 'The EUA token expired before orbit started',
  description: "2 h of lab time pass between the MSI install and orbit's start: the 1 h EUA token is expired, Fleet refuses it with END_USER_AUTH_REQUIRED and nothing is written; the user signs in again.",
  twist: (_install, world) => twists.expire(world),
  // A running Fleet's clock cannot be moved: the token expires only on a server that reads the lab clock.
  mdm: LAB_CLOCK_NEED,
});
