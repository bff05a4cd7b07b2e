import type { FastifyInstance } from 'fastify';
import type { EntraContext } from './context.js';
import { setPartyErrorEncoder } from '../lab/server.js';
import { DrsError, OAuthError, sendDrsError, sendOAuthError } from './errors.js';

/**
 * What fastify itself would answer with its own JSON (`{statusCode, code: "FST_ERR_…"}`), answered as Entra does:
 * DRS paths with DRS's error body, the rest with an AADSTS OAuth error. The texts are UNCONFIRMED (Entra's front
 * door answers these before the STS); the point is that no framework text reaches a client.
 */

// RFC 9110 §8.3.1 media-type: type "/" subtype, each a token, then parameters (which fastify reads leniently).
const MEDIA_TYPE = /^\s*[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+\s*(;|$)/;

const isDrs = (url: string) => /^\/EnrollmentServer\//i.test(url);

export function registerFrameworkErrors(app: FastifyInstance, ctx: EntraContext): void {
  // The STS reads its bodies as forms or JSON whatever the Content-Type says; a type fastify cannot parse would get
  // its 415 before any route: read it as octet-stream so the route answers (the recorder already kept the header).
  app.addHook('onRequest', (req, _reply, done) => {
    const ct = req.headers['content-type'];
    if (ct !== undefined && !MEDIA_TYPE.test(ct)) req.headers['content-type'] = 'application/octet-stream';
    done();
  });
  setPartyErrorEncoder(app, ({ status }, req, reply) => {
    const code = status;
    const why = status === 413 ? 'The request body is too large.' : status >= 500 ? 'The server could not process the request.' : 'The request could not be read.';
    if (isDrs(req.url)) return sendDrsError(ctx, reply, new DrsError(code, code >= 500 ? 'internal_error' : 'invalid_request', code === 413 ? 'request_too_large' : 'invalid_request', why));
    return sendOAuthError(ctx, reply, new OAuthError(code, code >= 500 ? 'server_error' : 'invalid_request', code >= 500 ? 90033 : 9002313, `Invalid request. Request is malformed or invalid. ${why}`));
  });
  app.setNotFoundHandler((req, reply) => {
    if (isDrs(req.url)) return sendDrsError(ctx, reply, new DrsError(404, 'invalid_request', 'not_found', 'The requested resource does not exist.'));
    return reply.code(404).header('content-type', 'text/html; charset=utf-8').send('<!DOCTYPE html><html><head><title>404 - Not Found</title></head><body><h1>404 - File or directory not found.</h1></body></html>');
  });
}
