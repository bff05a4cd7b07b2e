import type { TokenResponse } from '../protocols/oauth.js';
import { LIFETIMES, type EntraContext } from './context.js';
import { AADSTS } from './errors.js';
import { getUser, requirePublicClient, resolveResource, type TenantRow, type UserRow } from './directory.js';
import { pollDecision } from './polling.js';
import { issueUserTokens, type TokenVersion } from './tokens.js';
import type { TokenTarget } from './signin.js';

/**
 * The lab's MFA flow. Entra's ROPC cannot do MFA (it answers AADSTS50076); libhimmelblau does it by driving the
 * login pages: BeginAuth, then polling EndAuth while `Retry: true` until the user approves on the phone
 * (entra-mde2.md §5.5). The lab keeps that shape with OAuth's own polling vocabulary, so a scenario shows:
 *   1. device → entra  ROPC                → 400 AADSTS50076 + mfa_request_id, mfa_entropy (number to match)
 *   2. user  → entra  approve / deny       (a local step, through EntraServer.resolveMfa)
 *   3. device → entra  grant_type=…:mfa    → authorization_pending while pending; tokens (amr pwd+mfa) once
 *                                            approved; access_denied AADSTS500121 once denied.
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

export function startMfa(ctx: EntraContext, f: { user: UserRow; clientId: string; version: TokenVersion; target: TokenTarget }): MfaRequestRow {
  const row: MfaRequestRow = {
    id: ctx.lab.ids.uuid(),
    user_object_id: f.user.object_id,
    client_id: f.clientId,
    resource: f.target.resource.requested,
    scope: f.target.scope,
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
  ctx.store.tx((db) =>
    db
      .prepare(
        `INSERT INTO mfa_requests(id, user_object_id, client_id, resource, scope, version, entropy, poll_interval, issued_at, expires_at, last_poll_at, status, decided_at)
         VALUES (@id, @user_object_id, @client_id, @resource, @scope, @version, @entropy, @poll_interval, @issued_at, @expires_at, @last_poll_at, @status, @decided_at)`,
      )
      .run(row),
  );
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

/** The client redeems an MFA request (lab grant `urn:enrollscope:params:oauth:grant-type:mfa`). */
export async function mfaGrant(ctx: EntraContext, tenant: TenantRow, form: Record<string, string>): Promise<TokenResponse> {
  const client = requirePublicClient(ctx, form.client_id);
  if (!form.mfa_request_id) throw AADSTS.missingParameter('mfa_request_id');
  const row = findMfaRequest(ctx, form.mfa_request_id);
  if (!row || row.client_id !== client.app_id) throw AADSTS.invalidGrant('The MFA request is unknown to this client.');
  const outcome = pollDecision(ctx, row, AADSTS.mfaDenied, AADSTS.mfaExpired);
  if (outcome.kind === 'error') {
    const write = outcome.write;
    if (write) ctx.store.tx((db) => db.prepare(`UPDATE mfa_requests SET last_poll_at = ?, poll_interval = ? WHERE id = ?`).run(write.last_poll_at, write.poll_interval, row.id));
    throw outcome.error;
  }
  const user = getUser(ctx, row.user_object_id);
  const resource = resolveResource(ctx, row.resource ?? '');
  return issueUserTokens(
    ctx,
    { user, tenant, clientId: row.client_id, version: row.version, resource, scope: row.scope, amr: ['pwd', 'mfa'], deviceId: null, clientInfo: form.client_info === '1' },
    (db) => db.prepare(`UPDATE mfa_requests SET last_poll_at = ?, status = 'redeemed' WHERE id = ?`).run(outcome.write.last_poll_at, row.id),
  );
}
