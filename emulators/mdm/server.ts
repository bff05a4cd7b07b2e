import type { FastifyInstance } from 'fastify';
import type { Lab } from '../lab/lab.js';
import { listenLoopback, setPartyErrorEncoder } from '../lab/server.js';
import { mdmSchema } from './store/schema.js';
import { createMdmContext, type MdmContext } from './context.js';
import { writeSettings, type MdmSettings } from './settings.js';
import { registerEnrollment } from './enrollment/routes.js';
import { registerManagement } from './management/routes.js';
import { ensureFleetdBaseMsi, registerFleetdDownloads } from './management/fleetd-base.js';
import { registerOrbit } from './orbit/routes.js';
import { ensureGlobalEnrollSecret } from './orbit/enroll.js';
import { registerSso } from './sso/routes.js';
import { registerHostDelete } from './api/host-delete.js';
import { ensureIdentity, type WstepIdentity } from './wstep/identity.js';
import { registerFleetApi } from './api/routes.js';
import { fleetError, sendFleetError } from './fleet-error.js';

export interface MdmServerOptions {
  lab: Lab;
  port?: number;
  settings?: Partial<MdmSettings>;
  /** false: no /lab/v1/mdm routes, so outside clients meet the API surface of a real Fleet (serve --fleet-api-only). */
  labApi?: boolean;
}

export interface MdmServer {
  url: string;
  ctx: MdmContext;
  app: FastifyInstance;
  close(): Promise<void>;
}

// RFC 9110 §8.3.1 media-type: type "/" subtype, each a token, then parameters (which fastify reads leniently).
const MEDIA_TYPE = /^\s*[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+\s*(;|$)/;

/**
 * Fleet's handlers read the body whatever its Content-Type says (Go's net/http parses no media type); fastify
 * answers a type it cannot parse with its own 415 JSON (FST_ERR_CTP_INVALID_MEDIA_TYPE) before any route runs. Such
 * a type is read as octet-stream, so the route gives its own answer. The lab's recorder has already kept the header.
 */
function readAnyContentType(app: FastifyInstance): void {
  app.addHook('onRequest', (req, _reply, done) => {
    const ct = req.headers['content-type'];
    if (ct !== undefined && !MEDIA_TYPE.test(ct)) req.headers['content-type'] = 'application/octet-stream';
    done();
  });
}

/**
 * Errors no route answered, as Fleet's transport_error.go encodes them: a body over the limit is the size-limit
 * middleware's 413 (fleet.MaxMicrosoftMDMSize, the same answer the management route gives), any other a Fleet JSON
 * error with its status, and a thrown error a 500 whose text stays in the log (Fleet's "internal server error"
 * hides ctxerr causes from clients: transport_error.go, non-user errors).
 */
function fleetErrors(app: FastifyInstance): void {
  setPartyErrorEncoder(app, ({ status, id }, _req, reply) => {
    if (status === 413) return sendFleetError(reply, 413, fleetError('request body too large'));
    if (status < 500) return sendFleetError(reply, status, fleetError('Bad request', 'invalid request'));
    return sendFleetError(reply, status, fleetError('internal server error', 'internal server error', id));
  });
  // A path no route takes: gorilla/mux's default NotFoundHandler (net/http NotFound), not fastify's JSON.
  app.setNotFoundHandler((_req, reply) => reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('404 page not found\n'));
}

/** Every route group of the MDM server, in order (paths in protocols/paths/mdm.ts). */
function registerRoutes(app: FastifyInstance, ctx: MdmContext, labApi: boolean): void {
  // MS-MDE2 enrollment: entry point, discovery, policy, enroll, and the STS auth / Terms of Use pages.
  registerEnrollment(app, ctx);
  // OMA-DM management sessions (SyncML 1.2).
  registerManagement(app, ctx);
  // The fleetd-base MSI and its metadata, which the install command points the device at.
  registerFleetdDownloads(app, ctx);
  // Orbit's enroll and config.
  registerOrbit(app, ctx);
  // The SSO pages orbit opens on END_USER_AUTH_REQUIRED (the second prompt).
  registerSso(app, ctx);
  // Fleet's REST API: DELETE /api/v1/fleet/hosts/:id.
  registerHostDelete(app, ctx);
  // Fleet's REST host API and activity feed (GET /api/v1/fleet/hosts/:id, /activities), admin token.
  registerFleetApi(app, ctx, { labApi });
}

/**
 * The data the server starts with, each made only when the DB has none: the fleetd-base MSI, the global enroll
 * secret, the settings (server_url defaults to where the server listens) and the WSTEP identity certificate.
 */
async function seed(ctx: MdmContext, settings: Partial<MdmSettings>, url: string): Promise<WstepIdentity> {
  ensureFleetdBaseMsi(ctx);
  ensureGlobalEnrollSecret(ctx);
  writeSettings(ctx.store, { ...settings, serverUrl: settings.serverUrl || url });
  return ensureIdentity(ctx);
}

/** Fleet's Windows MDM server (reference/fleet.md §2.1 routes), listening on 127.0.0.1. */
export async function startMdmServer(opts: MdmServerOptions): Promise<MdmServer> {
  const store = opts.lab.openStore('mdm', mdmSchema(opts.settings?.fleetProfile), { unlogged: ['lab_wstep_identity', 'lab_kv'] });
  const ctx = createMdmContext(opts.lab, store);
  // Fleet limits Microsoft MDM bodies (fleet.MaxMicrosoftMDMSize); 2 MiB here.
  const app = opts.lab.server('mdm', { bodyLimit: 2 * 1024 * 1024 });
  readAnyContentType(app);
  fleetErrors(app);
  registerRoutes(app, ctx, opts.labApi ?? true);
  const url = await listenLoopback(app, opts.port ?? 0);
  const identity = await seed(ctx, opts.settings ?? {}, url);
  // Lets the timeline check STS / EUA token signatures (observation only).
  opts.lab.recorder.registerKey({ name: 'MDM WSTEP identity certificate', publicKey: identity.publicKey });
  return { url, ctx, app, close: () => app.close() };
}
