import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import {
  BreakpointsRequestSchema, ClockAdvanceSchema, CompareRequestSchema, MdmSettingsPatchSchema, MfaAnswerSchema, DeviceCodeAnswerSchema, OpenBundleRequestSchema, QueueCommandRequestSchema, ScimUserRequestSchema, ControlRequestSchema, RunRequestSchema, type ApiError, type LabEvent,
} from '../contract.js';
import { SessionBusyError, type Session } from '../host/session.js';
import { toHar } from './har.js';
import { compareRuns } from '../compare/compare.js';

export interface UiServerOptions {
  session: Session;
  /** Built renderer (dist/renderer); when absent the API still works. */
  staticDir?: string;
  port?: number;
  /** Fixed token (tests); default: random per launch. */
  token?: string;
}

export interface UiServer {
  url: string;
  /** The URL to open: carries the per-launch token. */
  openUrl: string;
  token: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Strict CSP: only our own scripts; CodeMirror injects <style> elements, hence 'unsafe-inline' for styles only. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function tokenOf(req: FastifyRequest): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const q = (req.query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' ? q : null;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function bad(reply: FastifyReply, status: number, error: string, detail?: unknown): FastifyReply {
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

/** A handler whose JSON body must match `schema`: 400 with zod's error tree otherwise, before `fn` runs. */
function withBody<T>(schema: z.ZodType<T>, fn: (body: T, req: FastifyRequest, reply: FastifyReply) => unknown) {
  return (req: FastifyRequest, reply: FastifyReply) => {
    const body = parse(schema, req.body, reply);
    return body === null ? reply : fn(body, req, reply);
  };
}

/** The UI API: REST for commands, server-sent events for the live timeline; loopback only, token-guarded. */
export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const { session } = opts;
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 * 1024 }); // bundles with snapshots can be large

  app.addHook('onSend', (_req, reply, payload, done) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    done(null, payload);
  });
  app.addHook('onRequest', (req, reply, done) => {
    if (!req.url.startsWith('/api/')) return done();
    const t = tokenOf(req);
    if (!t || !sameToken(t, token)) {
      bad(reply, 401, 'missing or wrong UI token');
      return;
    }
    done();
  });

  app.get('/api/state', () => session.state());
  app.get('/api/steps', () => session.steps());
  app.get('/api/scenarios', () => session.scenarios());
  app.get('/api/db', (req, reply) => {
    const q = parse(z.object({ step: z.coerce.number().int().min(-1) }), req.query, reply);
    if (!q) return reply;
    try {
      return session.dbView(q.step);
    } catch (e) {
      return bad(reply, 404, (e as Error).message);
    }
  });
  app.get('/api/export', (_req, reply) => {
    reply.header('content-disposition', `attachment; filename="enrollscope-${session.state().runId}.json"`);
    return session.bundle({ snapshots: true });
  });
  // Open a saved run (a bundle file the user picked) in place of the live one, until the next Run or Reset.
  app.post('/api/open', withBody(OpenBundleRequestSchema, (body) => {
    session.open(body.bundle);
    return session.state();
  }));
  app.get('/api/export.har', (_req, reply) => {
    reply.header('content-disposition', `attachment; filename="enrollscope-${session.state().runId}.har"`);
    return toHar(session.steps());
  });

  app.get('/api/runs', () => session.runs());
  // One run's bundle without snapshots (`current` is the run on screen): the compare view shows its steps.
  app.get('/api/runs/:runId', (req, reply) => {
    const { runId } = req.params as { runId: string };
    return session.bundleOf(runId) ?? bad(reply, 404, `no run ${runId}`);
  });
  // Compare two runs of this session by id (`current` is the run on screen): GET /api/compare?a=run-1&b=run-2.
  app.get('/api/compare', (req, reply) => {
    const q = parse(z.object({ a: z.string().min(1), b: z.string().min(1) }), req.query, reply);
    if (!q) return reply;
    const a = session.bundleOf(q.a);
    const b = session.bundleOf(q.b);
    if (!a || !b) return bad(reply, 404, `no run ${!a ? q.a : q.b}`);
    return compareRuns(a, b);
  });
  // Compare two saved bundles (files the user opened).
  app.post('/api/compare', withBody(CompareRequestSchema, (body) => compareRuns(body.a, body.b)));

  // The trainer's console. Errors: 409 when a run is in progress or no device is enrolled, 400 for bad input.
  const consoleAction = async <T>(reply: FastifyReply, fn: () => T | Promise<T>) => {
    try {
      return await fn();
    } catch (e) {
      return bad(reply, e instanceof SessionBusyError ? 409 : 400, (e as Error).message);
    }
  };
  app.post('/api/mdm/commands', withBody(QueueCommandRequestSchema, (body, _req, reply) => consoleAction(reply, () => session.queueCommand(body.raw))));
  app.post('/api/device/sync', (_req, reply) => consoleAction(reply, async () => (await session.syncDevice(), session.state())));
  app.post('/api/mdm/scim-users', withBody(ScimUserRequestSchema, (body, _req, reply) =>
    consoleAction(reply, () => (session.createScimUser(body.userName, body.emails), { ok: true })),
  ));
  app.get('/api/mdm/settings', () => session.mdmSettings());
  app.put('/api/mdm/settings', withBody(MdmSettingsPatchSchema, (body, _req, reply) => consoleAction(reply, () => session.updateMdmSettings(body))));

  // The user's other screen: device codes to enter and MFA pushes to answer (entra-mde2.md §5.3, §5.5).
  app.get('/api/entra/pending', () => session.entraPending());
  app.post('/api/entra/mfa/:id', withBody(MfaAnswerSchema, (body, req, reply) =>
    consoleAction(reply, () => (session.answerMfa((req.params as { id: string }).id, body.approve), session.entraPending())),
  ));
  app.post('/api/entra/device-codes/:userCode', withBody(DeviceCodeAnswerSchema, (body, req, reply) =>
    consoleAction(reply, () => (session.answerDeviceCode((req.params as { userCode: string }).userCode, body), session.entraPending())),
  ));

  app.post('/api/run', withBody(RunRequestSchema, async (body, _req, reply) => {
    try {
      await session.run(body.scenario, body.options, body.stepMode, body.seed);
    } catch (e) {
      return bad(reply, 400, (e as Error).message);
    }
    return session.state();
  }));
  app.post('/api/control', withBody(ControlRequestSchema, (body) => {
    const ok = session.control(body.action, body.edited);
    return { ok, state: session.state() };
  }));
  app.post('/api/clock/advance', withBody(ClockAdvanceSchema, (body) => {
    session.advanceClock(body.ms);
    return session.state();
  }));
  app.put('/api/breakpoints', withBody(BreakpointsRequestSchema, (body) => {
    session.setBreakpoints(body.breakpoints);
    return session.state();
  }));

  app.get('/api/events', (req, reply) => {
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
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { url, openUrl: `${url}/?token=${token}`, token, app, close: () => app.close() };
}
