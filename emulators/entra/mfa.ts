import type { Db } from '../lab/store.js';
import { LIFETIMES, type EntraContext } from './context.js';
import type { UserRow } from './directory.js';
import type { TokenVersion } from './tokens.js';

/**
 * The authenticator push of the login pages' MFA (entra-mde2.md corrections §3): BeginAuth starts it (a pending row,
 * the number to match), the user answers it on the phone (the lab's sign-in requests, user-actions.ts `resolveMfa`),
 * EndAuth reads its status while the client polls, ProcessAuth redeems it once for the code (authorize/sas.ts).
 * ROPC for an MFA user ends at AADSTS50076 and starts nothing (signin.ts).
 */
export interface MfaRequestRow {
  id: string;
  user_object_id: string;
  client_id: string;
  resource: string | null;
  scope: string | null;
  version: TokenVersion;
  entropy: number;
  poll_interval: number;
  issued_at: string;
  expires_at: string;
  last_poll_at: string | null;
  status: 'pending' | 'approved' | 'denied' | 'redeemed';
  decided_at: string | null;
}

/** A new push for the user of a login flow, written in the caller's transaction; `id` is the flow's session id. */
export function startMfa(ctx: EntraContext, db: Db, f: { id: string; user: UserRow; clientId: string; version: TokenVersion; resource: string | null; scope: string | null }): MfaRequestRow {
  const row: MfaRequestRow = {
    id: f.id,
    user_object_id: f.user.object_id,
    client_id: f.clientId,
    resource: f.resource,
    scope: f.scope,
    version: f.version,
    // Authenticator number matching shows a two-digit number.
    entropy: 10 + (ctx.lab.ids.bytes(1)[0]! % 90),
    poll_interval: LIFETIMES.mfaIntervalS,
    issued_at: ctx.iso(),
    expires_at: ctx.iso(LIFETIMES.mfaRequestS * 1000),
    last_poll_at: null,
    status: 'pending',
    decided_at: null,
  };
  db.prepare(
    `INSERT INTO mfa_requests(id, user_object_id, client_id, resource, scope, version, entropy, poll_interval, issued_at, expires_at, last_poll_at, status, decided_at)
     VALUES (@id, @user_object_id, @client_id, @resource, @scope, @version, @entropy, @poll_interval, @issued_at, @expires_at, @last_poll_at, @status, @decided_at)`,
  ).run(row);
  return row;
}

export function findMfaRequest(ctx: EntraContext, id: string): MfaRequestRow | undefined {
  return ctx.store.read((db) => db.prepare(`SELECT * FROM mfa_requests WHERE id = ?`).get(id) as MfaRequestRow | undefined);
}

export function pendingMfaRequests(ctx: EntraContext): (MfaRequestRow & { upn: string })[] {
  return ctx.store.read(
    (db) =>
      db
        .prepare(`SELECT m.*, u.upn FROM mfa_requests m JOIN users u ON u.object_id = m.user_object_id WHERE m.status = 'pending' AND m.expires_at >= ? ORDER BY m.rowid`)
        .all(ctx.iso()) as (MfaRequestRow & { upn: string })[],
  );
}
