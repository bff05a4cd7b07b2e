import type { Db } from '../../lab/store.js';

export interface IdpAccount {
  uuid: string;
  username: string;
  fullname: string;
  email: string;
}

/** GetMDMIdPAccountByEmail. */
export function idpAccountByEmail(db: Db, email: string): IdpAccount | undefined {
  return db.prepare(`SELECT uuid, username, fullname, email FROM mdm_idp_accounts WHERE email = ?`).get(email) as IdpAccount | undefined;
}

/**
 * InsertMDMIdPAccount: an upsert on the unique email that overwrites username and fullname (fleet.md §5). Callers
 * that must keep an existing row's names read first (the orbit EUA path, fleet.md §4.2 4a.4).
 */
export function insertIdpAccount(db: Db, a: { uuid: string; username: string; fullname: string; email: string }, now: string): void {
  db.prepare(
    `INSERT INTO mdm_idp_accounts(uuid, username, fullname, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(email) DO UPDATE SET username = excluded.username, fullname = excluded.fullname, updated_at = excluded.updated_at`,
  ).run(a.uuid, a.username, a.fullname, a.email, now, now);
}

/** Get the account by email, creating `{email, username: email}` when there is none; never rewrites an existing row. */
export function getOrCreateIdpAccount(db: Db, email: string, newUuid: () => string, now: string, fullname = ''): IdpAccount {
  const existing = idpAccountByEmail(db, email);
  if (existing) return existing;
  insertIdpAccount(db, { uuid: newUuid(), username: email, fullname, email }, now);
  return idpAccountByEmail(db, email)!;
}

/** GetMDMIdPAccountByHostUUID: the host's link, if any. */
export function idpLinkByHostUuid(db: Db, hostUuid: string): { host_uuid: string; account_uuid: string } | undefined {
  return db.prepare(`SELECT host_uuid, account_uuid FROM host_mdm_idp_accounts WHERE host_uuid = ?`).get(hostUuid) as
    | { host_uuid: string; account_uuid: string }
    | undefined;
}

/** AssociateHostMDMIdPAccount: upsert on the unique host_uuid (the exact SQL is UNCONFIRMED, fleet.md §10). */
export function associateHostIdpAccount(db: Db, hostUuid: string, accountUuid: string, now: string): void {
  db.prepare(
    `INSERT INTO host_mdm_idp_accounts(host_uuid, account_uuid, created_at, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(host_uuid) DO UPDATE SET account_uuid = excluded.account_uuid, updated_at = excluded.updated_at
     WHERE host_mdm_idp_accounts.account_uuid <> excluded.account_uuid`,
  ).run(hostUuid, accountUuid, now, now);
}
