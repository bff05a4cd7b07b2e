import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MdmContext } from '../context.js';
import { parseSoapEnvelope, SoapParseError, SOAP_CONTENT_TYPE, type SoapEnvelope } from '../../protocols/soap.js';
import { buildFault, type Mde2MessageKind } from '../../protocols/mde2/fault.js';
import { sendBadRequest } from '../fleet-error.js';

/**
 * One MS-MDE2 SOAP endpoint as Fleet runs it (fleet.md §2.1, §2.8): unparseable XML → HTTP 400 Fleet JSON; any
 * other failure → a SOAP fault with HTTP 200, subcode s:messageformat, the error text as reason, the Action of
 * the endpoint, a fresh ActivityId and RelatesTo = the request's MessageID.
 */
export function sendSoap(reply: FastifyReply, xml: string): FastifyReply {
  return reply.code(200).header('content-type', SOAP_CONTENT_TYPE).send(xml);
}

export function sendFault(ctx: MdmContext, reply: FastifyReply, kind: Mde2MessageKind, relatesTo: string, reason: string): FastifyReply {
  return sendSoap(reply, buildFault({ kind, relatesTo, activityId: ctx.lab.ids.uuid(), reason }));
}

export function soapEndpoint(
  ctx: MdmContext,
  kind: Mde2MessageKind,
  handle: (env: SoapEnvelope) => Promise<string> | string,
): (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  return async (req, reply) => {
    let env: SoapEnvelope;
    try {
      env = parseSoapEnvelope(req.rawBody ?? '');
    } catch (e) {
      if (e instanceof SoapParseError) return sendBadRequest(reply, `unmarshalling soap mdm request: ${e.message}`);
      throw e;
    }
    try {
      return sendSoap(reply, await handle(env));
    } catch (e) {
      // Fleet turns every endpoint error into a fault, internal ones included (GetAuthorizedSoapFault).
      return sendFault(ctx, reply, kind, env.header.messageId, (e as Error).message);
    }
  };
}
