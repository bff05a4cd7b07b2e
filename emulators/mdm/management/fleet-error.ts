import type { FastifyReply } from 'fastify';
import { MDM_NOT_CONFIGURED_MESSAGE } from '../enrollment/fleet-error.js';

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

/**
 * VerifyMDMWindowsConfigured returns fleet.ErrMDMNotConfigured (fleet.md §2.1), the same error and text as the
 * enrollment routes: HTTP 400, "MDM features aren't turned on in Fleet…" (not the Windows-specific message).
 */
export const MDM_NOT_CONFIGURED = fleetError(MDM_NOT_CONFIGURED_MESSAGE);
