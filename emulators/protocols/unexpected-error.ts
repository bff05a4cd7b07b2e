import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { OAuthErrorResponse } from './oauth.js';

/**
 * The body a party answers when something it did not expect went wrong (a handler threw, the framework refused the
 * request before any handler: body too large, unreadable body). The client sees the party's own error shape with
 * the HTTP status text, never the internal message; that stays on the lab's step with the same id.
 */
export interface UnexpectedErrorReply {
  contentType: string;
  body: string;
}

/** A uuid from the step id, so a seeded run answers the same bytes (RFC 9562 layout, version 4 bits). */
export function errorId(stepId: string): string {
  const h = createHash('sha256').update(`enrollscope error: ${stepId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Fleet's JSON error (server/service/transport_error.go encodeError): `{message, errors:[{name:"base",reason}]}`,
 * indented by json.Encoder SetIndent("", "  "), a `uuid` on server errors.
 */
export function fleetUnexpectedError(status: number, id: string): UnexpectedErrorReply {
  const text = STATUS_CODES[status] ?? 'Internal Server Error';
  const body = { message: text, errors: [{ name: 'base', reason: text }], ...(status >= 500 && { uuid: id }) };
  return { contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(body, null, 2)}\n` };
}

/**
 * Entra's OAuth error (RFC 6749 §5.2 with error_codes and the trace lines): `server_error` AADSTS50000 ("There was an
 * error issuing a token or an issue with our sign-in service") for its own faults, `invalid_request` AADSTS9002313
 * ("Invalid request. Request is malformed or invalid.") for a request refused before any handler.
 */
export function oauthUnexpectedError(status: number, id: string, atIso: string): UnexpectedErrorReply {
  const [error, code, text] =
    status >= 500
      ? ['server_error', 50000, 'There was an error issuing a token or an issue with our sign-in service.']
      : ['invalid_request', 9002313, 'Invalid request. Request is malformed or invalid.'];
  const at = atIso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const body: OAuthErrorResponse = {
    error: error as string,
    error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${id}\r\nCorrelation ID: ${id}\r\nTimestamp: ${at}`,
    error_codes: [code as number],
    timestamp: at,
    trace_id: id,
    correlation_id: id,
  };
  return { contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) };
}
