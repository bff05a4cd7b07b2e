import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { isIP, type AddressInfo } from 'node:net';
import { Server as HttpsServer, createServer as createHttpsServer } from 'node:https';
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { runInStep, STEP_HEADER, UNRECORDED_ADMIN, type StepContext } from './context.js';
import type { Step, HttpRequestRecord } from './step.js';
import { HistoryFullError, type Recorder } from './recorder.js';
import { errorId, fleetUnexpectedError, oauthUnexpectedError } from '../protocols/unexpected-error.js';
import type { LabClock } from './clock.js';
import { isTextContentType } from './client.js';
import { classifyRequest } from '../protocols/step-match.js';
import type { LabTls } from './tls.js';

export interface PartyServerOptions {
  /** The servers of the lab: what outside requests they receive is classified by the step catalog. */
  party: 'mdm' | 'entra';
  recorder: Recorder;
  /** The lab clock: every response's `Date` header reads it (RFC 9110 §6.6.1), as every token's iat/exp does. */
  clock: LabClock;
  /** Largest body accepted (Fleet limits Microsoft MDM bodies); bigger gets 413 before any handler runs. */
  bodyLimit?: number;
  /** Entra matches paths in any case (libhimmelblau writes /oAuth2/v2.0/); Fleet's router does not. */
  caseSensitive?: boolean;
  /** Listen with HTTPS on the lab CA's server certificate (serve --tls); plain HTTP otherwise. */
  tls?: LabTls | null;
  /** Slow clients are cut off (default SLOW_CLIENT_LIMITS): the headers, then the whole request, must arrive in time. */
  limits?: Partial<SlowClientLimits>;
  /** The address to listen on (serve --listen): 127.0.0.1 unless asked, so only this machine reaches the lab. */
  listen?: string | null;
}

/**
 * A slow-loris client holds a connection by sending its headers or body a byte at a time. Node's http server closes
 * a request whose headers took longer than headersTimeout or whose whole request took longer than requestTimeout
 * (408), checked every connectionsCheckingInterval (nodejs.org/api/http.html#serverheaderstimeout); Go's
 * http.Server ReadHeaderTimeout / ReadTimeout are the same guard on a Go server such as Fleet.
 */
/**
 * How a party words an error no handler answered (Fleet's JSON error, a DRS error, an AADSTS OAuth error): given the
 * status the lab chose and the id the client is shown (the same id is on the step with the internal message).
 */
export type PartyErrorEncoder = (e: { status: number; id: string; error: Error }, req: FastifyRequest, reply: FastifyReply) => FastifyReply;

const encoders = new WeakMap<FastifyInstance, PartyErrorEncoder>();
/** The address each party server listens on (createPartyServer's `listen`). */
const listenHosts = new WeakMap<FastifyInstance, string>();

/** A party's own error shape for the lab's one error handler (fastify keeps one handler per instance: FSTWRN004). */
export function setPartyErrorEncoder(app: FastifyInstance, encode: PartyErrorEncoder): void {
  encoders.set(app, encode);
}

/**
 * The longest path parameter the router takes. Go's gorilla/mux (Fleet) has no such limit, only net/http's 1 MiB
 * header cap; Node's 16 KiB header cap comes first, so the routes see every id a client can send and answer it.
 */
const MAX_PARAM_LENGTH = 16 * 1024;

export interface SlowClientLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  checkIntervalMs: number;
}
/** fastify's default keepAliveTimeout (fastify.dev/docs/latest/Reference/Server/#keepalivetimeout). */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

export const SLOW_CLIENT_LIMITS: SlowClientLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, checkIntervalMs: 2_000 };

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body as received: text, or for binary types latin1 text of the bytes. */
    rawBody: string;
  }
}

function headerRecord(h: Record<string, string | string[] | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && k !== STEP_HEADER) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

/** The step context of an outside request to a light lab: inside a request, but of no recorded step. */
const LIGHT_OUTSIDE: StepContext = Object.freeze({ stepId: '' });

const pathOf = (url: string): string => url.split('?')[0] ?? url;

/**
 * A party's HTTP server, bound to 127.0.0.1 (or the `listen` address). Every body arrives as a string (routes parse it themselves, so the
 * recorded body is exactly what was sent). A request the lab client sent runs in its step's context; a request
 * from outside the lab (curl, a real Windows VM) is recorded as a step of its own by this server.
 */
export function createPartyServer(opts: PartyServerOptions): FastifyInstance {
  const limits = { ...SLOW_CLIENT_LIMITS, ...opts.limits };
  const timeouts = { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: limits.checkIntervalMs };
  const tls = opts.tls;
  const base = {
    bodyLimit: opts.bodyLimit ?? 2 * 1024 * 1024,
    logger: false,
    routerOptions: { caseSensitive: opts.caseSensitive ?? true, maxParamLength: MAX_PARAM_LENGTH },
    // A URL the router cannot decode (FST_ERR_BAD_URL, e.g. `%zz`) gets the party's own 400, not fastify's JSON.
    frameworkErrors: (err: Error, req: FastifyRequest, reply: FastifyReply) => answerError(err, req, reply),
    serverFactory: (handler: RequestListener) => {
      const server = tls ? createHttpsServer({ key: tls.keyPem, cert: tls.certPem, ...timeouts }, handler) : createHttpServer(timeouts, handler);
      // fastify sets keepAliveTimeout (72 s, its default) only on a server it makes itself; Node's own 5 s closed idle
      // keep-alive sockets just as a busy client reused them (socket hang up, ECONNRESET under load).
      server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      return server;
    },
  };
  // An HTTPS server is typed apart; the routes and hooks are the same, so the lab handles both as one type.
  const app = Fastify(base) as unknown as FastifyInstance;
  if (opts.listen) listenHosts.set(app, opts.listen);
  const scheme = opts.tls ? 'https' : 'http';
  app.decorateRequest('rawBody', '');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    req.rawBody = body as string;
    done(null, body);
  });

  const outside = new WeakMap<FastifyRequest, { step: Step; payload: string }>();
  const ctxOf = new WeakMap<FastifyRequest, StepContext>();

  app.addHook('onRequest', (req, _reply, done) => {
    const hdr = req.headers[STEP_HEADER];
    // The lab's own admin client outside any step (context.ts UNRECORDED_ADMIN): no step, no attribution.
    if (hdr === UNRECORDED_ADMIN) {
      done();
      return;
    }
    const labStep = typeof hdr === 'string' ? opts.recorder.get(hdr) : undefined;
    let ctx: StepContext;
    if (labStep) ctx = { stepId: labStep.id };
    // A light (load mode) lab keeps no history: an outside request (the load's devices, each with a lab of its own)
    // is answered in a context of no step, without the header copy, classification and body capture a timeline needs.
    else if (opts.recorder.isLight) ctx = LIGHT_OUTSIDE;
    else {
      const request: HttpRequestRecord = {
        method: req.method,
        url: `${scheme}://${req.headers.host ?? '127.0.0.1'}${req.url}`,
        headers: headerRecord(req.headers),
        body: '',
      };
      let step: Step;
      try {
        step = opts.recorder.open({
          kind: 'http',
          from: 'external',
          to: opts.party,
          observedBy: opts.party,
          catalogId: classifyRequest({ server: opts.party, method: req.method, path: pathOf(req.url), headers: request.headers }),
          title: `${req.method} ${pathOf(req.url)}`,
          request,
        });
      } catch (e) {
        // A full history (HistoryFullError) is answered by the error handler below.
        done(e as Error);
        return;
      }
      step.status = 'sent';
      outside.set(req, { step, payload: '' });
      ctx = { stepId: step.id };
    }
    ctxOf.set(req, ctx);
    runInStep(ctx, done);
  });

  // Body parsing may resume on another async path: enter the step's context again before the handler.
  app.addHook('preValidation', (req, _reply, done) => {
    const o = outside.get(req);
    if (o && o.step.request) {
      o.step.request.body = req.rawBody;
      // The body tells steps on one path apart (grant_type, the request JWT's signer, the SOAP action).
      o.step.catalogId = classifyRequest({ server: opts.party, method: req.method, path: pathOf(req.url), body: req.rawBody, headers: o.step.request.headers });
      opts.recorder.touch(o.step);
    }
    const ctx = ctxOf.get(req);
    if (ctx) runInStep(ctx, done);
    else done();
  });

  // Whatever no handler answered in its protocol's own words (a throw, a body the framework refused, a full history)
  // gets the party's error shape; the internal message is kept on the step, under the id the client was given.
  function answerError(err: Error & { statusCode?: number }, req: FastifyRequest, reply: FastifyReply): FastifyReply {
    const status = err instanceof HistoryFullError ? 503 : typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const stepId = ctxOf.get(req)?.stepId || outside.get(req)?.step.id || `${req.method} ${req.url}`;
    const id = errorId(stepId);
    const step = opts.recorder.get(stepId);
    if (step) {
      step.detail = { ...step.detail, serverError: { status, id, message: err.message } };
      opts.recorder.touch(step);
    }
    const encode = encoders.get(app);
    if (encode) return encode({ status, id, error: err }, req, reply);
    const out = opts.party === 'entra' ? oauthUnexpectedError(status, id, new Date(opts.clock.now()).toISOString()) : fleetUnexpectedError(status, id);
    return reply.code(status).header('content-type', out.contentType).send(out.body);
  }
  app.setErrorHandler(answerError);

  app.addHook('onSend', (req, reply, payload, done) => {
    // node:http would stamp the wall clock (sendDate); a header set here takes its place, so the Date a client sees
    // agrees with the lab clock after it was advanced.
    reply.header('date', new Date(opts.clock.now()).toUTCString());
    const o = outside.get(req);
    if (o) o.payload = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('latin1') : '';
    done(null, payload);
  });

  app.addHook('onResponse', (req, reply, done) => {
    const o = outside.get(req);
    if (o) {
      const headers = headerRecord(reply.getHeaders() as Record<string, string | string[] | number | undefined>);
      const text = isTextContentType(headers['content-type']);
      opts.recorder.close(o.step, {
        response: {
          status: reply.statusCode,
          headers,
          body: text ? o.payload : Buffer.from(o.payload, 'latin1').toString('base64'),
          ...(text ? {} : { bodyEncoding: 'base64' as const }),
        },
      });
    }
    done();
  });
  return app;
}

/**
 * Listen on a free port of 127.0.0.1, or of the party server's `listen` address; returns the base URL (https:// when
 * the server was made with TLS). That URL is what the server advertises (Fleet's server_url, Entra's issuer).
 */
export async function listenLoopback(app: FastifyInstance, port = 0): Promise<string> {
  const host = listenHosts.get(app) ?? '127.0.0.1';
  await app.listen({ host, port });
  const addr = app.server.address() as AddressInfo;
  return `${app.server instanceof HttpsServer ? 'https' : 'http'}://${isIP(host) === 6 ? `[${host}]` : host}:${addr.port}`;
}
