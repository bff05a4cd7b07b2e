import { createHash, timingSafeEqual } from 'node:crypto';
import { RESOURCES, type TokenResponse } from '../../protocols/oauth.js';
import type { Db } from '../../lab/store.js';
import { LIFETIMES, type EntraContext } from '../context.js';
import { AADSTS } from '../errors.js';
import { getUser, requirePublicClient, resolveResource, type TenantRow, type UserRow } from '../directory.js';
import { tokenTarget } from '../signin.js';
import { issueUserTokens, type TokenVersion } from '../tokens.js';
import type { AuthorizeRequest } from './request.js';

/** Who signed in at authorize and how: what a code carries to the token endpoint. */
export interface SignedIn {
  user: UserRow;
  amr: string[];
  /** The device proved at authorize (PRT SSO, x-ms-DeviceCredential): tokens then carry `deviceid`. */
  deviceId: string | null;
}

interface CodeRow {
  code: string;
  client_id: string;
  redirect_uri: string;
  user_object_id: string;
  version: TokenVersion;
  resource: string | null;
  scope: string | null;
  amr: string;
  device_id: string | null;
  nonce: string | null;
  code_challenge: string | null;
  code_challenge_method: string | null;
  issued_at: string;
  expires_at: string;
  redeemed_at: string | null;
}

/** Entra's codes are long opaque `0.A…` strings, like its refresh tokens. */
function opaqueCode(ctx: EntraContext): string {
  return `1.A${ctx.lab.ids.text(86)}.${ctx.lab.ids.text(40)}`;
}

/** Mint a code for a signed-in user (RFC 6749 §4.1.2); `db` when the caller's own writes share the transaction. */
export function issueCode(ctx: EntraContext, req: AuthorizeRequest, who: SignedIn, db?: Db): string {
  const row: CodeRow = {
    code: opaqueCode(ctx),
    client_id: req.clientId,
    redirect_uri: req.redirectUri,
    user_object_id: who.user.object_id,
    version: req.version,
    resource: req.resource,
    scope: req.scope,
    amr: JSON.stringify(who.amr),
    device_id: who.deviceId,
    nonce: req.nonce,
    code_challenge: req.codeChallenge,
    code_challenge_method: req.codeChallengeMethod,
    issued_at: ctx.iso(),
    expires_at: ctx.iso(LIFETIMES.authCodeS * 1000),
    redeemed_at: null,
  };
  const insert = (d: Db) =>
    d
      .prepare(
        `INSERT INTO authorization_codes(code, client_id, redirect_uri, user_object_id, version, resource, scope, amr, device_id, nonce, code_challenge, code_challenge_method, issued_at, expires_at, redeemed_at)
         VALUES (@code, @client_id, @redirect_uri, @user_object_id, @version, @resource, @scope, @amr, @device_id, @nonce, @code_challenge, @code_challenge_method, @issued_at, @expires_at, @redeemed_at)`,
      )
      .run(row);
  if (db) insert(db);
  else ctx.store.tx(insert);
  return row.code;
}

/** RFC 7636 §4.6: S256 compares base64url(SHA-256(verifier)); plain compares the verifier itself. */
function pkceMatches(row: CodeRow, verifier: string | undefined): boolean {
  if (!row.code_challenge) return true;
  if (!verifier || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  const derived = row.code_challenge_method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  const a = Buffer.from(derived);
  const b = Buffer.from(row.code_challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `grant_type=authorization_code` (RFC 6749 §4.1.3, PKCE RFC 7636 §4.5), v1 and v2: libhimmelblau
 * `exchange_authorization_code_for_access_token_internal`, ROADtools `authenticate_with_code_native(_v2)`. Every
 * check before the one transaction that marks the code redeemed and stores the refresh token.
 */
export async function authorizationCodeGrant(ctx: EntraContext, tenant: TenantRow, version: TokenVersion, form: Record<string, string>): Promise<TokenResponse> {
  const client = requirePublicClient(ctx, form.client_id);
  if (!form.code) throw AADSTS.missingParameter('code');
  const row = ctx.store.read((db) => db.prepare(`SELECT * FROM authorization_codes WHERE code = ?`).get(form.code) as CodeRow | undefined);
  if (!row || row.client_id.toLowerCase() !== client.app_id.toLowerCase()) throw AADSTS.invalidGrant('The authorization code is not one this tenant issued to this client.');
  if (row.redeemed_at) throw AADSTS.codeRedeemed();
  if (ctx.lab.clock.now() > Date.parse(row.expires_at)) throw AADSTS.authCodeExpired();
  if (!form.redirect_uri) throw AADSTS.missingParameter('redirect_uri');
  if (form.redirect_uri !== row.redirect_uri) throw AADSTS.codeRedirectMismatch();
  if (!pkceMatches(row, form.code_verifier)) throw AADSTS.pkceMismatch();
  // v1 may name the resource only now; otherwise the one of the authorize request (v2: its scope).
  const fields: Record<string, string> = { ...form };
  if (version === '1.0' && !fields.resource && row.resource) fields.resource = row.resource;
  if (version === '2.0' && !fields.scope && row.scope) fields.scope = row.scope;
  const target = version === '1.0' && !fields.resource ? { resource: resolveResource(ctx, RESOURCES.aadGraph), scope: null } : tokenTarget(ctx, version, fields);
  const user = getUser(ctx, row.user_object_id);
  return issueUserTokens(
    ctx,
    { user, tenant, clientId: client.app_id, version, ...target, amr: JSON.parse(row.amr) as string[], deviceId: row.device_id, clientInfo: form.client_info === '1' },
    (db) => {
      // A code is single use even when two redemptions race: the second finds it redeemed and rolls back.
      if (db.prepare(`UPDATE authorization_codes SET redeemed_at = ? WHERE code = ? AND redeemed_at IS NULL`).run(ctx.iso(), row.code).changes !== 1) throw AADSTS.codeRedeemed();
    },
  );
}
