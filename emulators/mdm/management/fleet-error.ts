import type { FastifyReply } from 'fastify';

/**
 * Fleet's JSON error body (server/service/transport_error.go): `{"message", "errors":[{"name":"base","reason"}]}`,
 * plus a `uuid` on server errors.
 */
export interface FleetJsonError {
  message: string;
  errors: { name: string; reason: string }[];
  uuid?: string;
}

export function fleetError(message: string, reason = message, uuid?: string): FleetJsonError {
  return { message, errors: [{ name: 'base', reason }], ...(uuid && { uuid }) };
}

export function sendFleetError(reply: FastifyReply, status: number, body: FleetJsonError): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(`${JSON.stringify(body, null, 2)}\n`);
}

/** fleet.ErrMDMNotConfigured for Windows (fleet.md §2.1): HTTP 400. */
export const MDM_NOT_CONFIGURED = fleetError(
  "MDM features aren't turned on in Fleet. For more information about setting up MDM, please visit https://fleetdm.com/learn-more-about/windows-mdm",
);
