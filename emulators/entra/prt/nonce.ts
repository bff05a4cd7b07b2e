import type { NonceResponse } from '../../protocols/oauth.js';
import type { Db } from '../../lab/store.js';
import { LIFETIMES, type EntraContext } from '../context.js';
import { AADSTS } from '../errors.js';

/**
 * `grant_type=srv_challenge` (entra-mde2.md §6.1): a single-use nonce that expires by the lab clock. Windows asks
 * `common` and uses the nonce against `/{tenantId}` (PROTOCOL.md), so a nonce is good for any alias of the tenant.
 */
export function srvChallenge(ctx: EntraContext, tenantAlias: string): NonceResponse {
  const nonce = `AwABEgEAAAADAOz_BQD0_${ctx.lab.ids.text(60)}`;
  ctx.store.tx((db) =>
    db
      .prepare(`INSERT INTO nonces(nonce, purpose, tenant_alias, issued_at, expires_at) VALUES (?, 'prt', ?, ?, ?)`)
      .run(nonce, tenantAlias, ctx.iso(), ctx.iso(LIFETIMES.nonceS * 1000)),
  );
  return { Nonce: nonce };
}

/** Check without writing: known, issued for PRT use, unused, not expired. */
export function checkNonce(ctx: EntraContext, nonce: unknown): string {
  if (typeof nonce !== 'string' || nonce === '') throw AADSTS.badNonce();
  const row = ctx.store.read((db) => db.prepare(`SELECT purpose, expires_at, used_at FROM nonces WHERE nonce = ?`).get(nonce) as
    | { purpose: string; expires_at: string; used_at: string | null }
    | undefined);
  if (!row || row.purpose !== 'prt' || row.used_at !== null || ctx.lab.clock.now() > Date.parse(row.expires_at)) throw AADSTS.badNonce();
  return nonce;
}

/** Spend the nonce inside the grant's transaction; a concurrent spend rolls the whole grant back. */
export function spendNonce(ctx: EntraContext, db: Db, nonce: string): void {
  const r = db.prepare(`UPDATE nonces SET used_at = ? WHERE nonce = ? AND used_at IS NULL`).run(ctx.iso(), nonce);
  if (r.changes !== 1) throw AADSTS.badNonce();
}
