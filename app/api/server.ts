import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { uiEvents, uiRoutes, type ApiError, type ApiRoute, type LabEvent, type LabState, type RouteArgs, type RouteReply } from '../contract.js';
import { SessionBusyError, type Session } from '../host/session.js';
import { toHar } from './har.js';
import { redactBundle } from './redact.js';
import { KeysLeftError, withoutKeys } from './strip-keys.js';
import { compareRuns } from '../compare/compare.js';
import { fleetProfileInfos } from '../host/fleet-profiles.js';
import type { LabTls } from '../../emulators/lab/tls.js';
import { SLOW_CLIENT_LIMITS } from '../../emulators/lab/server.js';
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';

export interface UiServerOptions {
  session: Session;
  /** Built renderer (dist/renderer); when absent the API still works. */
  staticDir?: string;
  port?: number;
  /** Fixed token (tests); default: random per launch. */
  token?: string;
  /** Serve the UI over HTTPS on the lab CA's server certificate (ui --tls); default plain HTTP on loopback. */
  tls?: LabTls | null;
}

export interface UiServer {
  url: string;
  /** The URL to open: carries the per-launch token. */
  openUrl: string;
  token: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A fastify for one of the host's own loopback APIs (the UI API, the lab phone): a slow-loris client is cut off as the
 * parties' servers cut it off (headers within 10 s, the whole request within 30 s; emulators/lab/server.ts). A
 * server-sent event stream is a response, which no request timeout limits.
 */
export function loopbackApiApp(bodyLimit: number, tls: LabTls | null | undefined): FastifyInstance {
  const timeouts = { headersTimeout: SLOW_CLIENT_LIMITS.headersTimeoutMs, requestTimeout: SLOW_CLIENT_LIMITS.requestTimeoutMs, connectionsCheckingInterval: SLOW_CLIENT_LIMITS.checkIntervalMs };
  const serverFactory = (handler: RequestListener) => (tls ? createHttpsServer({ key: tls.keyPem, cert: tls.certPem, ...timeouts }, handler) : createHttpServer(timeouts, handler));
  // An HTTPS server is typed apart; the routes and hooks are the same.
  return Fastify({ logger: false, bodyLimit, serverFactory }) as unknown as FastifyInstance;
}

/**
 * Strict CSP: only our own scripts; CodeMirror injects <style> elements, hence 'unsafe-inline' for styles only. The
 * Electron shell (main/index.cts) enforces the same string on every response it loads (a test holds the two equal).
 */
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function tokenOf(req: FastifyRequest): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const q = (req.query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' ? q : null;
}

/**
 * A UI API call comes from the UI's own page or from a client that is not a browser. A browser names the page that
 * made a call in `Origin` (on every cross-origin request and on same-origin POST/PUT; Fetch standard §3.1), so any
 * other Origin is another site's page the user has open, refused even if it learnt the token. `Host` must be the
 * loopback name the server listens on: a page on a DNS-rebound name (evil.example → 127.0.0.1) is same-origin to
 * the browser but still sends its own name as Host.
 */
export function fromOwnPage(req: FastifyRequest, scheme: 'http' | 'https', port: number): boolean {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!hosts.includes(req.headers.host ?? '')) return false;
  const origin = req.headers.origin;
  return origin === undefined || hosts.some((h) => origin === `${scheme}://${h}`);
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function bad(reply: FastifyReply, status: number, error: string, detail?: unknown): FastifyReply {
  const body: ApiError = detail === undefined ? { error } : { error, detail };
  return reply.code(status).send(body);
}

function parse<T>(schema: z.ZodType<T>, body: unknown, reply: FastifyReply): T | null {
  const r = schema.safeParse(body);
  if (!r.success) {
    bad(reply, 400, 'invalid request', z.treeifyError(r.error));
    return null;
  }
  return r.data;
}

/** A UI API handler: gets the call's parsed params, query and body; answers its reply, or an error sent on `reply`. */
export type Handler<R extends ApiRoute> = (input: RouteArgs<R>, reply: FastifyReply, req: FastifyRequest) => RouteReply<R> | FastifyReply | Promise<RouteReply<R> | FastifyReply>;

/** Register one call of the routes table: params, query and body must match its schemas (400 with zod's error tree otherwise) before `handler` runs. */
export function register<R extends ApiRoute>(app: FastifyInstance, route: R, handler: Handler<R>): void {
  app.route({
    method: route.method,
    url: route.path,
    handler: (req, reply) => {
      const input: Record<string, unknown> = {};
      for (const [part, schema, value] of [['params', route.params, req.params], ['query', route.query, req.query], ['body', route.body, req.body]] as const) {
        if (!schema) continue;
        const parsed = parse(schema as z.ZodType, value, reply);
        if (parsed === null) return reply;
        input[part] = parsed;
      }
      return handler(input as RouteArgs<R>, reply, req);
    },
  });
}

/** The UI API: REST for commands, server-sent events for the live timeline; loopback only, token-guarded. */
/** A bug report's file is named for what reproduces it: the scenario and the seed. */
function exportName(state: LabState, ext: string): string {
  const safe = (v: string) => v.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `enrollscope-${safe(state.scenario ?? 'run')}-seed-${safe(state.seed ?? 'none')}${ext}`;
}

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const { session } = opts;
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const app = loopbackApiApp(256 * 1024 * 1024, opts.tls); // bundles with snapshots can be large

  app.addHook('onSend', (_req, reply, payload, done) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    done(null, payload);
  });
  app.addHook('onRequest', (req, reply, done) => {
    if (!req.url.startsWith('/api/')) return done();
    if (!fromOwnPage(req, opts.tls ? 'https' : 'http', (app.server.address() as AddressInfo).port)) {
      bad(reply, 403, 'request from another origin refused');
      return;
    }
    const t = tokenOf(req);
    if (!t || !sameToken(t, token)) {
      bad(reply, 401, 'missing or wrong UI token');
      return;
    }
    done();
  });

  const serve = <R extends ApiRoute>(route: R, handler: Handler<R>) => register(app, route, handler);
  serve(uiRoutes.state, () => session.state());
  serve(uiRoutes.steps, () => session.steps());
  serve(uiRoutes.scenarios, () => session.scenarios());
  serve(uiRoutes.db, ({ query }, reply) => {
    try {
      return session.dbView(query.step);
    } catch (e) {
      return bad(reply, 404, (e as Error).message);
    }
  });
  serve(uiRoutes.fleetView, ({ query }, reply) => {
    try {
      return session.fleetView(query.step);
    } catch (e) {
      return bad(reply, 404, (e as Error).message);
    }
  });
  serve(uiRoutes.export, ({ query }, reply) => {
    // Three forms (SECURITY.md): everything; without the lab servers' private keys (snapshots kept); redacted.
    const redact = query.redact === '1';
    const keyless = !redact && query.without_keys === '1';
    if (redact) {
      reply.header('content-disposition', `attachment; filename="${exportName(session.state(), '-redacted.json')}"`);
      return redactBundle(session.bundle({ snapshots: false }));
    }
    if (!keyless) {
      reply.header('content-disposition', `attachment; filename="${exportName(session.state(), '.json')}"`);
      return session.bundle({ snapshots: true });
    }
    try {
      const stripped = withoutKeys(session.bundle({ snapshots: true }));
      reply.header('content-disposition', `attachment; filename="${exportName(session.state(), '-without-keys.json')}"`);
      return stripped;
    } catch (e) {
      // A key the stripper could not take out: no file rather than one that still holds it.
      if (e instanceof KeysLeftError) return bad(reply, 500, e.message);
      throw e;
    }
  });
  serve(uiRoutes.exportHar, (_in, reply) => {
    reply.header('content-disposition', `attachment; filename="${exportName(session.state(), '.har')}"`);
    return toHar(session.steps());
  });
  serve(uiRoutes.open, ({ body }) => {
    session.open(body.bundle);
    return session.state();
  });
  serve(uiRoutes.closeSaved, () => {
    session.closeSaved();
    return session.state();
  });

  serve(uiRoutes.runs, () => session.runs());
  serve(uiRoutes.runBundle, ({ params }, reply) => session.bundleOf(params.runId) ?? bad(reply, 404, `no run ${params.runId}`));
  serve(uiRoutes.compareRuns, ({ query }, reply) => {
    const a = session.bundleOf(query.a);
    const b = session.bundleOf(query.b);
    if (!a || !b) return bad(reply, 404, `no run ${!a ? query.a : query.b}`);
    return compareRuns(a, b);
  });
  serve(uiRoutes.compareBundles, ({ body }) => compareRuns(body.a, body.b));

  // The trainer's console. Every call answers once its work is done: 409 when a run is in progress, no device is
  // enrolled or a saved run is open; 400 for bad input or a refusal of the work itself.
  const consoleAction = async <T>(reply: FastifyReply, fn: () => T | Promise<T>) => {
    try {
      return await fn();
    } catch (e) {
      return bad(reply, e instanceof SessionBusyError ? 409 : 400, (e as Error).message);
    }
  };
  const trainer = session.console;
  serve(uiRoutes.queueCommand, ({ body }, reply) => consoleAction(reply, () => trainer.queueCommand(body.raw)));
  serve(uiRoutes.syncDevice, (_in, reply) => consoleAction(reply, async () => (await trainer.syncDevice(), session.state())));
  serve(uiRoutes.createScimUser, ({ body }, reply) => consoleAction(reply, () => trainer.createScimUser(body.userName, body.emails)));
  serve(uiRoutes.mdmSettings, (_in, reply) => consoleAction(reply, () => trainer.mdmSettings()));
  serve(uiRoutes.updateMdmSettings, ({ body }, reply) => consoleAction(reply, () => trainer.updateMdmSettings(body)));

  // The user's other screen: device codes to enter and MFA pushes to answer (entra-mde2.md §5.3, §5.5).
  serve(uiRoutes.entraPending, (_in, reply) => consoleAction(reply, () => trainer.entraPending()));
  serve(uiRoutes.answerMfa, ({ params, body }, reply) => consoleAction(reply, () => trainer.answerMfa(params.id, body.approve)));
  serve(uiRoutes.answerDeviceCode, ({ params, body }, reply) => consoleAction(reply, () => trainer.answerDeviceCode(params.userCode, body)));

  serve(uiRoutes.fleetProfiles, () => fleetProfileInfos());
  serve(uiRoutes.compareProfiles, async ({ body }, reply) => {
    let ids;
    try {
      ids = await session.runProfiles(body.scenario, body.options, body.a, body.b, body.seed);
    } catch (e) {
      return bad(reply, 400, (e as Error).message);
    }
    const a = session.bundleOf(ids.a);
    const b = session.bundleOf(ids.b);
    if (!a || !b) return bad(reply, 409, 'a run of the comparison was reset before it ended');
    return { ...ids, result: compareRuns(a, b) };
  });
  serve(uiRoutes.run, async ({ body }, reply) => {
    try {
      await session.run(body.scenario, body.options, body.stepMode, body.seed, body.tls, body.fleet, body.tpm);
    } catch (e) {
      return bad(reply, 400, (e as Error).message);
    }
    return session.state();
  });
  // Reset answers once the fresh world is there, with its state, or with why it could not be made.
  serve(uiRoutes.control, async ({ body }, reply) => {
    try {
      const ok = await session.control(body.action, body.edited);
      return { ok, state: session.state() };
    } catch (e) {
      return bad(reply, 500, (e as Error).message);
    }
  });
  serve(uiRoutes.advanceClock, ({ body }) => {
    session.advanceClock(body.ms);
    return session.state();
  });
  serve(uiRoutes.setBreakpoints, ({ body }) => {
    session.setBreakpoints(body.breakpoints);
    return session.state();
  });
  serve(uiRoutes.clearBreakpoints, () => {
    session.clearBreakpoints();
    return session.state();
  });

  app.get(uiEvents.path, (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'content-security-policy': CSP,
    });
    const send = (ev: LabEvent) => res.write(`data: ${JSON.stringify(ev)}\n\n`);
    send({ type: 'reset', state: session.state() });
    for (const step of session.steps()) send({ type: 'step', step });
    const listener = (ev: LabEvent) => send(ev);
    session.on('event', listener);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.raw.on('close', () => {
      clearInterval(ping);
      session.off('event', listener);
    });
  });

  if (opts.staticDir && existsSync(opts.staticDir)) {
    await app.register(fastifyStatic, { root: opts.staticDir, index: ['index.html'] });
  } else {
    app.get('/', (_req, reply) => reply.type('text/html').send('<!doctype html><title>Enrollscope</title><p>The UI is not built: run <code>npm run build</code>.</p>'));
  }
  app.setNotFoundHandler((req, reply) => bad(reply, 404, `no route ${req.method} ${req.url.split('?')[0]}`));

  await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { url, openUrl: `${url}/?token=${token}`, token, app, close: () => app.close() };
}
