import { refusedTokenScenario } from './flows/refused-token.js';
import { twists } from './twists.js';

/** Fleet verifies with the WSTEP identity certificate's public key, so another key's RS256 signature fails. */
export const euaForeignKey = refusedTokenScenario({
  name: 'eua-foreign-key',
  title: 'An EUA token signed by another key is refused',
  description: "The EUA token is re-signed with an RSA key that is not the WSTEP identity's: Fleet verifies with the identity certificate's public key and refuses it.",
  twist: (install, world) => twists.foreignKey(world, install),
});
