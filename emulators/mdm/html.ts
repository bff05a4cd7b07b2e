import type { FastifyReply } from 'fastify';

/** The MDM server's HTML pages (enrollment STS/ToS, SSO): one content type, one way to send them. */
export const HTML_CONTENT_TYPE = 'text/html; charset=UTF-8';

export function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', HTML_CONTENT_TYPE).send(body);
}
