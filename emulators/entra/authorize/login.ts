import type { FastifyReply } from 'fastify';
import { parseForm } from '../../protocols/oauth.js';
import type { EntraContext } from '../context.js';
import { resolveTenant, type TenantRow } from '../directory.js';
import { OAuthError } from '../errors.js';
import type { TenantRequest } from '../http.js';
import { srvChallenge } from '../prt/nonce.js';
import { checkPassword } from '../signin.js';
import { issueCode } from './codes.js';
import { sendErrorPage } from './error-page.js';
import { advanceFlow, requireFlow, startFlow } from './flow.js';
import { sendLoginPage, type PageError } from './page.js';
import type { AuthorizeRequest } from './request.js';
import { sendCode } from './respond.js';

/**
 * The interactive sign-in (entra-mde2.md corrections §3): authorize answers the first login page, a new flow with
 * its `$Config` (libhimmelblau `request_auth_config_internal`), and `bsso.nonce`, a srv_challenge nonce a PRT
 * cookie may carry (ROADtools `get_srv_challenge_nonce`).
 */
export function startLogin(ctx: EntraContext, _tenant: TenantRow, reply: FastifyReply, authz: AuthorizeRequest): FastifyReply {
  const flow = startFlow(ctx, authz);
  const ssoNonce = srvChallenge(ctx, authz.tenantSegment).Nonce;
  return sendLoginPage(ctx, reply, { flow, authz, view: 'signin', ssoNonce });
}

/** What the card says for each credential error (the texts of Microsoft's sign-in page). */
function friendly(e: OAuthError): string {
  switch (e.code) {
    case 50126:
      return "Your account or password is incorrect. If you don't remember your password, reset it now.";
    case 50034:
      return 'This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.';
    case 50057:
      return 'Your account has been disabled. Contact your admin.';
    case 900144:
      return 'Please enter your password.';
    default:
      return e.description;
  }
}

export function pageError(e: OAuthError): PageError {
  return { code: e.code, text: `AADSTS${e.code}: ${e.description}`, friendly: friendly(e) };
}

/**
 * The credential POST (`$Config.urlPost`: `login`, `passwd`, `ctx`, `flowToken`, `canary`; libhimmelblau
 * `handle_auth_config_req_internal`). A wrong password is the page again with sErrorCode 50126 and nothing written;
 * a user without MFA gets the code at once (a 302 to the redirect URI, libhimmelblau's `AuthCodeReceived`); an MFA
 * user gets the MFA page (ConvergedTFA) with a new flow token.
 */
export function postCredentials(ctx: EntraContext, req: TenantRequest, reply: FastifyReply): FastifyReply {
  const f = parseForm(req.rawBody);
  try {
    const tenant = resolveTenant(ctx, req.params.tenant);
    const flow = requireFlow(ctx, { flowToken: f.flowToken, ctx: f.ctx, canary: f.canary }, ['credentials'], { canary: 'form' });
    const username = f.login || f.loginfmt;
    let user;
    try {
      user = checkPassword(ctx, tenant, username, f.passwd);
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      return sendLoginPage(ctx, reply, { flow: flow.row, authz: flow.authz, view: 'signin', ...(username !== undefined && { username }), error: pageError(e) });
    }
    if (!user.mfa_required) {
      const code = ctx.store.tx((db) => {
        advanceFlow(ctx, db, flow.row, { stage: 'done', userObjectId: user.object_id });
        return issueCode(ctx, flow.authz, { user, amr: ['pwd'], deviceId: null }, db);
      });
      return sendCode(ctx, reply, flow.authz, code);
    }
    const flowToken = ctx.store.tx((db) => advanceFlow(ctx, db, flow.row, { stage: 'mfa', userObjectId: user.object_id }));
    return sendLoginPage(ctx, reply, { flow: { ...flow.row, flow_token: flowToken }, authz: flow.authz, view: 'mfa', username: user.upn });
  } catch (e) {
    if (e instanceof OAuthError) return sendErrorPage(ctx, reply, e);
    throw e;
  }
}
