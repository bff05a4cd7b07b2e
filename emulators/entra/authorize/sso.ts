import type { FastifyRequest } from 'fastify';
import type { EntraContext } from '../context.js';
import type { TenantRow } from '../directory.js';
import type { SignedIn } from './codes.js';
import type { AuthorizeRequest } from './request.js';

/** What the SSO credentials on an authorize request come to (MS-OAPXBC 3.1.5.1.2.2; entra-mde2.md corrections §2). */
export type SsoOutcome =
  /** No SSO credential on the request: the login pages take over. */
  | { kind: 'none' }
  /** A valid PRT cookie (and device credential): a code without a prompt. */
  | { kind: 'signed-in'; who: SignedIn }
  /** A stale nonce: the client is sent back to authorize with a fresh `sso_nonce`. */
  | { kind: 'redirect'; location: string };

/**
 * PRT SSO on authorize: `x-ms-RefreshTokenCredential` (cookie or header) and `x-ms-DeviceCredential`. Scaffold of the
 * authorize foundation: no credential is read yet, so every request goes to the login pages (the PRT SSO slice of
 * issue 12 replaces this body).
 */
export async function ssoSignIn(_ctx: EntraContext, _tenant: TenantRow, _req: FastifyRequest, _authz: AuthorizeRequest): Promise<SsoOutcome> {
  return { kind: 'none' };
}
