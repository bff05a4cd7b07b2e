import type { MdmContext } from '../context.js';
import { loadIdentity } from './identity.js';
import { JwtV4Error, parseJwtV4 } from './jwt-v4.js';

/**
 * Fleet's STS auth token (fleet.md §1.2; minted by wstep/tokens.ts newSTSAuthToken): GetSTSAuthTokenUPNClaim parses
 * it with golang-jwt v4 (server/mdm/microsoft/wstep.go imports github.com/golang-jwt/jwt/v4) against the WSTEP
 * identity key on the lab clock, so its errors are v4's, wrapped as Fleet wraps them; then a non-empty upn.
 */

/** fmt.Errorf("there was an error parsing the STS token claims: %w", err) (wstep.go). */
export const STS_PARSE_WRAPPER = 'there was an error parsing the STS token claims';

/** GetSTSAuthTokenUPNClaim(token): the upn, or an Error with Fleet's / golang-jwt's text. */
export function verifyStsAuthToken(ctx: MdmContext, token: string): string {
  if (!token) throw new Error('invalid STS token');
  let claims: Record<string, unknown>;
  try {
    claims = parseJwtV4(token, loadIdentity(ctx).publicKey, ctx.lab.clock.now());
  } catch (e) {
    if (e instanceof JwtV4Error) throw new Error(`${STS_PARSE_WRAPPER}: ${e.message}`);
    throw e;
  }
  const upn = typeof claims.upn === 'string' ? claims.upn : '';
  if (!upn) throw new Error('issue with UPN token claim');
  return upn;
}
