import type { FastifyRequest } from 'fastify';
import type { Db } from '../../lab/store.js';
import { decodeSessionKeySigned, verifySessionKeySignature } from '../../protocols/prt-kdf.js';
import type { EntraContext } from '../context.js';
import { getUser, type TenantRow } from '../directory.js';
import { AADSTS } from '../errors.js';
import { authenticateDevice } from '../prt/device-auth.js';
import { spendNonce, srvChallenge } from '../prt/nonce.js';
import { findRefreshToken } from '../tokens.js';
import type { SignedIn } from './codes.js';
import type { AuthorizeRequest } from './request.js';
import { DEVICE_CREDENTIAL, PRT_COOKIE, ssoCredential } from './sso-credential.js';

/** What the SSO credentials on an authorize request come to (MS-OAPXBC 3.1.5.2.1.3; entra-mde2.md corrections §2). */
export type SsoOutcome =
  /** No SSO credential on the request: the login pages take over. */
  | { kind: 'none' }
  /** A valid PRT cookie (and device credential): a code without a prompt; `spend` runs in the code's transaction. */
  | { kind: 'signed-in'; who: SignedIn; spend?: (db: Db) => void }
  /** A stale nonce: the client is sent back to authorize with a fresh `sso_nonce`. */
  | { kind: 'redirect'; location: string };

type NonceState = 'fresh' | 'stale' | 'used';

/** Read-only: a known PRT nonce (srv_challenge, or the login page's `$Config.bsso.nonce`, both prt/nonce.ts) unused and in time. */
function nonceState(ctx: EntraContext, nonce: string): NonceState {
  const row = ctx.store.read((db) => db.prepare(`SELECT purpose, expires_at, used_at FROM nonces WHERE nonce = ?`).get(nonce) as { purpose: string; expires_at: string; used_at: string | null } | undefined);
  if (!row || row.purpose !== 'prt' || ctx.lab.clock.now() > Date.parse(row.expires_at)) return 'stale';
  return row.used_at === null ? 'fresh' : 'used';
}

/**
 * The same authorize URL with a fresh `sso_nonce` (ROADtools `authenticate_with_prt_cookie` looks for it in the 302
 * Location; libhimmelblau `acquire_prt_sso_cookie_with_nonce` signs the next cookie with it).
 */
function withFreshNonce(ctx: EntraContext, req: FastifyRequest<{ Params: { tenant: string } }>): string {
  const { Nonce } = srvChallenge(ctx, req.params.tenant);
  const base = typeof req.headers.host === 'string' ? `${req.protocol}://${req.headers.host}` : ctx.baseUrl;
  const url = new URL(req.url, base);
  url.searchParams.set('sso_nonce', Nonce);
  return url.toString();
}

/** `x-ms-DeviceCredential` (libhimmelblau `DeviceCredentialPayload`): the PRT's own device, `grant_type: device_auth`, the cookie's nonce. */
async function checkDeviceCredential(ctx: EntraContext, jws: string, prtDeviceId: string | null, cookieNonce: unknown): Promise<void> {
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw AADSTS.deviceAuthFailed('x-ms-DeviceCredential is not a JWT.');
  }
  if (header === null || typeof header !== 'object' || header.alg !== 'RS256') throw AADSTS.deviceAuthFailed('x-ms-DeviceCredential is not signed by a device key (RS256 with x5c).');
  const { device, payload } = await authenticateDevice(ctx, jws, header);
  if (payload.grant_type !== 'device_auth') throw AADSTS.deviceAuthFailed('x-ms-DeviceCredential is not a device_auth grant.');
  if (device.device_id !== prtDeviceId) throw AADSTS.deviceAuthFailed('The device credential belongs to another device than the primary refresh token.');
  if (cookieNonce !== undefined && payload.request_nonce !== cookieNonce) throw AADSTS.deviceAuthFailed('The device credential carries another request_nonce than the PRT cookie.');
}

/**
 * PRT SSO on authorize (entra-mde2.md §6.6 case 2; MS-OAPXBC 3.1.5.2.1.3 for how the client keys the cookie): the
 * `x-ms-RefreshTokenCredential` JWT is HS256 under KDFv1(session key, ctx) or, with `kdf_ver: 2`, KDFv2 over ctx and
 * the payload as sent (prt-kdf.ts); its payload names the PRT (`refresh_token`), `is_primary` (ROADtools) and the
 * server nonce (`request_nonce`). Checked in this order, every check before any write:
 * - a cookie that proves nothing (not such a JWT, unknown PRT, wrong key, revoked or expired PRT): AADSTS50132;
 * - a device credential of another device, or not the PRT's device: AADSTS50155;
 * - no nonce (the old `iat` model) or a stale one: a redirect to the same URL with a fresh `sso_nonce`;
 * - a nonce already spent (a replayed cookie): AADSTS50132 (UNCONFIRMED: Entra may answer a replay with a redirect too);
 * - else signed in as the PRT's user with its amr (incl. `rsa`) and device; the nonce is spent with the code.
 * Errors go back to the validated redirect URI (RFC 6749 §4.1.2.1). MS-OAPXBC's server processing (written for AD FS)
 * ignores a header that fails and goes on to the login page, as a real browser sees it
 * (leechristensen/RequestAADRefreshToken#1); the lab answers the error instead so that the client sees why
 * (UNCONFIRMED for Entra; this function is the one place to change).
 */
export async function ssoSignIn(ctx: EntraContext, _tenant: TenantRow, req: FastifyRequest, _authz: AuthorizeRequest): Promise<SsoOutcome> {
  const cookie = ssoCredential(req.headers, PRT_COOKIE);
  if (!cookie) return { kind: 'none' };
  const signed = decodeSessionKeySigned(cookie);
  if (!signed) throw AADSTS.ssoArtifactInvalid('x-ms-RefreshTokenCredential is not a JWT signed with the session key (HS256 with ctx).');
  const p = signed.payload;
  const prt = typeof p.refresh_token === 'string' ? findRefreshToken(ctx, p.refresh_token) : undefined;
  if (!prt || prt.kind !== 'prt') throw AADSTS.ssoArtifactInvalid('The primary refresh token is unknown.');
  const key = ctx.store.read((db) => db.prepare(`SELECT session_key FROM session_keys WHERE prt_id = ?`).get(prt.id) as { session_key: Buffer } | undefined);
  if (!key || !verifySessionKeySignature(signed, key.session_key)) throw AADSTS.ssoArtifactInvalid('The cookie is not signed with the session key of its primary refresh token.');
  if (prt.revoked_at) throw AADSTS.ssoArtifactInvalid('The primary refresh token was revoked.');
  if (ctx.lab.clock.now() > Date.parse(prt.expires_at)) throw AADSTS.ssoArtifactInvalid('The primary refresh token has expired.');
  const user = getUser(ctx, prt.user_object_id);
  if (!user.enabled) throw AADSTS.userDisabled();

  const deviceCredential = ssoCredential(req.headers, DEVICE_CREDENTIAL);
  if (deviceCredential) await checkDeviceCredential(ctx, deviceCredential, prt.device_id, p.request_nonce);

  const nonce = typeof p.request_nonce === 'string' && p.request_nonce !== '' ? p.request_nonce : null;
  const state = nonce ? nonceState(ctx, nonce) : 'stale';
  if (state === 'stale') return { kind: 'redirect', location: withFreshNonce(ctx, req as FastifyRequest<{ Params: { tenant: string } }>) };
  if (state === 'used') throw AADSTS.ssoArtifactInvalid('The request_nonce of the cookie was already used.');

  const amr = [...new Set([...(JSON.parse(prt.amr) as string[]), 'rsa'])];
  return { kind: 'signed-in', who: { user, amr, deviceId: prt.device_id }, spend: (db) => spendNonce(ctx, db, nonce!) };
}
