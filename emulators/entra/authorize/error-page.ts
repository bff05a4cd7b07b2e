import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../../protocols/html.js';
import { configScript } from '../../protocols/login-config.js';
import type { EntraContext } from '../context.js';
import { oauthErrorBody, type OAuthError } from '../errors.js';

/**
 * The error page Entra shows when it cannot send an error back to the client (an unknown client or redirect URI,
 * RFC 6749 §4.1.2.1): the login page shell with the error in `$Config` (libhimmelblau `parse_auth_config` reads
 * sErrorCode/sErrTxt; ROADtools prints strMainMessage/strServiceExceptionMessage) and the text for a person. The login
 * pages' own errors (a stale flow token, a refused ProcessAuth) come as HTTP 200, as the pages always answer.
 */
export function sendErrorPage(ctx: EntraContext, reply: FastifyReply, e: OAuthError): FastifyReply {
  const body = oauthErrorBody(ctx, e);
  const message = `AADSTS${e.code}: ${e.description}`;
  const config = {
    iErrorCode: e.code,
    sErrorCode: String(e.code),
    sErrTxt: message,
    strMainMessage: 'Sorry, but we’re having trouble signing you in.',
    strServiceExceptionMessage: message,
    strAdditionalMessage: `Request Id: ${body.trace_id}\r\nCorrelation Id: ${body.correlation_id}\r\nTimestamp: ${body.timestamp}`,
    correlationId: body.correlation_id,
    sessionId: body.trace_id,
    // libhimmelblau's AuthConfig requires a canary on every page, error pages too, before it reads sErrorCode.
    canary: body.trace_id,
  };
  const html = `<!DOCTYPE html><html dir="ltr" lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title>${configScript(config)}
<style>body{font:15px "Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0}main{background:#fff;max-width:440px;margin:8vh auto;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}h1{font-size:1.5rem;font-weight:600;margin:0 0 1rem}.err{color:#a4262c}pre{white-space:pre-wrap;font:12px ui-monospace,monospace;color:#555}</style></head>
<body><main><h1>Sign in</h1><p>${escapeHtml(config.strMainMessage)}</p><p class="err" role="alert">${escapeHtml(message)}</p><pre>${escapeHtml(config.strAdditionalMessage)}</pre></main></body></html>`;
  return reply.code(e.status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store, no-cache').send(html);
}
