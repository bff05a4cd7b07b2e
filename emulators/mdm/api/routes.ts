import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MdmContext } from '../context.js';
import { fleetError, sendFleetError, sendFleetJson } from '../fleet-error.js';
import { activitiesView, deviceMappingView, getHostView, hostActivitiesView, hostIdByIdentifier, listHostsView } from './host-view.js';
import { API_VERSIONS, guarded } from './auth.js';
import { registerLogin } from './login.js';
import { registerConfig } from './config.js';
import { registerEnrollSecrets } from './enroll-secrets.js';
import { registerScim } from './scim.js';
import { registerCommands } from './commands.js';
import { registerLabApi } from './lab.js';

export { AUTH_REQUIRED } from './auth.js';

/**
 * Fleet's REST host API and activity feed, read-only (server/service/handler.go: `/api/_version_/fleet/...`, served
 * under v1 and latest). Every call needs the admin API token; answers and errors are Fleet's JSON (json.Encoder with
 * two-space indent). The reads are here; each write resource has its module (login, config, enroll-secrets, scim,
 * commands) and the lab-only switches theirs (lab.ts). Bad input changes nothing.
 */

/** ctxerr NotFound for a host id (server/datastore/mysql: notFound("Host").WithID(id)). */
export function hostNotFound(id: number | string) {
  return fleetError('Resource Not Found', `Host ${id} was not found in the datastore`);
}

/** fleet.HostIdentiferNotFound (server/fleet/hosts.go), the 404 of GET /hosts/identifier/:identifier. */
export const HOST_IDENTIFIER_NOT_FOUND =
  "Host doesn't exist. Make sure you provide a valid hostname, UUID, or serial number. Learn more about host identifiers: https://fleetdm.com/learn-more-about/host-identifiers";

/** The path id as Fleet's router takes it: `{id:[0-9]+}`, else no route (gorilla/mux's plain 404, UNCONFIRMED). */
function pathId(req: FastifyRequest): number | undefined {
  const raw = (req.params as { id?: string }).id ?? '';
  return /^[0-9]{1,15}$/.test(raw) ? Number(raw) : undefined;
}

type Read = (req: FastifyRequest, reply: FastifyReply) => FastifyReply;

function noRoute(reply: FastifyReply): FastifyReply {
  return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('404 page not found\n');
}

export function registerFleetApi(app: FastifyInstance, ctx: MdmContext, opts: { labApi: boolean } = { labApi: true }): void {
  const byId = (view: (id: number) => unknown): Read => (req, reply) => {
    const id = pathId(req);
    if (id === undefined) return noRoute(reply);
    const body = ctx.store.read(() => view(id));
    return body === undefined ? sendFleetError(reply, 404, hostNotFound(id)) : sendFleetJson(reply, body);
  };
  for (const v of API_VERSIONS) {
    const base = `/api/${v}/fleet`;
    app.get(
      `${base}/hosts`,
      guarded(ctx, (req, reply) => {
        const q = req.query as { device_mapping?: string; query?: string };
        return sendFleetJson(reply, ctx.store.read((db) => listHostsView(db, q.device_mapping === 'true' || q.device_mapping === '1', typeof q.query === 'string' ? q.query.trim() : undefined)));
      }),
    );
    app.get(`${base}/hosts/:id`, guarded(ctx, byId((id) => ctx.store.read((db) => getHostView(db, id)))));
    app.get(`${base}/hosts/:id/device_mapping`, guarded(ctx, byId((id) => ctx.store.read((db) => deviceMappingView(db, id)))));
    app.get(`${base}/hosts/:id/activities`, guarded(ctx, byId((id) => ctx.store.read((db) => hostActivitiesView(db, id)))));
    app.get(
      `${base}/hosts/identifier/:identifier`,
      guarded(ctx, (req, reply) => {
        const identifier = (req.params as { identifier: string }).identifier;
        const body = ctx.store.read((db) => {
          const id = hostIdByIdentifier(db, identifier);
          return id === undefined ? undefined : getHostView(db, id);
        });
        return body ? sendFleetJson(reply, body) : sendFleetError(reply, 404, fleetError('Resource Not Found', HOST_IDENTIFIER_NOT_FOUND));
      }),
    );
    app.get(`${base}/activities`, guarded(ctx, (_req, reply) => sendFleetJson(reply, ctx.store.read((db) => activitiesView(db)))));
  }
  // The writes an admin makes, as Fleet takes them.
  registerLogin(app, ctx);
  registerConfig(app, ctx);
  registerEnrollSecrets(app, ctx);
  registerScim(app, ctx);
  registerCommands(app, ctx);
  // What Fleet has no API for: the lab's switches, under /lab/v1/mdm.
  // The lab's own switches (no Fleet API); left out, a path under /lab/v1/mdm is Go's plain 404, as on a real Fleet.
  if (opts.labApi) registerLabApi(app, ctx);
}
