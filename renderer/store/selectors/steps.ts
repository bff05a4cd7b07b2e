import type { PartyIdT, Step } from '../../../app/contract';
import { protocolSummary } from '../../lib/protocol';
import { pathOf } from '../../lib/format';
import { LANE_ORDER } from '../../lib/parties';
import type { StepFilter } from '../ui';

/** What a row calls the step: the SOAP action or SyncML commands of its request, else the method. */
export function stepAction(step: Step): string {
  if (step.kind === 'local') return 'local';
  const req = step.request;
  if (!req) return '';
  const summary = protocolSummary(step.protocol);
  return summary ? `${req.method} ${summary}` : req.method;
}

export function stepPath(step: Step): string {
  return step.request ? pathOf(step.request.url) : '';
}

/** The status a row shows: the HTTP status once answered, else where the step is (waiting, sent, error). */
export function stepStatus(step: Step): string {
  if (step.response) return String(step.response.status);
  if (step.status === 'done') return step.kind === 'local' ? 'ok' : 'done';
  return step.status;
}

export function statusTone(step: Step): 'ok' | 'warn' | 'error' | 'pending' {
  if (step.status === 'error') return 'error';
  if (step.status === 'waiting' || step.status === 'pending' || step.status === 'sent') return 'pending';
  const s = step.response?.status;
  if (s === undefined) return 'ok';
  if (s >= 400) return 'error';
  if (s >= 300) return 'warn';
  // Fleet answers SOAP faults with HTTP 200 (NewSoapFault): the row still shows them as failures.
  return step.protocol.kind === 'soap' && step.protocol.fault ? 'error' : 'ok';
}

function statusMatches(step: Step, want: string): boolean {
  if (!want) return true;
  const status = step.response?.status;
  if (/^\dxx$/i.test(want)) return status !== undefined && String(status)[0] === want[0];
  if (/^\d{3}$/.test(want)) return String(status) === want;
  if (want === 'prompt') return !!step.prompt;
  return step.status === want;
}

/** A step's search text, built once per step version (the store replaces a step object when it changes). */
const searchIndex = new WeakMap<Step, string>();
export function searchText(step: Step): string {
  let hay = searchIndex.get(step);
  if (hay === undefined) {
    hay = `${step.index + 1} ${step.title} ${step.catalogId} ${stepPath(step)} ${step.from} ${step.to} ${stepAction(step)} ${stepStatus(step)}`.toLowerCase();
    searchIndex.set(step, hay);
  }
  return hay;
}

/** Does a step pass the list filter (party on either end, status, and free text over title, path, parties)? */
export function stepMatches(step: Step, f: StepFilter): boolean {
  if (f.party && step.from !== f.party && step.to !== f.party) return false;
  if (!statusMatches(step, f.status)) return false;
  const q = f.text.trim().toLowerCase();
  if (!q) return true;
  const hay = searchText(step);
  return q.split(/\s+/).every((w) => hay.includes(w));
}

/** Indices of the steps the list shows, in order. */
export function filterSteps(steps: readonly (Step | undefined)[], f: StepFilter): number[] {
  const out: number[] = [];
  const all = !f.text.trim() && !f.party && !f.status;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s && (all || stepMatches(s, f))) out.push(i);
  }
  return out;
}

/** The diagram's lanes: the six lab parties always, the outside client only once one has spoken. */
export function lanesOf(steps: readonly (Step | undefined)[]): PartyIdT[] {
  const external = steps.some((s) => s && (s.from === 'external' || s.to === 'external'));
  return LANE_ORDER.filter((p) => p !== 'external' || external);
}

/** Prompts to the user so far, in order, with their counts. */
export function promptsOf(steps: readonly (Step | undefined)[]): Step[] {
  return steps.filter((s): s is Step => !!s?.prompt);
}

/**
 * Why a request failed, in the server's own words, short: Fleet's JSON `message` / `errors[].reason`
 * (END_USER_AUTH_REQUIRED), an OAuth `error`, a SOAP fault's reason (the recorder decoded it: step.protocol).
 * Null when the step did not fail.
 */
export function errorGist(step: Step): string | null {
  if (step.error && !step.response) return step.error.slice(0, 80);
  const p = step.protocol;
  if (p.kind === 'local') return null;
  return p.error ? p.error.slice(0, 80) : null;
}
