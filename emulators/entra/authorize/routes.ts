import type { FastifyInstance, FastifyReply } from 'fastify';
import { ENTRA_PATHS } from '../../protocols/paths/entra.js';
import type { EntraContext } from '../context.js';
import { resolveTenant } from '../directory.js';
import { AADSTS, OAuthError } from '../errors.js';
import type { TenantRequest } from '../http.js';
import type { TokenVersion } from '../tokens.js';
import { issueCode } from './codes.js';
import { sendErrorPage } from './error-page.js';
import { postCredentials, startLogin } from './login.js';
import { getCredentialType } from './credential-type.js';
import { beginAuth, endAuth, processAuth } from './sas.js';
import { parseAuthorizeRequest, RedirectableError } from './request.js';
import { sendAuthorizeError, sendCode, sendRedirect } from './respond.js';
import { ssoSignIn } from './sso.js';

/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1; v1 `/{tenant}/oauth2/authorize`, v2 `/oauth2/v2.0/authorize`):
 * validate the request, then PRT SSO (a code without a prompt) or the login pages. `prompt=none` without SSO is
 * `login_required` (OIDC Core §3.1.2.6, AADSTS50058) back to the client.
 */
async function authorize(ctx: EntraContext, req: TenantRequest, reply: FastifyReply, version: TokenVersion): Promise<FastifyReply> {
  try {
    const tenant = resolveTenant(ctx, req.params.tenant);
    // A parameter given twice arrives as an array: RFC 6749 §3.1 "Request and response parameters MUST NOT be
    // included more than once"; Entra's error page says which (the AADSTS text is UNCONFIRMED).
    const twice = Object.entries(req.query).find(([, v]) => Array.isArray(v));
    if (twice) throw AADSTS.malformed(`The parameter '${twice[0]}' is included more than once.`);
    const authz = parseAuthorizeRequest(ctx, tenant, req.params.tenant, version, req.query);
    try {
      const sso = authz.prompt === 'login' ? ({ kind: 'none' } as const) : await ssoSignIn(ctx, tenant, req, authz);
      // The SSO nonce is spent in the transaction that issues the code (a replay race rolls one of them back).
      if (sso.kind === 'signed-in') return sendCode(ctx, reply, authz, ctx.store.tx((db) => (sso.spend?.(db), issueCode(ctx, authz, sso.who, db))));
      if (sso.kind === 'redirect') return sendRedirect(reply, sso.location);
      if (authz.prompt === 'none') throw AADSTS.interactionRequired();
      return startLogin(ctx, tenant, reply, authz);
    } catch (e) {
      if (e instanceof OAuthError) return sendAuthorizeError(ctx, reply, authz, e);
      throw e;
    }
  } catch (e) {
    if (e instanceof RedirectableError && e.cause instanceof OAuthError) return sendAuthorizeError(ctx, reply, e.to, e.cause);
    if (e instanceof OAuthError) return sendErrorPage(ctx, reply, e);
    throw e;
  }
}

/** The authorize endpoint, v1 and v2, and the login pages it leads to (username, password, the MFA push). */
export function registerAuthorize(app: FastifyInstance, ctx: EntraContext): void {
  for (const version of ['1.0', '2.0'] as const) {
    app.get(ENTRA_PATHS.authorize(':tenant', version), (req: TenantRequest, reply) => authorize(ctx, req, reply, version));
  }
  app.post(ENTRA_PATHS.getCredentialType(':tenant'), (req: TenantRequest, reply) => getCredentialType(ctx, req, reply));
  app.post(ENTRA_PATHS.login(':tenant'), (req: TenantRequest, reply) => postCredentials(ctx, req, reply));
  app.post(ENTRA_PATHS.sasBeginAuth(':tenant'), (req: TenantRequest, reply) => beginAuth(ctx, req, reply));
  app.get(ENTRA_PATHS.sasEndAuth(':tenant'), (req: TenantRequest, reply) => endAuth(ctx, req, reply));
  app.post(ENTRA_PATHS.sasEndAuth(':tenant'), (req: TenantRequest, reply) => endAuth(ctx, req, reply));
  app.post(ENTRA_PATHS.sasProcessAuth(':tenant'), (req: TenantRequest, reply) => processAuth(ctx, req, reply));
}
