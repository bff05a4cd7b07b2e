import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { uiRoutes } from '../contract.js';
import type { World } from '../../emulators/scenarios/world.js';
import type { LabTls } from '../../emulators/lab/tls.js';
import { LiveRun } from '../host/live-run.js';
import { TrainerConsole } from '../host/console.js';
import { bad, fromOwnPage, loopbackApiApp, register, sameToken, tokenOf } from './server.js';

export interface LabPhoneOptions {
  world: World;
  /** HTTPS on the lab CA's certificate, as the world's servers (serve --tls). */
  tls?: LabTls | null;
  port?: number;
  /** Fixed token (tests); default: random per launch. */
  token?: string;
}

export interface LabPhone {
  /** Base URL of the lab API: `GET {url}/api/entra/pending`, `POST {url}/api/entra/mfa/:id`, `POST {url}/api/entra/device-codes/:userCode`. */
  url: string;
  /** Bearer token every call needs (`Authorization: Bearer …` or `?token=`). */
  token: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * The user's phone for `serve`: the three calls of the UI API with which the lab answers what waits for the user at
 * Entra (device codes to enter, MFA pushes to approve or deny; entra-mde2.md §5.3, §5.5), served on their own
 * loopback port with their own token, so that an outside client (himmelblau, a Windows VM, a test) that started a
 * sign-in against `serve` can have it finished without the UI. Same routes table, same console code path as the UI.
 */
export async function startLabPhone(opts: LabPhoneOptions): Promise<LabPhone> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const app = loopbackApiApp(64 * 1024, opts.tls);
  // serve has no scenario: a live run over its world, only so the console acts on it as it does in the UI.
  const live = new LiveRun('serve', opts.world, { step: () => undefined, changed: () => undefined, ended: () => undefined });
  const phone = new TrainerConsole({ liveRun: () => live, keepSettings: () => undefined });

  app.addHook('onRequest', (req, reply, done) => {
    // Outside clients send no Origin; a page of another site that learnt the token, or a DNS-rebound name, is refused
    // as the UI API refuses it.
    if (!fromOwnPage(req, opts.tls ? 'https' : 'http', (app.server.address() as AddressInfo).port)) {
      bad(reply, 403, 'request from another origin refused');
      return;
    }
    const t = tokenOf(req);
    if (!t || !sameToken(t, token)) {
      reply.header('www-authenticate', 'Bearer realm="enrollscope-lab"');
      bad(reply, 401, 'missing or wrong lab token');
      return;
    }
    done();
  });
  const answer = <T>(reply: FastifyReply, fn: () => T) => {
    try {
      return fn();
    } catch (e) {
      return bad(reply, 400, (e as Error).message);
    }
  };
  register(app, uiRoutes.entraPending, (_in, reply) => answer(reply, () => phone.entraPending()));
  register(app, uiRoutes.answerMfa, ({ params, body }, reply) => answer(reply, () => phone.answerMfa(params.id, body.approve)));
  register(app, uiRoutes.answerDeviceCode, ({ params, body }, reply) => answer(reply, () => phone.answerDeviceCode(params.userCode, body)));
  app.setNotFoundHandler((req, reply) => bad(reply, 404, `no route ${req.method} ${req.url.split('?')[0]}`));

  await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { url, token, app, close: () => app.close() };
}
