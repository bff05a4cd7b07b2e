import type { FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { MdmContext } from '../context.js';
import { fleetError, sendFleetError, type FleetJsonError } from '../fleet-error.js';
import { fleetApiToken } from './token.js';

/** fleet.AuthRequiredError as transport_error.go encodes it (the public message; the internal reason is logged). UNCONFIRMED reason text. */
export const AUTH_REQUIRED = fleetError('Authentication required');

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Fleet's auth (server/service/endpoint_middleware.go authenticatedUser): `Authorization: Bearer <token>`; a missing, malformed or unknown token is the same 401. */
export function authorized(ctx: MdmContext, req: FastifyRequest): boolean {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer (\S+)$/i.exec(h) : null;
  return m !== null && sameSecret(m[1]!, fleetApiToken(ctx));
}

export type Handler = (req: FastifyRequest, reply: FastifyReply) => FastifyReply | Promise<FastifyReply>;

/** A route that needs the admin API token: 401 before anything is read or written. */
export function guarded(ctx: MdmContext, handler: Handler): Handler {
  return async (req, reply) => (authorized(ctx, req) ? handler(req, reply) : sendFleetError(reply, 401, AUTH_REQUIRED));
}

/** fleet.InvalidArgumentError (server/fleet/errors.go): 422 "Validation Failed" with one entry per argument, unless WithStatus. */
export function invalidArgument(name: string, reason: string): FleetJsonError {
  return { message: 'Validation Failed', errors: [{ name, reason }] };
}

/** A JSON body error: the endpointer's decoder answers fleet.BadRequestError "json decoder error" (server/platform/endpointer, UNCONFIRMED reason). */
export const JSON_DECODE_ERROR = fleetError('Bad request', 'json decoder error');

/** The request body as one JSON object, or undefined when it is not one (the caller answers JSON_DECODE_ERROR). */
export function jsonObject(req: FastifyRequest): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(req.rawBody === '' ? 'null' : req.rawBody);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Fleet serves its REST API under v1 and latest (handler.go `/api/_version_/fleet/...`). */
export const API_VERSIONS = ['v1', 'latest'] as const;
