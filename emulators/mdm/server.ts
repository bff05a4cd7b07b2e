import type { FastifyInstance } from 'fastify';
import type { Lab } from '../lab/lab.js';
import { listenLoopback } from '../lab/server.js';
import { MDM_SCHEMA } from './store/schema.js';
import { createMdmContext, type MdmContext } from './context.js';
import { writeSettings, type MdmSettings } from './settings.js';
import { registerEnrollment } from './enrollment/routes.js';
import { registerManagement } from './management/routes.js';
import { registerOrbit } from './orbit/routes.js';
import { ensureIdentity } from './wstep/identity.js';

export interface MdmServerOptions {
  lab: Lab;
  port?: number;
  settings?: Partial<MdmSettings>;
}

export interface MdmServer {
  url: string;
  ctx: MdmContext;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Fleet's Windows MDM server (reference/fleet.md §2.1 routes), listening on 127.0.0.1. */
export async function startMdmServer(opts: MdmServerOptions): Promise<MdmServer> {
  const store = opts.lab.openStore('mdm', MDM_SCHEMA, { unlogged: ['lab_wstep_identity', 'lab_kv'] });
  const ctx = createMdmContext(opts.lab, store);
  // Fleet limits Microsoft MDM bodies (fleet.MaxMicrosoftMDMSize); 2 MiB here.
  const app = opts.lab.server('mdm', { bodyLimit: 2 * 1024 * 1024 });
  await registerEnrollment(app, ctx);
  await registerManagement(app, ctx);
  await registerOrbit(app, ctx);
  const url = await listenLoopback(app, opts.port ?? 0);
  writeSettings(store, { ...opts.settings, serverUrl: opts.settings?.serverUrl || url });
  const identity = await ensureIdentity(ctx);
  // Lets the timeline check STS / EUA token signatures (observation only).
  opts.lab.recorder.registerKey({ name: 'MDM WSTEP identity certificate', publicKey: identity.publicKey });
  return { url, ctx, app, close: () => app.close() };
}
