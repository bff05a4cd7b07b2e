import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MdmContext } from './context.js';
import type { FleetJsonError } from '../protocols/fleet-api.js';

export type { FleetJsonError };

export function fleetError(message: string, reason = message, uuid?: string): FleetJsonError {
  return { message, errors: [{ name: 'base', reason }], ...(uuid && { uuid }) };
}

/** A JSON body as Fleet writes it: json.Encoder with SetIndent("", "  "), as every Fleet JSON error (and the orbit bodies, §4.1). */
export function sendFleetJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.header('content-type', 'application/json; charset=utf-8').send(`${JSON.stringify(body, null, 2)}\n`);
}

export function sendFleetError(reply: FastifyReply, status: number, body: FleetJsonError): FastifyReply {
  return sendFleetJson(reply.code(status), body);
}

/** fleet.BadRequestError from SoapRequestContainer.DecodeBody: HTTP 400 "Bad request". */
export function sendBadRequest(reply: FastifyReply, reason: string): FastifyReply {
  return sendFleetError(reply, 400, fleetError('Bad request', reason));
}

/** fleet.ErrMDMNotConfigured (server/fleet/errors.go MDMNotConfiguredMessage): HTTP 400. */
export const MDM_NOT_CONFIGURED_MESSAGE =
  "MDM features aren't turned on in Fleet. For more information about setting up MDM, please visit https://fleetdm.com/docs/using-fleet";

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> | FastifyReply;

/**
 * mdmConfiguredMiddleware.VerifyWindowsMDM / VerifyMDMWindowsConfigured (fleet.md §2.1): Windows MDM off → HTTP 400
 * with fleet.ErrMDMNotConfigured on every enrollment and management route (not the Windows-specific message).
 */
export function verifyWindowsMdm(ctx: MdmContext, handler: Handler): Handler {
  return (req, reply) => (ctx.settings().windowsMdmEnabled ? handler(req, reply) : sendFleetError(reply, 400, fleetError(MDM_NOT_CONFIGURED_MESSAGE)));
}
