import { SignJWT, type JWTPayload } from 'jose';
import { JwtV4Error, parseJwtV4 } from './jwt-v4.js';
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

// GetSTSAuthTokenUPNClaim lives in wstep/sts.ts (verifyStsAuthToken): one verifier for the STS token.

/** fmt.Errorf("there was an error parsing the EUA token claims: %w", err) (fleet.md corrections §4). */
export const EUA_PARSE_WRAPPER = 'there was an error parsing the EUA token claims';

/**
 * GetEUATokenClaims(token): golang-jwt v4 ParseWithClaims (wstep.go imports jwt/v4) with the identity key on the lab
 * clock, then UPN and DeviceID. `device_id` is required (an STS token fails with "issue with device_id token
 * claim"); `sub` is not checked and the token is not single-use (fleet.md corrections §4).
 */
export function getEUATokenClaims(ctx: MdmContext, token: string, publicKey?: KeyObject): EuaClaims {
  if (token === '') throw new WstepTokenError('invalid EUA token');
  let payload: JWTPayload;
  try {
    payload = parseJwtV4(token, publicKey ?? loadIdentity(ctx).publicKey, ctx.lab.clock.now()) as JWTPayload;
  } catch (e) {
    if (e instanceof JwtV4Error) throw new WstepTokenError(`${EUA_PARSE_WRAPPER}: ${e.message}`);
    throw e;
  }
  if (typeof payload.upn !== 'string' || payload.upn === '') throw new WstepTokenError('issue with UPN token claim');
  if (typeof payload.device_id !== 'string' || payload.device_id === '') throw new WstepTokenError('issue with device_id token claim');
  return { upn: payload.upn, deviceId: payload.device_id, payload };
}
