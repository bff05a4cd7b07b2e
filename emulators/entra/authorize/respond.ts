import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../../protocols/html.js';
import type { EntraContext } from '../context.js';
import { OAuthError, oauthErrorBody } from '../errors.js';
import type { AuthorizeRequest } from './request.js';

type Target = Pick<AuthorizeRequest, 'redirectUri' | 'state' | 'responseMode'>;

/** The redirect URI with the answer's parameters in its query or fragment (RFC 6749 §4.1.2, OAuth Multiple Response Types §2). */
function withParams(t: Target, params: Record<string, string>): string {
  const q = new URLSearchParams(params).toString();
  if (t.responseMode === 'fragment') return `${t.redirectUri}#${q}`;
  return `${t.redirectUri}${t.redirectUri.includes('?') ? '&' : '?'}${q}`;
}

/**
 * A 302 as Entra's front end writes it: `Location` and an "Object moved" body whose first `<a href>` is the same
 * URL. ROADtools `authenticate_with_prt_cookie` reads the Location; libhimmelblau falls back to the body's first
 * `<a href>` (`exchange_fido_assertion_for_auth_code_internal`), so a 302 with an empty body would fail it.
 */
export function sendRedirect(reply: FastifyReply, location: string): FastifyReply {
  const body = `<html><head><title>Object moved</title></head><body>\r\n<h2>Object moved to <a href="${escapeHtml(location)}">here</a>.</h2>\r\n</body></html>\r\n`;
  return reply.code(302).header('location', location).header('cache-control', 'no-store, no-cache').header('content-type', 'text/html; charset=utf-8').send(body);
}

/** response_mode=form_post (OAuth 2.0 Form Post Response Mode §2): a page that posts the parameters back. */
function sendFormPost(reply: FastifyReply, t: Target, params: Record<string, string>): FastifyReply {
  const inputs = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}" />`)
    .join('');
  const body = `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="${escapeHtml(t.redirectUri)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form><script language="javascript">document.forms[0].submit();</script></body></html>`;
  return reply.code(200).header('cache-control', 'no-store, no-cache').header('content-type', 'text/html; charset=utf-8').send(body);
}

function answer(reply: FastifyReply, t: Target, params: Record<string, string>): FastifyReply {
  return t.responseMode === 'form_post' ? sendFormPost(reply, t, params) : sendRedirect(reply, withParams(t, params));
}

/** The code to the client (RFC 6749 §4.1.2): `code`, `state` when sent, and Entra's `session_state`. */
export function sendCode(ctx: EntraContext, reply: FastifyReply, req: AuthorizeRequest, code: string): FastifyReply {
  return answer(reply, req, { code, ...(req.state !== null && { state: req.state }), session_state: ctx.lab.ids.uuid() });
}

/** An error to the client's redirect URI (RFC 6749 §4.1.2.1) with Entra's description (AADSTS…, trace lines). */
export function sendAuthorizeError(ctx: EntraContext, reply: FastifyReply, t: Target, e: OAuthError): FastifyReply {
  const body = oauthErrorBody(ctx, e);
  return answer(reply, t, { error: body.error, error_description: body.error_description, error_uri: `https://login.microsoftonline.com/error?code=${e.code}`, ...(t.state !== null && { state: t.state }) });
}
