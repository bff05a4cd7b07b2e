import type { FastifyReply } from 'fastify';
import type { EntraContext } from '../context.js';
import { findUser, getTenant, resolveTenant } from '../directory.js';
import { OAuthError, sendOAuthError } from '../errors.js';
import { sendJson, type TenantRequest } from '../http.js';
import { requireFlow } from './flow.js';

/** The JSON body of a login-page API call, or null when it is not a JSON object. */
export function jsonBody(raw: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(raw) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** libhimmelblau `CredType::account_exists`: 0 the account exists here, 1 it does not (2 throttled, 4 error, 5/6 another IdP). */
const IF_EXISTS = { exists: 0, unknown: 1 } as const;
/** EstsProperties.DomainType: 3 a managed (cloud) domain of this tenant, 1 a domain Entra does not know. */
const DOMAIN_TYPE = { unknown: 1, managed: 3 } as const;
/** Credentials.PrefCredential: 1 the password (libhimmelblau branches on 13 TAP and 2/7 FIDO). */
const PREF_PASSWORD = 1;

/**
 * `POST /common/GetCredentialType` (libhimmelblau `get_cred_type`, the second request of `check_user_exists`): does
 * the username exist, and how does it sign in. No passwordless method is offered (no RemoteNgcParams, FidoParams),
 * so clients go on to the password. The flow token must be this sign-in's; nothing is written.
 */
export function getCredentialType(ctx: EntraContext, req: TenantRequest, reply: FastifyReply): FastifyReply {
  try {
    resolveTenant(ctx, req.params.tenant);
    const body = jsonBody(req.rawBody);
    if (!body) throw new OAuthError(400, 'invalid_request', 90100, 'The request body is not a JSON object.');
    const username = str(body.username) ?? '';
    let flow;
    try {
      flow = requireFlow(ctx, { flowToken: str(body.flowToken), ctx: str(body.originalRequest), canary: str(req.headers.canary) }, ['credentials'], { canary: 'api' });
    } catch (e) {
      // The page errors are HTTP 200 pages; this API answers JSON with a 400 (libhimmelblau reads an ErrorResponse).
      if (e instanceof OAuthError) throw new OAuthError(400, e.error, e.code, e.description);
      throw e;
    }
    if (!username) throw new OAuthError(400, 'invalid_request', 90100, 'username parameter is empty or not valid.');
    const tenant = getTenant(ctx);
    const user = findUser(ctx, username);
    const domain = username.split('@')[1]?.toLowerCase();
    return sendJson(reply, 200, {
      Username: username,
      Display: username,
      IfExistsResult: user ? IF_EXISTS.exists : IF_EXISTS.unknown,
      IsUnmanaged: false,
      ThrottleStatus: 0,
      Credentials: { PrefCredential: PREF_PASSWORD, HasPassword: true, RemoteNgcParams: null, FidoParams: null, SasParams: null, CertAuthParams: null, GoogleParams: null, FacebookParams: null },
      EstsProperties: { UserTenantBranding: null, DomainType: domain === tenant.domain ? DOMAIN_TYPE.managed : DOMAIN_TYPE.unknown },
      IsSignupDisallowed: true,
      apiCanary: flow.row.api_canary,
      FlowToken: flow.row.flow_token,
    });
  } catch (e) {
    if (e instanceof OAuthError) return sendOAuthError(ctx, reply, e);
    throw e;
  }
}
