import type { FastifyReply } from 'fastify';

/** The MDM server's HTML pages (enrollment STS/ToS, SSO): one content type, one way to send them. */
export const HTML_CONTENT_TYPE = 'text/html; charset=UTF-8';

export function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', HTML_CONTENT_TYPE).send(body);
}

/**
 * Text and attribute values in the lab's own pages (the SSO pages): `&`, `<`, `>` and `"` as named entities. The
 * enrollment pages mimic Go's html/template instead (enrollment/pages.ts), whose bytes Fleet sends.
 */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
