import type { FastifyInstance } from 'fastify';
import type { MdmContext } from '../context.js';
import { fleetError, sendFleetError, sendFleetJson } from '../fleet-error.js';
import { deleteHostRows } from '../store/host-delete.js';
import { guarded } from './auth.js';

/** handler.go: DELETE /api/_version_/fleet/hosts/{id:[0-9]+} → deleteHostEndpoint (the lab serves v1 and latest). */
export const HOST_DELETE_PATHS = ['/api/v1/fleet/hosts/:id', '/api/latest/fleet/hosts/:id'] as const;

export function hostDeletePath(hostId: number | string): string {
  return `/api/v1/fleet/hosts/${hostId}`;
}

export type DeleteHostResult = { ok: true } | { ok: false; status: 404; message: string };

/**
 * Service.DeleteHost: HostLite(id) first, so an unknown id is notFound("Host").WithID(id), which the encoder writes as
 * 404 "Resource Not Found" with reason "Host <id> was not found in the datastore" (server/service/transport_error.go);
 * then ds.DeleteHost in one transaction (store/host-delete.ts).
 */
export function deleteHost(ctx: MdmContext, hostId: number): DeleteHostResult {
  const deleted = ctx.store.tx((db) => deleteHostRows(db, hostId));
  return deleted ? { ok: true } : { ok: false, status: 404, message: `Host ${hostId} was not found in the datastore` };
}

/**
 * The route, behind the admin API token as every Fleet REST route (handler.go registers it on the authenticated
 * endpointer: no token is the 401 before anything is looked up). The id must be digits, as Fleet's route pattern.
 */
export function registerHostDelete(app: FastifyInstance, ctx: MdmContext): void {
  for (const path of HOST_DELETE_PATHS) {
    app.delete(
      path,
      guarded(ctx, (req, reply) => {
        const raw = (req.params as { id: string }).id;
        if (!/^[0-9]+$/.test(raw)) return sendFleetError(reply, 404, fleetError('Resource Not Found', `${req.url} was not found`));
        const r = deleteHost(ctx, Number(raw));
        if (!r.ok) return sendFleetError(reply, 404, fleetError('Resource Not Found', r.message));
        return sendFleetJson(reply, {});
      }),
    );
  }
}
