import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { MdmContext } from '../context.js';
import { fleetError, sendFleetError, sendFleetJson } from '../fleet-error.js';
import { activitiesView, deviceMappingView, getHostView, hostActivitiesView, hostIdByIdentifier, listHostsView } from './host-view.js';
import { fleetApiToken } from './token.js';

/**
 * Fleet's REST host API and activity feed, read-only (server/service/handler.go: `/api/_version_/fleet/...`, served
 * under v1 and latest). Every call needs the admin API token; answers and errors are Fleet's JSON (json.Encoder with
 * two-space indent). Nothing here writes: bad input changes nothing.
 */

const VERSIONS = ['v1', 'latest'] as const;

/** fleet.AuthRequiredError as transport_error.go encodes it (the public message; the internal reason is logged). UNCONFIRMED reason text. */
export const AUTH_REQUIRED = fleetError('Authentication required');

/** ctxerr NotFound for a host id (server/datastore/mysql: notFound("Host").WithID(id)). */
export function hostNotFound(id: number | string) {
  return fleetError('Resource Not Found', `Host ${id} was not found in the datastore`);
}

/** fleet.HostIdentiferNotFound (server/fleet/hosts.go), the 404 of GET /hosts/identifier/:identifier. */
export const HOST_IDENTIFIER_NOT_FOUND =
  "Host doesn't exist. Make sure you provide a valid hostname, UUID, or serial number. Learn more about host identifiers: https://fleetdm.com/learn-more-about/host-identifiers";

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Fleet's auth: `Authorization: Bearer <token>` (a missing, malformed or unknown token is the same 401). */
function authorized(ctx: MdmContext, req: FastifyRequest): boolean {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer (\S+)$/i.exec(h) : null;
  return m !== null && sameToken(m[1]!, fleetApiToken(ctx));
}

/** The path id as Fleet's router takes it: `{id:[0-9]+}`, else no route (gorilla/mux's plain 404, UNCONFIRMED). */
function pathId(req: FastifyRequest): number | undefined {
  const raw = (req.params as { id?: string }).id ?? '';
  return /^[0-9]{1,15}$/.test(raw) ? Number(raw) : undefined;
}

type Read = (req: FastifyRequest, reply: FastifyReply) => FastifyReply;

function guarded(ctx: MdmContext, read: Read) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (!authorized(ctx, req)) return sendFleetError(reply, 401, AUTH_REQUIRED);
    return read(req, reply);
  };
}

function noRoute(reply: FastifyReply): FastifyReply {
  return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('404 page not found\n');
}

export function registerFleetApi(app: FastifyInstance, ctx: MdmContext): void {
  const byId = (view: (id: number) => unknown): Read => (req, reply) => {
    const id = pathId(req);
    if (id === undefined) return noRoute(reply);
    const body = ctx.store.read(() => view(id));
    return body === undefined ? sendFleetError(reply, 404, hostNotFound(id)) : sendFleetJson(reply, body);
  };
  for (const v of VERSIONS) {
    const base = `/api/${v}/fleet`;
    app.get(
      `${base}/hosts`,
      guarded(ctx, (req, reply) => {
        const q = req.query as { device_mapping?: string };
        return sendFleetJson(reply, ctx.store.read((db) => listHostsView(db, q.device_mapping === 'true' || q.device_mapping === '1')));
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
}
