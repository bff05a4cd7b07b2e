import { refusedTokenScenario } from './flows/refused-token.js';
import { twists } from './twists.js';

/** A changed payload under the original signature fails verification (fleet.md §1.3). */
export const euaTampered = refusedTokenScenario({
  name: 'eua-tampered',
  title: 'A tampered EUA token is refused',
  description: "The EUA_TOKEN's payload is edited (another upn) with the signature kept: the signature check fails, no row is written, and the user is prompted again.",
  twist: (install, world) => twists.tamper(world, install),
});
