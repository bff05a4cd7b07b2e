import type { FastifyReply } from 'fastify';

/**
 * Fleet's JSON error body (server/service/transport_error.go encodeError): a message and a list of
 * `{name: "base", reason}`. Used where Fleet answers outside SOAP: MDM turned off, unparseable SOAP, page errors.
 */
export interface FleetJsonError {
  message: string;
  errors: { name: string; reason: string }[];
}

/** fleet.ErrMDMNotConfigured (server/fleet/errors.go MDMNotConfiguredMessage): HTTP 400. */
export const MDM_NOT_CONFIGURED_MESSAGE =
  "MDM features aren't turned on in Fleet. For more information about setting up MDM, please visit https://fleetdm.com/docs/using-fleet";

export function sendFleetError(reply: FastifyReply, status: number, message: string, reason = message): FastifyReply {
  const body: FleetJsonError = { message, errors: [{ name: 'base', reason }] };
  // encodeError writes with json.Encoder SetIndent("", "  "), as every Fleet JSON error (and the orbit bodies, §4.1).
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(`${JSON.stringify(body, null, 2)}\n`);
}

/** fleet.BadRequestError from SoapRequestContainer.DecodeBody: HTTP 400 "Bad request". */
export function sendBadRequest(reply: FastifyReply, reason: string): FastifyReply {
  return sendFleetError(reply, 400, 'Bad request', reason);
}
