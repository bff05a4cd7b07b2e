import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EntraContext } from './context.js';
import { resolveTenant } from './directory.js';
import { OAuthError } from './errors.js';
import { parseForm } from '../protocols/oauth.js';
import { ENTRA_PATHS } from '../protocols/paths/entra.js';
import { escapeHtml as esc } from '../protocols/html.js';

/**
 * The end_session_endpoint (OIDC RP-Initiated Logout 1.0 §2, Microsoft identity platform "Send a sign-out
 * request"): the browser's sign-in session at Entra ends. Entra clears its session cookies (ESTSAUTH,
 * ESTSAUTHPERSISTENT, ESTSAUTHLIGHT) and either redirects to `post_logout_redirect_uri` (with `state`, §3) or shows
 * its "You signed out of your account" page. Refresh tokens and PRTs stay valid: revoking them is an admin's
 * revokeSignInSessions, not a sign-out, so nothing in Entra's DB changes.
 */

export const sendHtml = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

/** A page in the look of Entra's login pages (the devicelogin page's style). */
export function entraPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:15px system-ui,sans-serif;max-width:28rem;margin:4rem auto;color:#1b1b1b}h1{font-size:1.4rem}
.err{color:#a4262c}.muted{color:#605e5c;font-size:13px}dl{font:12px ui-monospace,monospace;color:#605e5c}dt{font-weight:600}</style></head><body>${body}</body></html>`;
}

/** Entra's session cookies, expired: what a sign-out removes from the browser. */
const SESSION_COOKIES = ['ESTSAUTH', 'ESTSAUTHPERSISTENT', 'ESTSAUTHLIGHT'];

function clearSession(reply: FastifyReply): void {
  reply.header('set-cookie', SESSION_COOKIES.map((c) => `${c}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/; secure; HttpOnly; SameSite=None`));
}

/** The parameters of a sign-out request, from the query (GET) or a form body (POST, §2). */
function paramsOf(req: FastifyRequest): Record<string, string | undefined> {
  const query = req.query as Record<string, string | undefined>;
  return req.method === 'POST' ? { ...query, ...parseForm(req.rawBody) } : query;
}

/** An absolute URI (RFC 3986 §4.3): the only kind a client may be sent back to. */
function absoluteUri(s: string): URL | null {
  try {
    const u = new URL(s);
    return /^[a-z][a-z0-9+.-]*:$/i.test(u.protocol) ? u : null;
  } catch {
    return null;
  }
}

/**
 * End the browser session and answer: a 302 to the client's post-logout URI (`state` added, §3), or the signed-out
 * page. A post_logout_redirect_uri that is not an absolute URI is refused with the error page and clears nothing.
 * `redirect`: the URI (or null); `state`: echoed back.
 */
export function signOut(reply: FastifyReply, redirect: string | undefined, state: string | undefined): FastifyReply {
  if (redirect) {
    const target = absoluteUri(redirect);
    if (!target) return sendHtml(reply, 400, entraPage('Sign out', `<h1>We couldn't sign you out.</h1><p class="err">The post_logout_redirect_uri '${esc(redirect)}' is not an absolute URI.</p>`));
    if (state !== undefined) target.searchParams.set('state', state);
    clearSession(reply);
    return reply.code(302).header('location', target.toString()).header('content-type', 'text/html; charset=utf-8').send(`<html><head><title>Object moved</title></head><body><h2>Object moved to <a href="${esc(target.toString())}">here</a>.</h2></body></html>`);
  }
  clearSession(reply);
  return sendHtml(reply, 200, entraPage('Sign out', '<h1>You signed out of your account</h1><p>It\'s a good idea to close all browser windows.</p>'));
}

export function registerLogout(app: FastifyInstance, ctx: EntraContext): void {
  for (const version of ['1.0', '2.0'] as const) {
    const handler = (req: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
      try {
        resolveTenant(ctx, req.params.tenant);
      } catch (e) {
        if (e instanceof OAuthError) return sendHtml(reply, 400, entraPage('Sign out', `<h1>We couldn't sign you out.</h1><p class="err">AADSTS${e.code}: ${esc(e.description)}</p>`));
        throw e;
      }
      const p = paramsOf(req);
      return signOut(reply, p.post_logout_redirect_uri, p.state);
    };
    app.get(ENTRA_PATHS.logout(':tenant', version), handler);
    app.post(ENTRA_PATHS.logout(':tenant', version), handler);
  }
}
