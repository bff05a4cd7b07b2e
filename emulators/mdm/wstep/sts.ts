import { verify as cryptoVerify } from 'node:crypto';
import type { MdmContext } from '../context.js';
import { loadIdentity } from './identity.js';

/**
 * Fleet's STS auth token (fleet.md §1.2; minted by wstep/tokens.ts newSTSAuthToken): verified synchronously (node
 * crypto) against the WSTEP identity key on the lab clock, with golang-jwt's checks and messages: only RSA methods
 * ("unexpected signing method"), signature, exp, nbf, iat; then a non-empty upn.
 */

const RSA_HASH: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };

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
  if (!hash) throw new Error('unexpected signing method');
  const ok = cryptoVerify(hash, Buffer.from(`${parts[0]}.${parts[1]}`), identity.publicKey, Buffer.from(parts[2]!, 'base64url'));
  if (!ok) throw new Error('token signature is invalid: crypto/rsa: verification error');
  const now = ctx.lab.clock.seconds();
  const num = (k: string) => (typeof claims[k] === 'number' ? (claims[k] as number) : undefined);
  const exp = num('exp');
  const nbf = num('nbf');
  const iat = num('iat');
  if (exp !== undefined && now > exp) throw new Error('token has invalid claims: token is expired');
  if (nbf !== undefined && now < nbf) throw new Error('token has invalid claims: token is not valid yet');
  if (iat !== undefined && now < iat) throw new Error('token has invalid claims: token used before issued');
  const upn = typeof claims.upn === 'string' ? claims.upn : '';
  if (!upn) throw new Error('issue with UPN token claim');
  return upn;
}
