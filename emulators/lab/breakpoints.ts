import { z } from 'zod';
import { PartyIdSchema, StepKindIdSchema, type Step } from './step.js';

/**
 * A breakpoint is data (so the UI can show, save and send it) that compiles to a predicate on a step about to
 * be sent. Every field given must match.
 */
export const BreakpointSchema = z.object({
  id: z.string().min(1).max(64),
  /** A kind of protocol step (the step catalog): stop before every step of that kind. */
  catalogId: StepKindIdSchema.optional(),
  /** Party that sends or receives the step. */
  party: PartyIdSchema.optional(),
  /** Substring of the request path. */
  path: z.string().max(512).optional(),
  /** SOAP action (a:Action), matched as a suffix so `RST/wstep` finds the enroll request. */
  soapAction: z.string().max(512).optional(),
  /** A SyncML command of the request (Alert, Get, Exec, Replace, Results, Status...). */
  syncmlCommand: z.string().max(32).optional(),
  /** A claim name, or `name=value`, in a JWT carried by the request. */
  tokenClaim: z.string().max(256).optional(),
  enabled: z.boolean().optional(),
});
export type Breakpoint = z.infer<typeof BreakpointSchema>;

function claimMatches(step: Step, spec: string): boolean {
  const [name, value] = spec.split('=', 2) as [string, string | undefined];
  return step.tokens.some((t) => {
    const v = t.payload?.[name];
    return v !== undefined && (value === undefined || String(v) === value);
  });
}

export function matches(bp: Breakpoint, step: Step): boolean {
  if (bp.enabled === false) return false;
  if (bp.catalogId && step.catalogId !== bp.catalogId) return false;
  const req = step.request;
  if (bp.party && step.from !== bp.party && step.to !== bp.party) return false;
  if (bp.path) {
    if (!req) return false;
    let path = req.url;
    try {
      path = new URL(req.url).pathname;
    } catch {
      /* a relative URL is its own path */
    }
    if (!path.includes(bp.path)) return false;
  }
  // The recorder decoded the request's protocol facts once (step.protocol); breakpoints read them, never the body.
  const p = step.protocol;
  if (bp.soapAction) {
    const action = p.kind === 'soap' ? p.action : null;
    if (!action || !action.endsWith(bp.soapAction)) return false;
  }
  if (bp.syncmlCommand) {
    const msg = p.kind === 'syncml' ? p.request : null;
    const hit = bp.syncmlCommand === 'Status' ? (msg?.statuses.length ?? 0) > 0 : (msg?.commands ?? []).some((c) => c.verb === bp.syncmlCommand);
    if (!hit) return false;
  }
  if (bp.tokenClaim && !claimMatches(step, bp.tokenClaim)) return false;
  return Boolean(bp.catalogId || bp.party || bp.path || bp.soapAction || bp.syncmlCommand || bp.tokenClaim);
}
