import { createHmac, type KeyObject } from 'node:crypto';
import type { MdmContext } from '../context.js';
import { loadIdentity } from '../wstep/identity.js';

/**
 * The lab admin's API token (Fleet: an API-only user's session key, `Authorization: Bearer <token>`). Fleet keeps
 * session keys in its `sessions` table; the lab has no users, so the token is derived from the world's WSTEP identity
 * key: the same for every request of a world, different between worlds, and it writes nothing (seeded runs keep their
 * ids and bytes). Shape: base64 (std) of 32 bytes, as Fleet's session keys (UNCONFIRMED).
 */
export function fleetApiToken(ctx: MdmContext): string {
  // Every API request checks the token: it is derived once per identity key (loadIdentity hands out the same object
  // until the identity changes), not by exporting the key at each request.
  const privateKey = loadIdentity(ctx).privateKey;
  let token = derived.get(privateKey);
  if (token === undefined) {
    const key = privateKey.export({ type: 'pkcs8', format: 'der' });
    token = createHmac('sha256', key).update('enrollscope: fleet admin API token').digest('base64');
    derived.set(privateKey, token);
  }
  return token;
}

const derived = new WeakMap<KeyObject, string>();
