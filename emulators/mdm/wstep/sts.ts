import { createSign, verify as cryptoVerify } from 'node:crypto';
import type { MdmContext } from '../context.js';
import { loadIdentity } from './identity.js';

/**
 * Fleet's STS auth token (fleet.md §1.2): a compact JWS, RS256 with the WSTEP identity key, claims upn, sub
 * "STSAuthToken", iat = nbf = now, exp = now + 10 min. Verification is synchronous (node crypto) and reads the lab
 * clock, with golang-jwt's checks: only RSA methods ("unexpected signing method"), exp, nbf, iat.
 */

const RSA_HASH: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };
export const STS_TOKEN_TTL_SECS = 10 * 60;

function b64urlJson(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

/** NewSTSAuthToken(upn). */
export function newStsAuthToken(ctx: MdmContext, upn: string): string {
  if (!upn) throw new Error('invalid upn field');
  const identity = loadIdentity(ctx);
  const now = ctx.lab.clock.seconds();
  const input = `${b64urlJson({ alg: 'RS256', typ: 'JWT' })}.${b64urlJson({ upn, exp: now + STS_TOKEN_TTL_SECS, iat: now, nbf: now, sub: 'STSAuthToken' })}`;
  const sig = createSign('sha256').update(input).sign(identity.privateKey).toString('base64url');
  return `${input}.${sig}`;
}

function decodeSegment(s: string): Record<string, unknown> {
  const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('token is malformed: not a JSON object');
  return v as Record<string, unknown>;
}

/** GetSTSAuthTokenUPNClaim(token): the upn, or an Error with Fleet's / golang-jwt's text. */
export function verifyStsAuthToken(ctx: MdmContext, token: string): string {
  if (!token) throw new Error('invalid STS token');
  const identity = loadIdentity(ctx);
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('token contains an invalid number of segments');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decodeSegment(parts[0]!);
    claims = decodeSegment(parts[1]!);
  } catch (e) {
    throw new Error(`token is malformed: ${(e as Error).message}`);
  }
  const hash = typeof header.alg === 'string' ? RSA_HASH[header.alg] : undefined;
  // Newest Fleet: the keyfunc rejects every method that is not *jwt.SigningMethodRSA (HS256, none, PS*, ES*).
  if (!hash) throw new Error(`unexpected signing method: ${String(header.alg)}`);
  const ok = cryptoVerify(hash, Buffer.from(`${parts[0]}.${parts[1]}`), identity.publicKey, Buffer.from(parts[2]!, 'base64url'));
  if (!ok) throw new Error('crypto/rsa: verification error');
  const now = ctx.lab.clock.seconds();
  const num = (k: string) => (typeof claims[k] === 'number' ? (claims[k] as number) : undefined);
  const exp = num('exp');
  const nbf = num('nbf');
  const iat = num('iat');
  if (exp !== undefined && now > exp) throw new Error('token is expired');
  if (nbf !== undefined && now < nbf) throw new Error('token is not valid yet');
  if (iat !== undefined && now < iat) throw new Error('token used before issued');
  const upn = typeof claims.upn === 'string' ? claims.upn : '';
  if (!upn) throw new Error('issue with UPN token claim');
  return upn;
}
