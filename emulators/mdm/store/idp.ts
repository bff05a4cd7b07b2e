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

/** The IdP account by its uuid (GetMDMIdPAccountByUUID). */
export function idpAccountByUuid(db: Db, uuid: string): IdpAccount | undefined {
  return db.prepare(`SELECT uuid, username, fullname, email FROM mdm_idp_accounts WHERE uuid = ?`).get(uuid) as IdpAccount | undefined;
}

/**
 * AssociateHostMDMIdPAccount since #45066: the link, then host_emails reconciled for the host with this uuid (source
 * mdm_idp_accounts = the account's email only). With no host row yet only the link is written; Fleet reconciles
 * again once the host exists (fleet.md corrections §1). Returns the host id whose emails were reconciled.
 */
export function associateHostMDMIdPAccount(db: Db, hostUuid: string, account: IdpAccount, now: string): number | undefined {
  associateHostIdpAccount(db, hostUuid, account.uuid, now);
  return reconcileIdpHostEmails(db, hostUuid, account, now);
}

/** host_emails (source mdm_idp_accounts) of the host with this uuid become the account's email. */
export function reconcileIdpHostEmails(db: Db, hostUuid: string, account: IdpAccount, now: string): number | undefined {
  const host = db.prepare(`SELECT id FROM hosts WHERE uuid = ? ORDER BY id LIMIT 1`).get(hostUuid) as { id: number } | undefined;
  if (!host || account.email === '') return undefined;
  const source = 'mdm_idp_accounts';
  const current = (db.prepare(`SELECT email FROM host_emails WHERE host_id = ? AND source = ?`).all(host.id, source) as { email: string }[]).map((r) => r.email);
  db.prepare(`DELETE FROM host_emails WHERE host_id = ? AND source = ? AND email <> ?`).run(host.id, source, account.email);
  if (!current.includes(account.email)) {
    db.prepare(`INSERT INTO host_emails(host_id, email, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`).run(host.id, account.email, source, now, now);
  }
  return host.id;
}

/**
 * AssociateHostMDMIdPAccountFromSSO(hostUUID, account, replaceExisting) → the previous account uuid ('' when none): an
 * existing, different binding is replaced only when replaceExisting (Fleet still waits on this device's end user);
 * otherwise it is kept. Writes nothing when the binding is unchanged.
 */
export function associateHostIdpAccountFromSso(db: Db, hostUuid: string, accountUuid: string, replaceExisting: boolean, now: string): { previous: string; written: boolean } {
  const previous = idpLinkByHostUuid(db, hostUuid)?.account_uuid ?? '';
  if (previous === accountUuid) return { previous, written: false };
  if (previous !== '' && !replaceExisting) return { previous, written: false };
  associateHostIdpAccount(db, hostUuid, accountUuid, now);
  return { previous, written: true };
}
