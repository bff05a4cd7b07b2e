import { decodeSessionKeySigned, verifySessionKeySignature, encryptWithSessionKey } from '../../protocols/prt-kdf.js';
import { RESOURCES } from '../../protocols/oauth.js';
import { LIFETIMES, type EntraContext } from '../context.js';
import { AADSTS } from '../errors.js';
import { getUser, requirePublicClient, resolveResource, type TenantRow } from '../directory.js';
import { tokenTarget } from '../signin.js';
import { findRefreshToken, insertRefreshToken, issueUserTokens, newRefreshToken, type TokenVersion } from '../tokens.js';
import { checkNonce, spendNonce } from './nonce.js';

/** `iat` / `exp` of session-key requests may be strings (PROTOCOL.md). */
function seconds(v: unknown): number | null {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : null;
}

/**
 * A request signed with the PRT session key (§6.6): HS256 with `ctx` (KDFv1) or `kdf_ver: 2` (KDFv2), the HMAC
 * checked over the segments as sent. It redeems the PRT for an access token (with `deviceid`, amr incl. `rsa`),
 * a refresh token bound to the device, or a renewed PRT when `aza` is asked. The reply is the token JSON
 * encrypted with the session key (§6.7).
 */
export async function exchangePrt(ctx: EntraContext, tenant: TenantRow, version: TokenVersion, jws: string, form: Record<string, string>): Promise<string> {
  const req = decodeSessionKeySigned(jws);
  if (!req) throw AADSTS.malformed('The request JWT is neither device-signed (RS256, x5c) nor session-key-signed (HS256, ctx).');
  const p = req.payload;
  const prtToken = typeof p.refresh_token === 'string' ? p.refresh_token : '';
  if (p.grant_type !== 'refresh_token' || !prtToken) throw AADSTS.invalidGrant('A session-key-signed request redeems a primary refresh token (grant_type refresh_token).');
  const prt = findRefreshToken(ctx, prtToken);
  if (!prt || prt.kind !== 'prt') throw AADSTS.invalidGrant('The primary refresh token is unknown.');
  const key = ctx.store.read((db) => db.prepare(`SELECT session_key FROM session_keys WHERE prt_id = ?`).get(prt.id) as { session_key: Buffer } | undefined);
  if (!key || !verifySessionKeySignature(req, key.session_key)) throw AADSTS.invalidGrant('The signature made with the session key does not verify.');
  if (prt.revoked_at) throw AADSTS.refreshTokenRevoked();
  // A PRT is bound to its device: once an admin disables the device, the PRT redeems nothing (AADSTS135011).
  if (prt.device_id && !ctx.store.read((db) => db.prepare(`SELECT enabled FROM devices WHERE device_id = ?`).pluck().get(prt.device_id))) throw AADSTS.deviceDisabled();
  if (ctx.lab.clock.now() > Date.parse(prt.expires_at)) throw AADSTS.refreshTokenExpired();
  // Freshness: a server nonce when the client sent one, else an iat within the skew.
  let nonce: string | null = null;
  if (p.request_nonce !== undefined) nonce = checkNonce(ctx, p.request_nonce);
  else {
    const iat = seconds(p.iat);
    if (iat === null || Math.abs(iat - ctx.lab.clock.seconds()) > LIFETIMES.requestSkewS) throw AADSTS.invalidGrant('The request has neither a request_nonce nor a current iat.');
  }
  const exp = seconds(p.exp);
  if (exp !== null && exp < ctx.lab.clock.seconds()) throw AADSTS.invalidGrant('The signed request has expired.');
  const client = requirePublicClient(ctx, typeof p.client_id === 'string' ? p.client_id : undefined);
  const scope = typeof p.scope === 'string' ? p.scope : 'openid';
  const fields: Record<string, string> = { scope };
  if (typeof p.resource === 'string') fields.resource = p.resource;
  // No resource named (a PRT renewal with `openid aza`): the token is for AAD Graph, the v1 default.
  const target =
    version === '1.0'
      ? fields.resource
        ? tokenTarget(ctx, '1.0', fields)
        : { resource: resolveResource(ctx, RESOURCES.aadGraph), scope }
      : tokenTarget(ctx, '2.0', { ...form, ...fields });
  const user = getUser(ctx, prt.user_object_id);
  const amr = JSON.parse(prt.amr) as string[];
  const renew = scope.split(/\s+/).includes('aza');
  const newPrt = renew ? newRefreshToken(ctx, { kind: 'prt', user, clientId: prt.client_id, deviceId: prt.device_id, amr, parentId: prt.id }) : null;
  const tokens = await issueUserTokens(ctx, { user, tenant, clientId: client.app_id, version, ...target, amr, deviceId: prt.device_id, clientInfo: true, refreshToken: !newPrt }, (db) => {
    if (nonce) spendNonce(ctx, db, nonce);
    if (newPrt) {
      insertRefreshToken(db, newPrt);
      db.prepare(`INSERT INTO session_keys(prt_id, session_key) VALUES (?, ?)`).run(newPrt.id, key.session_key);
    }
  });
  // A renewed PRT replaces the refresh token; new-PRT replies carry no session_key_jwe: the client keeps its key.
  const body = newPrt ? { ...tokens, refresh_token: newPrt.token, refresh_token_expires_in: LIFETIMES.prtS } : tokens;
  return encryptWithSessionKey(JSON.stringify(body), key.session_key, { ctx: ctx.lab.ids.bytes(24), iv: ctx.lab.ids.bytes(16) });
}
