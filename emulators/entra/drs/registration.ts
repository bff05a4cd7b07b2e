import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EntraContext } from '../context.js';
import { DrsError, sendDrsError } from '../errors.js';
import { ENTRA_PATHS } from '../../protocols/paths/entra.js';
import { NS, parseSoapEnvelope, SOAP_CONTENT_TYPE } from '../../protocols/soap.js';
import { child, escapeXml, text } from '../../protocols/xml.js';

/**
 * DeviceRegistrationService.RegistrationEndpoint of DRS discovery (MS-DVRD 2.2.4.2): the WCF service of the
 * Device Registration Enrollment protocol (MS-DVRE), a WS-Trust RequestSecurityToken for *workplace join*
 * (Windows 8.1's "register a personal device"). Windows 10+ and libhimmelblau join through DeviceJoinService
 * (MS-DVRJ) instead, and the lab's tenant does not do workplace join, so this endpoint answers what a WCF service
 * answers a client it will not serve: SOAP 1.2 faults (SOAP 1.2 Part 1 §5.4; HTTP binding Part 2 §7.5.2: Sender →
 * 400, Receiver → 500). A well-formed RST gets a Receiver fault saying workplace join is not offered (text
 * UNCONFIRMED); anything else a Sender fault; GET is 405 (the service takes POST only). Nothing is written.
 */

const FAULT_ACTION = 'http://www.w3.org/2005/08/addressing/soap/fault';
const RST_ISSUE = `${NS.wst}/Issue`;

function fault(ctx: EntraContext, reply: FastifyReply, f: { code: 's:Sender' | 's:Receiver'; subcode: string; reason: string; relatesTo: string }): FastifyReply {
  const relates = f.relatesTo ? `<a:RelatesTo>${escapeXml(f.relatesTo)}</a:RelatesTo>` : '';
  const xml =
    `<s:Envelope xmlns:s="${NS.s}" xmlns:a="${NS.a}"><s:Header><a:Action s:mustUnderstand="1">${FAULT_ACTION}</a:Action>${relates}` +
    `<ActivityId CorrelationId="${ctx.lab.ids.uuid()}" xmlns="${NS.diag}">${ctx.lab.ids.uuid()}</ActivityId></s:Header>` +
    `<s:Body><s:Fault><s:Code><s:Value>${f.code}</s:Value><s:Subcode><s:Value>${escapeXml(f.subcode)}</s:Value></s:Subcode></s:Code>` +
    `<s:Reason><s:Text xml:lang="en-US">${escapeXml(f.reason)}</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`;
  return reply.code(f.code === 's:Sender' ? 400 : 500).header('content-type', SOAP_CONTENT_TYPE).send(xml);
}

function registration(ctx: EntraContext, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  let env;
  try {
    env = parseSoapEnvelope(req.rawBody);
  } catch {
    return fault(ctx, reply, { code: 's:Sender', subcode: 'a:InvalidMessage', reason: 'The message is not a SOAP 1.2 envelope.', relatesTo: '' });
  }
  const rst = env.messages.find((m) => m.localName === 'RequestSecurityToken');
  const requestType = rst ? text(child(rst, 'RequestType')).trim() : undefined;
  if (!rst || requestType !== RST_ISSUE) {
    return fault(ctx, reply, { code: 's:Sender', subcode: 'a:ActionNotSupported', reason: `The message with Action '${env.header.action}' is not a WS-Trust RequestSecurityToken Issue request (MS-DVRE 3.1.4.1).`, relatesTo: env.header.messageId });
  }
  return fault(ctx, reply, {
    code: 's:Receiver',
    subcode: 's:DeviceRegistrationServiceError',
    reason: 'Workplace join (MS-DVRE) is not enabled for this tenant. Join the device with DeviceJoinService (MS-DVRJ).',
    relatesTo: env.header.messageId,
  });
}

/** The registration endpoint, and the verbs of DRS's advertised endpoints the protocol does not use (405 with ErrorDetails). */
export function registerDrsRegistration(app: FastifyInstance, ctx: EntraContext): void {
  app.post(ENTRA_PATHS.drsRegistration, (req, reply) => registration(ctx, req, reply));
  app.get(ENTRA_PATHS.drsRegistration, (_req, reply) => reply.code(405).header('allow', 'POST').header('content-type', 'text/plain; charset=utf-8').send('Method not allowed.'));
  // MS-DVRJ 3.1.5.1: the join endpoint takes POST; a GET is refused with DRS's ErrorDetails.
  for (const path of [ENTRA_PATHS.drsJoin, ENTRA_PATHS.drsJoinNoSlash]) {
    app.get(path, (_req, reply) => sendDrsError(ctx, reply.header('allow', 'POST'), new DrsError(405, 'invalid_request', 'method_not_allowed', 'The join endpoint accepts POST requests only.')));
  }
  // MS-KPP 3.1.5.1.1: the key endpoint takes POST too.
  for (const path of [ENTRA_PATHS.drsKeyProvision, ENTRA_PATHS.drsKeyProvisionNoSlash]) {
    app.get(path, (_req, reply) => sendDrsError(ctx, reply.header('allow', 'POST'), new DrsError(405, 'invalid_request', 'method_not_allowed', 'The key provisioning endpoint accepts POST requests only.')));
  }
}
