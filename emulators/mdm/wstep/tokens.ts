import { SignJWT, jwtVerify, decodeProtectedHeader, errors as joseErrors, type JWTPayload } from 'jose';
import type { KeyObject } from 'node:crypto';
import type { MdmContext } from '../context.js';
import { loadIdentity } from './identity.js';

/**
 * The WSTEP tokens (fleet.md §1.2, §1.3; Fleet server/mdm/microsoft/wstep.go): compact JWS, RS256, signed with the
 * WSTEP identity private key and verified with the identity certificate's public key, times from the lab clock.
 * Error strings are Fleet's.
 */

export const STS_SUBJECT = 'STSAuthToken';
export const EUA_SUBJECT = 'EUAToken';
const STS_LIFETIME_S = 10 * 60;
const EUA_LIFETIME_S = 60 * 60;
/** golang-jwt's SigningMethodRSA: PKCS#1 v1.5 only (PS* is a different method type in Go). */
const RSA_ALGS = ['RS256', 'RS384', 'RS512'];

export class WstepTokenError extends Error {
  override name = 'WstepTokenError';
}

export interface EuaClaims {
  upn: string;
  deviceId: string;
  payload: JWTPayload;
}

/**
 * Fleet marshals a Go struct (STSClaims / euaJWTClaims: UPN, [DeviceID,] then the embedded golang-jwt v4
 * RegisteredClaims), so the payload's keys come in field order: the custom claims, then iss, sub, aud, exp, nbf, iat,
 * jti, empty ones omitted (wstep.go; golang-jwt/jwt v4 claims.go). jose keeps the object's insertion order.
 */
async function sign(ctx: MdmContext, claims: Record<string, string>, subject: string, lifetimeS: number): Promise<string> {
  const identity = loadIdentity(ctx);
  const now = ctx.lab.clock.seconds();
  const payload: JWTPayload = { ...claims, sub: subject, exp: now + lifetimeS, nbf: now, iat: now };
  // Go's jwt.NewWithClaims header is a map, marshalled with sorted keys: alg, typ.
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(identity.privateKey);
}

/** NewSTSAuthToken(upn): `upn`, sub STSAuthToken, 10 min. */
export async function newSTSAuthToken(ctx: MdmContext, upn: string): Promise<string> {
  if (upn === '') throw new WstepTokenError('invalid upn field');
  return sign(ctx, { upn }, STS_SUBJECT, STS_LIFETIME_S);
}

/** NewEUAToken(upn, deviceID): `upn`, `device_id` (the MS-MDM DeviceID), sub EUAToken, iat = nbf = now, exp +1 h. */
export async function newEUAToken(ctx: MdmContext, upn: string, deviceId: string): Promise<string> {
  if (upn === '') throw new WstepTokenError('invalid upn field');
  if (deviceId === '') throw new WstepTokenError('invalid device_id field');
  return sign(ctx, { upn, device_id: deviceId }, EUA_SUBJECT, EUA_LIFETIME_S);
}

/**
 * jwt.ParseWithClaims with a keyfunc that only accepts RSA methods, checked on the lab clock. Messages follow
 * golang-jwt v4 (what Fleet's callers see).
 */
async function parseRsa(ctx: MdmContext, token: string, publicKey?: KeyObject): Promise<JWTPayload> {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw new WstepTokenError('token contains an invalid number of segments');
  }
  if (typeof alg !== 'string' || !RSA_ALGS.includes(alg)) throw new WstepTokenError('unexpected signing method');
  const key = publicKey ?? loadIdentity(ctx).publicKey;
  const currentDate = ctx.lab.clock.date();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, { algorithms: RSA_ALGS, currentDate }));
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw new WstepTokenError('token has invalid claims: token is expired');
    if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'nbf') throw new WstepTokenError('token has invalid claims: token is not valid yet');
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) throw new WstepTokenError('token signature is invalid: crypto/rsa: verification error');
    throw new WstepTokenError(`token is malformed: ${(e as Error).message}`);
  }
  // golang-jwt v4 also refuses a token issued in the future (jose only checks iat with maxTokenAge).
  if (typeof payload.iat === 'number' && payload.iat > ctx.lab.clock.seconds()) throw new WstepTokenError('token has invalid claims: token used before issued');
  return payload;
}

// GetSTSAuthTokenUPNClaim lives in wstep/sts.ts (verifyStsAuthToken): one verifier for the STS token.

/**
 * GetEUATokenClaims(token): UPN and DeviceID. `device_id` is required (an STS token fails with "issue with device_id
 * token claim"). Whether Fleet also checks `sub == EUAToken` is UNCONFIRMED (fleet.md §1.3); not checked here.
 */
export async function getEUATokenClaims(ctx: MdmContext, token: string, publicKey?: KeyObject): Promise<EuaClaims> {
  if (token === '') throw new WstepTokenError('invalid EUA token');
  const payload = await parseRsa(ctx, token, publicKey);
  if (typeof payload.upn !== 'string' || payload.upn === '') throw new WstepTokenError('issue with UPN token claim');
  if (typeof payload.device_id !== 'string' || payload.device_id === '') throw new WstepTokenError('issue with device_id token claim');
  return { upn: payload.upn, deviceId: payload.device_id, payload };
}
