import { verify } from 'node:crypto';
import { parseBcryptRsaKeyBlob } from '../../protocols/bcrypt-blob.js';
import type { Db } from '../../lab/store.js';
import { LIFETIMES, type EntraContext } from '../context.js';
import { AADSTS, OAuthError } from '../errors.js';
import { getUser, type UserRow } from '../directory.js';
import { findNgcKey } from '../drs/key.js';
import type { DeviceRow } from './device-auth.js';
import { checkNonce, spendNonce } from './nonce.js';

/**
 * Entra's answers to a bad NGC assertion. The codes are Entra's published ones for these cases; that Entra picks
 * exactly these for a Windows Hello PRT request is UNCONFIRMED (no client reads more than the HTTP 400).
 */
export const NGC_ERRORS = {
  /** AADSTS50027 InvalidJwtToken. */
  malformed: (why: string) => new OAuthError(400, 'invalid_request', 50027, `JWT token is invalid or malformed. ${why}`),
  /** AADSTS135010 KeyNotFound: no Windows Hello key of this user on this device has that kid. */
  keyNotFound: (why: string) => new OAuthError(400, 'invalid_grant', 135010, `KeyNotFound. ${why}`),
  /** AADSTS50012 AuthenticationFailed: "client assertion contains an invalid signature". */
  badSignature: () => new OAuthError(400, 'invalid_grant', 50012, 'Authentication failed. The assertion signature does not verify with the registered Windows Hello key.'),
  /** AADSTS500133: the assertion is outside its iat–exp window. */
  outOfTime: () => new OAuthError(400, 'invalid_grant', 500133, 'Assertion is not within its valid time range.'),
} as const;

/** `iat` / `exp` as numbers or numeric strings (PROTOCOL.md). */
function seconds(v: unknown): number | null {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : null;
}

function segment(part: string | undefined, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as unknown;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw NGC_ERRORS.malformed(`The assertion's ${what} is not a JSON object.`);
}

export interface NgcProof {
  user: UserRow;
  amr: string[];
  /** Spends the assertion's nonce inside the PRT grant's transaction. */
  spend(db: Db): void;
}

/**
 * The Windows Hello user proof of a PRT request (`grant_type` jwt-bearer inside the device-signed JWT; libhimmelblau
 * build_jwt_by_hello_for_business_key, ROADtools get_prt_with_hello_key): `assertion` is a JWT signed by the NGC key,
 * header `{typ: JWT, use: ngc, kid: base64 SHA-256 of its BCRYPT blob}`, payload `{iss: upn, aud: common, iat, exp,
 * scope, request_nonce}`. Entra checks the signature with the key registered by MS-KPP, that the key is the user's
 * (ROADtools: the user is taken from the assertion, not from `username`) and was registered on this device, the
 * time window and the nonce. Checks only; the nonce is spent by the caller's transaction.
 */
export function ngcUserProof(ctx: EntraContext, device: DeviceRow, assertion: unknown, outerNonce: string): NgcProof {
  if (typeof assertion !== 'string' || assertion === '') throw AADSTS.missingParameter('assertion');
  const parts = assertion.split('.');
  if (parts.length !== 3) throw NGC_ERRORS.malformed('The assertion is not a compact JWS.');
  const header = segment(parts[0], 'header');
  const claims = segment(parts[1], 'payload');
  if (header.alg !== 'RS256') throw NGC_ERRORS.malformed(`The assertion is signed with ${String(header.alg)}, not RS256.`);
  if (header.use !== 'ngc') throw NGC_ERRORS.malformed("The assertion header has no 'use': 'ngc'.");
  if (typeof header.kid !== 'string' || header.kid === '') throw NGC_ERRORS.malformed("The assertion header has no 'kid'.");

  const key = findNgcKey(ctx, header.kid);
  if (!key) throw NGC_ERRORS.keyNotFound('No Windows Hello key is registered with this kid.');
  const publicKey = parseBcryptRsaKeyBlob(Buffer.from(key.key_blob, 'base64')).publicKey;
  if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'), publicKey, Buffer.from(parts[2]!, 'base64url'))) throw NGC_ERRORS.badSignature();

  const user = getUser(ctx, key.user_object_id);
  if (typeof claims.iss !== 'string' || claims.iss.toLowerCase() !== user.upn.toLowerCase())
    throw NGC_ERRORS.keyNotFound(`The user '${String(claims.iss ?? '')}' has no Windows Hello key with this kid.`);
  // MS-KPP 1.3: a Windows Hello key belongs to a user and device pair.
  if (key.device_id !== device.device_id) throw NGC_ERRORS.keyNotFound('The Windows Hello key was registered on another device.');
  if (!user.enabled) throw AADSTS.userDisabled();

  const now = ctx.lab.clock.seconds();
  const iat = seconds(claims.iat);
  const exp = seconds(claims.exp);
  if (iat === null || exp === null || now < iat - LIFETIMES.requestSkewS || now > exp) throw NGC_ERRORS.outOfTime();
  const nonce = checkNonce(ctx, claims.request_nonce);
  return {
    user,
    // Proof of an RSA key held with a PIN: Entra's amr `rsa`, and Windows Hello counts as MFA (`mfa`) (Microsoft
    // identity platform amr claim). Whether Entra adds `ngcmfa` as well is UNCONFIRMED; the lab does not.
    amr: ['rsa', 'mfa'],
    // libhimmelblau and ROADtools each ask a fresh nonce for the assertion; one nonce used twice is spent once.
    spend: (db) => {
      if (nonce !== outerNonce) spendNonce(ctx, db, nonce);
    },
  };
}
