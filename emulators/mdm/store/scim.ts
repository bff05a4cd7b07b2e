import type { Db } from '../../lab/store.js';

export interface ScimUser {
  id: number;
  user_name: string;
  given_name: string | null;
  family_name: string | null;
}

/** ScimUserByUserNameOrEmail(userName, email): scim_users.user_name or scim_user_emails.email (fleet.md §6). */
export function scimUserByUserNameOrEmail(db: Db, userName: string, email: string): ScimUser | undefined {
  const byName = db.prepare(`SELECT id, user_name, given_name, family_name FROM scim_users WHERE user_name = ?`).get(userName) as ScimUser | undefined;
  if (byName) return byName;
  return db
    .prepare(
      `SELECT u.id, u.user_name, u.given_name, u.family_name FROM scim_users u JOIN scim_user_emails e ON e.scim_user_id = u.id
       WHERE e.email = ? ORDER BY u.id LIMIT 1`,
    )
    .get(email) as ScimUser | undefined;
}

export interface NewScimUser {
  userName: string;
  emails: { email: string; primary?: boolean; type?: string }[];
  givenName?: string;
  familyName?: string;
  externalId?: string;
  department?: string;
  active?: boolean;
}

export function insertScimUser(db: Db, u: NewScimUser, now: string): number {
  const r = db
    .prepare(
      `INSERT INTO scim_users(external_id, user_name, given_name, family_name, department, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(u.externalId ?? null, u.userName, u.givenName ?? null, u.familyName ?? null, u.department ?? null, u.active === undefined ? 1 : u.active ? 1 : 0, now, now);
  const id = Number(r.lastInsertRowid);
  const ins = db.prepare(`INSERT INTO scim_user_emails(scim_user_id, email, "primary", type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`);
  for (const e of u.emails) ins.run(id, e.email, e.primary === undefined ? null : e.primary ? 1 : 0, e.type ?? null, now, now);
  return id;
}

/** SetOrUpdateHostSCIMUserMapping. */
export function setHostScimUser(db: Db, hostId: number, scimUserId: number, now: string): void {
  db.prepare(
    `INSERT INTO host_scim_user(host_id, scim_user_id, created_at) VALUES (?, ?, ?)
     ON CONFLICT(host_id) DO UPDATE SET scim_user_id = excluded.scim_user_id WHERE host_scim_user.scim_user_id <> excluded.scim_user_id`,
  ).run(hostId, scimUserId, now);
}

/** DeleteHostSCIMUserMapping (not-found ignored). */
export function deleteHostScimUser(db: Db, hostId: number): void {
  db.prepare(`DELETE FROM host_scim_user WHERE host_id = ?`).run(hostId);
}

/** Refresh the host's SCIM mapping for a UPN: set when a SCIM user matches, deleted when none does (fleet.md §4.2 step 6). */
export function refreshHostScimUser(db: Db, hostId: number, upn: string, now: string): ScimUser | undefined {
  const u = scimUserByUserNameOrEmail(db, upn, upn);
  if (u) setHostScimUser(db, hostId, u.id, now);
  else deleteHostScimUser(db, hostId);
  return u;
}
