import type { World } from '../scenarios/world.js';
import type { DeviceIdentity } from './identity.js';

/**
 * The shard's Entra users, made before its devices start, the way an admin bulk-creates users in the Entra admin
 * center (no Graph API in the lab): one row per user in the tenant's `users` table, password-only (no MFA), in one
 * transaction. Columns and formats as directory.ts seedDirectory writes them.
 */
export function createEntraUsers(world: World, users: readonly DeviceIdentity[]): void {
  const { entra, lab } = world;
  const now = entra.ctx.iso();
  entra.store.tx((db) => {
    const ins = db.prepare(
      `INSERT INTO users(object_id, upn, password, display_name, given_name, family_name, puid, mfa_required, created_at)
       VALUES (?, ?, ?, ?, 'Load', ?, ?, 0, ?)`,
    );
    // puid: 16 upper-case hex digits, as Entra's.
    for (const u of users) ins.run(lab.ids.uuid(), u.upn, u.password, u.displayName, u.displayName.replace(/^Load User /, ''), lab.ids.hex(8).toUpperCase(), now);
  });
}
