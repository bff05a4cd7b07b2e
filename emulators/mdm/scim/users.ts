import type { MdmContext } from '../context.js';
import { insertScimUser, type NewScimUser, type ScimUser } from '../store/scim.js';

/**
 * SCIM users as an IdP's SCIM client would provision them into Fleet (scim_users / scim_user_emails, fleet.md §5),
 * so that a scenario can have a user the host maps to (host_scim_user) or not.
 */
export function createScimUser(ctx: MdmContext, user: NewScimUser): ScimUser {
  if (user.userName.trim() === '') throw new Error('user_name is required');
  const now = ctx.nowIso();
  return ctx.store.tx((db) => {
    if (db.prepare(`SELECT 1 FROM scim_users WHERE user_name = ?`).get(user.userName)) throw new Error(`a SCIM user named ${user.userName} already exists`);
    const id = insertScimUser(db, user, now);
    return db.prepare(`SELECT id, user_name, given_name, family_name FROM scim_users WHERE id = ?`).get(id) as ScimUser;
  });
}

export function deleteScimUser(ctx: MdmContext, userName: string): boolean {
  return ctx.store.tx((db) => db.prepare(`DELETE FROM scim_users WHERE user_name = ?`).run(userName).changes > 0);
}
