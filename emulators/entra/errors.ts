import type { FastifyReply } from 'fastify';
import type { OAuthErrorResponse } from '../protocols/oauth.js';
import type { EntraContext } from './context.js';

/**
 * OAuth errors as Entra returns them (RFC 6749 §5.2 + `error_codes`, entra-mde2.md §5.1). The catalog keeps
 * every AADSTS text in one place; where the live code is UNCONFIRMED the comment says so.
 */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    readonly description: string,
    readonly extra: Partial<OAuthErrorResponse> = {},
  ) {
    super(`AADSTS${code}: ${description}`);
    this.name = 'OAuthError';
  }
}

export const AADSTS = {
  badPassword: () => new OAuthError(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.'),
  // Entra hides the UPN in this text ({EUII Hidden}); the lab does too.
  unknownUser: (tenant: string) =>
    new OAuthError(400, 'invalid_grant', 50034, `The user account {EUII Hidden} does not exist in the ${tenant} directory. To sign into this application, the account must be added to the directory.`),
  mfaRequired: (resource: string, extra: Partial<OAuthErrorResponse>) =>
    new OAuthError(400, 'invalid_grant', 50076, `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resource}'.`, {
      suberror: 'basic_action',
      ...extra,
    }),
  /** RFC 8628 §3.5 */
  authorizationPending: () => new OAuthError(400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.'),
  /** RFC 8628 §3.5; Entra's code for it UNCONFIRMED (it rarely sends it), 70016 kept. */
  slowDown: (interval: number) => new OAuthError(400, 'slow_down', 70016, `Polling too fast. Wait ${interval} seconds between polls.`, { interval }),
  codeExpired: () => new OAuthError(400, 'expired_token', 70019, 'Verification code expired.'),
  /** §5.3 lists `authorization_declined`; its AADSTS number is UNCONFIRMED. */
  deviceCodeDeclined: () => new OAuthError(400, 'authorization_declined', 70000, 'The user declined the authorization request.'),
  codeRedeemed: () => new OAuthError(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'),
  // AADSTS70018 BadVerificationCode: the code is not one Entra issued for this client.
  badVerificationCode: () => new OAuthError(400, 'bad_verification_code', 70018, 'Invalid verification code entered.'),
  mfaDenied: () => new OAuthError(400, 'access_denied', 500121, 'Authentication failed during strong authentication request.'),
  mfaExpired: () => new OAuthError(400, 'expired_token', 70019, 'The multi-factor authentication request expired.'),
  redirectUriMismatch: (uri: string, appId: string) =>
    new OAuthError(400, 'invalid_request', 50011, `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`),
  unsupportedResponseType: (type: string) => new OAuthError(400, 'unsupported_response_type', 700054, `response_type '${type}' is not enabled for the application.`),
  authCodeExpired: () => new OAuthError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.'),
  /** AADSTS501481 (CodeVerifierMismatch, the code Entra's reference lists today; older texts say 50148). */
  pkceMismatch: () => new OAuthError(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.'),
  /** The reply address at redemption must be the one of the authorize request; the code number is UNCONFIRMED. */
  codeRedirectMismatch: () => new OAuthError(400, 'invalid_grant', 500112, 'The reply address does not match the reply address provided when requesting Authorization code.'),
  /** OIDC Core §3.1.2.6 login_required for prompt=none without a session (AADSTS50058). */
  interactionRequired: () => new OAuthError(400, 'login_required', 50058, 'A silent sign-in request was sent but no user is signed in.'),
  unknownClient: (clientId: string, tenant: string) =>
    new OAuthError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`),
  invalidResource: (resource: string, tenant: string) =>
    new OAuthError(400, 'invalid_resource', 500011, `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`),
  unknownTenant: (tenant: string) =>
    new OAuthError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`),
  missingParameter: (name: string) => new OAuthError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  malformed: (why: string) => new OAuthError(400, 'invalid_request', 9002313, `Invalid request. Request is malformed or invalid. ${why}`),
  unsupportedGrant: (grant: string) => new OAuthError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`),
  invalidGrant: (why: string) => new OAuthError(400, 'invalid_grant', 70000, `Provided grant is invalid or malformed. ${why}`),
  /** The nonce failure's live code is UNCONFIRMED: Entra's generic invalid-grant code is used. */
  badNonce: () => new OAuthError(400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed. The request_nonce is unknown, expired or was already used.'),
  /**
   * AADSTS50132 SsoArtifactInvalidOrExpired (Entra's AADSTS reference; libhimmelblau names it for refused PRT flows):
   * a PRT SSO cookie that proves nothing. The OAuth error at authorize and the description text are UNCONFIRMED.
   */
  ssoArtifactInvalid: (why: string) => new OAuthError(400, 'interaction_required', 50132, `The SSO artifact is invalid or expired. ${why}`),
  refreshTokenExpired: () => new OAuthError(400, 'invalid_grant', 700082, 'The refresh token has expired due to inactivity.'),
  refreshTokenRevoked: () => new OAuthError(400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed.'),
  deviceAuthFailed: (why: string) => new OAuthError(400, 'invalid_grant', 50155, `Device authentication failed. ${why}`),
  // AADSTS135011 DeviceDisabled: the device the request proves (device key, or the PRT's device) is disabled in the directory.
  deviceDisabled: () => new OAuthError(400, 'invalid_grant', 135011, 'Device used during the authentication is disabled.'),
  userDisabled: () => new OAuthError(400, 'invalid_grant', 50057, 'The user account is disabled.'),
} as const;

/** Entra's timestamp form: `2026-01-15 09:00:00Z`. */
function entraTimestamp(ctx: EntraContext): string {
  return ctx.iso().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function oauthErrorBody(ctx: EntraContext, e: OAuthError): OAuthErrorResponse {
  // Entra ends every description with the trace, correlation and time lines, the same ids as the fields (entra-mde2.md corrections §10).
  const traceId = ctx.lab.ids.uuid();
  const correlationId = ctx.lab.ids.uuid();
  const at = entraTimestamp(ctx);
  const body: OAuthErrorResponse = {
    error: e.error,
    error_description: `AADSTS${e.code}: ${e.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${at}`,
    error_codes: [e.code],
    timestamp: at,
    trace_id: traceId,
    correlation_id: correlationId,
  };
  for (const [k, v] of Object.entries(e.extra)) if (v !== undefined) (body as unknown as Record<string, unknown>)[k] = v;
  return body;
}

export function sendOAuthError(ctx: EntraContext, reply: FastifyReply, e: OAuthError): FastifyReply {
  return reply.code(e.status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(oauthErrorBody(ctx, e)));
}

/** DRS errors (shape UNCONFIRMED, entra-mde2.md §3.3): {code, subcode, message, operationId, requestId, time}. */
export class DrsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly subcode: string,
    message: string,
  ) {
    super(message);
    this.name = 'DrsError';
  }
}

/**
 * The ErrorType a DRS error carries (MS-DVRJ 2.2.3.1 names the field, not its values). UNCONFIRMED beyond
 * `AuthenticationError` and `DirectoryError`, which Windows' dsreg logs show; kept in this one table.
 */
const DRS_ERROR_TYPE: Readonly<Record<string, string>> = {
  invalid_request: 'InvalidRequest',
  AuthenticationError: 'AuthenticationError',
  tenant_not_found: 'DirectoryError',
};

/** MS-DVRJ 2.2.3.1 ErrorDetails: `{ErrorType, Message, TraceId, Time}`; the reason (our subcode) leads the Message. */
export function sendDrsError(ctx: EntraContext, reply: FastifyReply, e: DrsError): FastifyReply {
  const body = { ErrorType: DRS_ERROR_TYPE[e.code] ?? (e.code.startsWith('invalid_') ? 'InvalidRequest' : e.code), Message: `${e.subcode}: ${e.message}`, TraceId: ctx.lab.ids.uuid(), Time: ctx.iso() };
  return reply.code(e.status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}
