import { FAULT_SUBCODES, buildResponseEnvelope, renderResponse, soapFaultBody } from '../soap.js';
import { MDE2 } from './envelope.js';

/** MS-MDE2 SOAP faults as Fleet sends them (fleet.md §2.8): which request a fault answers picks its Action. */

/** Which request a fault answers: it picks the fault's Action (fleet.md §2.8). */
export type Mde2MessageKind = 'discovery' | 'policy' | 'enrollment' | 'other';

const FAULT_ACTION: Record<Mde2MessageKind, string> = {
  discovery: MDE2.actions.discoverResponse,
  policy: MDE2.actions.getPoliciesResponse,
  enrollment: MDE2.actions.rstrc,
  other: MDE2.actions.diagnostics,
};

/** Server: a fault envelope exactly as Fleet sends it (HTTP 200; fleet.md §2.8). */
export function buildFault(o: { kind: Mde2MessageKind; relatesTo: string; activityId: string; reason: string; subcode?: string }): string {
  return renderResponse(
    buildResponseEnvelope({
      action: FAULT_ACTION[o.kind],
      relatesTo: o.relatesTo || 'invalid_message_id',
      activityId: o.activityId,
      body: soapFaultBody(o.subcode ?? FAULT_SUBCODES.messageFormat, o.reason),
    }),
  );
}
