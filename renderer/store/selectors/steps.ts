import type { PartyIdT, Step } from '../../../app/contract';
import { protocolSummary } from '../../lib/protocol';
import { pathOf } from '../../lib/format';
import { LANE_ORDER } from '../../lib/parties';
import type { InspectorTab, StepFilter } from '../ui';
import { claimValue } from '../../lib/claims';
import { searchWords } from '../../lib/search';

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

/** The most of one body (or local step detail) the search reads: enough for any SOAP/SyncML message the lab sends. */
export const SEARCH_BODY_LIMIT = 256 * 1024;

/** Where in a step a searched word was found: what the list row says, and the inspector tab that shows it. */
export interface SearchField {
  start: number;
  label: string;
  tab: InspectorTab;
}

/**
 * A step's search index: one lower-case text of everything a person may look for (title, path, parties, then
 * URL, headers, text bodies, decoded token claims, SyncML targets (CSP paths), DB tables and values), the parts
 * separated by NUL so a word never spans two, and where each part starts. `titleEnd` ends the part the row shows.
 */
export interface SearchIndex {
  hay: string;
  titleEnd: number;
  fields: SearchField[];
}

const SEP = '\u0000';
const cap = (s: string) => (s.length > SEARCH_BODY_LIMIT ? s.slice(0, SEARCH_BODY_LIMIT) : s);
const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** Form bodies carry `@` and spaces percent-encoded (`username=alice%40…`): search the decoded form too. */
function bodyText(body: string): string {
  if (!body.includes('%')) return body;
  try {
    return `${body} ${decodeURIComponent(body.replace(/\+/g, ' '))}`;
  } catch {
    return body;
  }
}

function buildIndex(step: Step): SearchIndex {
  const parts: string[] = [`${step.index + 1} ${step.title} ${step.catalogId} ${stepPath(step)} ${step.from} ${step.to} ${stepAction(step)} ${stepStatus(step)}`.toLowerCase()];
  let at = parts[0]!.length + 1;
  const fields: SearchField[] = [];
  const add = (label: string, tab: InspectorTab, value: string) => {
    if (!value) return;
    const v = value.toLowerCase();
    fields.push({ start: at, label, tab });
    parts.push(v);
    at += v.length + 1;
  };
  const message = (side: 'request' | 'response', m: Step['request'] | Step['response']) => {
    if (!m) return;
    for (const [k, v] of Object.entries(m.headers)) add(`${side} header ${k}`, side, `${k}: ${v}`);
    // Binary bodies (the MSI download) are base64: nothing a person would type.
    if (m.bodyEncoding !== 'base64') add(`${side} body`, side, bodyText(cap(m.body)));
  };
  if (step.request) add('URL', 'request', step.request.url);
  message('request', step.request);
  message('response', step.response);
  if (step.originalRequest && step.originalRequest.bodyEncoding !== 'base64') add('original request body', 'request', cap(step.originalRequest.body));
  if (step.detail) add('detail', 'request', cap(JSON.stringify(step.detail)));
  if (step.prompt) add('prompt', 'request', step.prompt.text);
  if (step.error) add('error', 'response', step.error);
  for (const t of step.tokens) {
    for (const [k, v] of Object.entries(t.payload ?? {})) add(`claim ${k}`, 'tokens', `${k} ${claimValue(k, v)}`);
    for (const [k, v] of Object.entries(t.header)) add(`token header ${k}`, 'tokens', `${k} ${text(v)}`);
  }
  const p = step.protocol;
  if (p.kind === 'soap') {
    add('SOAP action', 'request', p.action ?? '');
    add('SOAP action', 'response', p.replyAction ?? '');
  }
  if (p.kind === 'syncml') {
    for (const [side, msg] of [['request', p.request], ['response', p.reply]] as const) {
      for (const c of msg?.commands ?? []) {
        add(`CSP ${c.verb}`, side, c.target ?? '');
        add(`SyncML ${c.verb} data`, side, c.data ?? '');
      }
    }
  }
  if (p.kind !== 'local' && p.error) add('error', 'response', p.error);
  for (const c of step.changes) {
    add(`db ${c.table}`, 'db', `${c.party} ${c.table}`);
    const cols = new Set([...Object.keys(c.before ?? {}), ...Object.keys(c.after ?? {})]);
    for (const k of cols) {
      const b = text(c.before?.[k]);
      const a = text(c.after?.[k]);
      add(`db ${c.table}.${k}`, 'db', b === a || !b ? a : a ? `${b} ${a}` : b);
    }
  }
  return { hay: parts.join(SEP), titleEnd: parts[0]!.length, fields };
}

/** A step's search index, built on its first search and once per step version (the store replaces a step object when it changes). */
const searchIndexes = new WeakMap<Step, SearchIndex>();
export function searchIndex(step: Step): SearchIndex {
  let idx = searchIndexes.get(step);
  if (idx === undefined) {
    idx = buildIndex(step);
    searchIndexes.set(step, idx);
  }
  return idx;
}

/** A step's search text (see searchIndex). */
export function searchText(step: Step): string {
  return searchIndex(step).hay;
}

/** Does a step pass the list filter (party on either end, status, and every word of the text anywhere in the step)? */
export function stepMatches(step: Step, f: StepFilter): boolean {
  if (f.party && step.from !== f.party && step.to !== f.party) return false;
  if (!statusMatches(step, f.status)) return false;
  const words = searchWords(f.text);
  if (words.length === 0) return true;
  const hay = searchText(step);
  return words.every((w) => hay.includes(w));
}

/**
 * Why a step matched the words when its row does not show it: the first part (body, header, claim, CSP path, DB
 * table or column) holding a word the row's own text lacks, with the tab that shows it. Null when the row shows it all.
 */
export function matchReason(step: Step, words: readonly string[]): { label: string; tab: InspectorTab } | null {
  if (words.length === 0) return null;
  const idx = searchIndex(step);
  for (const w of words) {
    const at = idx.hay.indexOf(w);
    if (at < 0) return null;
    if (at < idx.titleEnd) continue;
    let lo = 0;
    let hi = idx.fields.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (idx.fields[mid]!.start <= at) lo = mid;
      else hi = mid - 1;
    }
    const f = idx.fields[lo];
    if (f) return { label: f.label, tab: f.tab };
  }
  return null;
}

/** The last filtering, so that typing on (`ali` → `alic`) only re-checks the steps that matched already. */
let lastFilter: { steps: readonly (Step | undefined)[]; f: StepFilter; out: number[] } | null = null;

/** Indices of the steps the list shows, in order. */
export function filterSteps(steps: readonly (Step | undefined)[], f: StepFilter): number[] {
  const all = !f.text.trim() && !f.party && !f.status;
  if (all) {
    const out: number[] = [];
    for (let i = 0; i < steps.length; i++) if (steps[i]) out.push(i);
    return out;
  }
  const prev = lastFilter;
  if (prev && prev.steps === steps && prev.f.party === f.party && prev.f.status === f.status) {
    if (prev.f.text === f.text) return prev.out;
    // Text that extends the last one matches a subset of its steps: every old word is kept or lengthened.
    if (prev.f.text.trim() && f.text.startsWith(prev.f.text)) {
      const out = prev.out.filter((i) => stepMatches(steps[i]!, f));
      lastFilter = { steps, f, out };
      return out;
    }
  }
  const out: number[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s && stepMatches(s, f)) out.push(i);
  }
  lastFilter = { steps, f, out };
  return out;
}

/**
 * Build the search index of the steps from `from` on while `hasTime()` says there is time left (an idle
 * callback's deadline), so the first search of a long run does not wait for it; returns where it stopped.
 */
export function indexSteps(steps: readonly (Step | undefined)[], from: number, hasTime: () => boolean): number {
  let i = from;
  while (i < steps.length && hasTime()) {
    const s = steps[i++];
    if (s) searchIndex(s);
  }
  return i;
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
