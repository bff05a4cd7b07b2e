import type { FastifyInstance, FastifyReply } from 'fastify';
import { ENTRA_PATHS } from '../../protocols/paths/entra.js';
import type { EntraContext } from '../context.js';
import { DrsError, OAuthError, sendDrsError } from '../errors.js';
import { resolveTenant } from '../directory.js';
import { sendJson, type TenantRequest } from '../http.js';
import { drsDiscovery, drsNonce } from './discovery.js';
import { joinDevice } from './join.js';
import { provisionKey } from './key.js';

/** Run a DRS handler: DrsError (and an OAuthError from the bearer check) → DRS's JSON error; anything else is a server fault. */
async function drs(ctx: EntraContext, reply: FastifyReply, fn: () => Promise<unknown> | unknown): Promise<FastifyReply> {
  try {
    return sendJson(reply, 200, await fn());
  } catch (e) {
    if (e instanceof DrsError) return sendDrsError(ctx, reply, e);
    if (e instanceof OAuthError) return sendDrsError(ctx, reply, new DrsError(e.status, e.error, `AADSTS${e.code}`, e.description));
    throw e;
  }
}

function resolveDrsTenant(ctx: EntraContext, segment: string) {
  try {
    return resolveTenant(ctx, segment);
  } catch {
    throw new DrsError(404, 'tenant_not_found', 'unknown_tenant', `Tenant '${segment}' is not known to this registration service.`);
  }
}

/** The Device Registration Service (entra-mde2.md §2–§3): discovery, nonce, join and Windows Hello key registration, on the Entra server. */
export function registerDrs(app: FastifyInstance, ctx: EntraContext): void {
  app.get(ENTRA_PATHS.drsDiscover(':tenant'), (req: TenantRequest, reply) => drs(ctx, reply, () => drsDiscovery(ctx, resolveDrsTenant(ctx, req.params.tenant))));
  const nonce = (req: TenantRequest, reply: FastifyReply) => drs(ctx, reply, () => (resolveDrsTenant(ctx, req.params.tenant), drsNonce(ctx, req.params.tenant)));
  app.get(ENTRA_PATHS.drsNonce(':tenant'), nonce);
  app.post(ENTRA_PATHS.drsNonce(':tenant'), nonce);
  const join = (req: TenantRequest, reply: FastifyReply) =>
    drs(ctx, reply, () => {
      const v = req.query['api-version'];
      if (v !== '2.0' && v !== '1.0') throw new DrsError(400, 'invalid_request', 'unsupported_api_version', `api-version '${v ?? ''}' is not supported (2.0, 1.0).`);
      return joinDevice(ctx, req.headers.authorization, req.rawBody);
    });
  app.post(ENTRA_PATHS.drsJoin, join);
  app.post(ENTRA_PATHS.drsJoinNoSlash, join);
  // MS-KPP 3.1.5.1.1: Windows Hello key registration; every answer carries a request-id (MS-KPP 2.2.1.3).
  const key = (req: TenantRequest, reply: FastifyReply) =>
    drs(ctx, reply, () => {
      reply.header('request-id', ctx.lab.ids.uuid());
      const h = req.headers;
      return provisionKey(ctx, { apiVersion: req.query['api-version'] ?? (typeof h['api-version'] === 'string' ? h['api-version'] : undefined), accept: h.accept, authorization: h.authorization, rawBody: req.rawBody });
    });
  app.post(ENTRA_PATHS.drsKeyProvision, key);
  app.post(ENTRA_PATHS.drsKeyProvisionNoSlash, key);
}
