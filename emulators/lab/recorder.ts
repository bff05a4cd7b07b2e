import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Step, DbChange, PartyId, HttpResponseRecord, TokenView } from './step.js';
import type { RawChange } from './changelog.js';
import type { LabClock } from './clock.js';
import { findTokens, type RegisteredKey } from './tokens.js';
import { decodeProtocol } from './protocol-facts.js';
import { stepKind } from '../protocols/steps.js';

/** A step as a party opens it; the title defaults to the catalog's. */
export type StepDraft = Pick<Step, 'kind' | 'from' | 'to' | 'catalogId' | 'observedBy'> &
  Partial<Pick<Step, 'title' | 'request' | 'detail' | 'prompt'>>;

export interface StepClose {
  response?: HttpResponseRecord;
  error?: string;
  detail?: Record<string, unknown>;
}

/** How many steps one lab keeps in memory (each with its snapshots): a run past it stops with HistoryFullError. */
export const MAX_STEPS = 50_000;

/** The lab's in-memory history is full: the run stops here rather than exhaust the machine's memory. */
export class HistoryFullError extends Error {
  override name = 'HistoryFullError';
  constructor(limit: number) {
    super(`the lab keeps at most ${limit.toLocaleString('en-US')} steps in memory and this run reached it: start a new run (Reset), or split the work into shorter runs`);
  }
}

/**
 * The timeline: opens a step when a message starts, closes it with the response, the tokens found in both
 * directions and the DB rows its handling wrote. Emits `step` on every change so the UI updates live.
 */
export class Recorder extends EventEmitter<{ step: [Step]; closed: [Step]; reset: [] }> {
  private readonly list: Step[] = [];
  private readonly byId = new Map<string, Step>();
  private readonly keys: RegisteredKey[] = [];
  private readonly startedHr = new Map<string, bigint>();
  /** The request (and its body) a step's protocol facts were last decoded from, while the step is open. */
  private readonly decodedRequest = new Map<string, { request: Step['request']; body: string | undefined }>();
  /** Steps opened in this run (light mode keeps none of them in `list`). */
  private opened = 0;
  /** Light mode's step id suffix, made once. */
  private lightTag: string | undefined;

  /** `seed`: a seeded lab's step ids come from the seed (not from its id stream), so two runs of it share them. */
  constructor(
    private readonly clock: LabClock,
    private readonly seed: string | null = null,
    private readonly maxSteps = MAX_STEPS,
    /** Load mode: a step lives only while open (no history, no token or protocol decoding for a UI nobody watches). */
    private readonly light = false,
  ) {
    super();
  }

  /** `s<n>-<suffix>`: unique in the run; the suffix is the seed's (deterministic) or the moment's. */
  private stepId(n: number): string {
    // Load mode: one hash per lab, not per step (a device opens ~60 steps); still unique to this lab.
    if (this.light) return `s${n}-${(this.lightTag ??= this.seed === null ? process.hrtime.bigint().toString(36) : createHash('sha256').update(`enrollscope light lab: ${this.seed}`).digest().readUIntBE(0, 6).toString(36))}`;
    if (this.seed === null) return `s${n}-${process.hrtime.bigint().toString(36)}`;
    return `s${n}-${createHash('sha256').update(`enrollscope step ${n}: ${this.seed}`).digest().readUIntBE(0, 6).toString(36)}`;
  }

  /** Public keys of token issuers (Entra's JWKS, the MDM WSTEP identity) so token views can check signatures. */
  registerKey(key: RegisteredKey): void {
    this.keys.push(key);
  }

  get registeredKeys(): readonly RegisteredKey[] {
    return this.keys;
  }

  open(draft: StepDraft): Step {
    if (!this.light && this.list.length >= this.maxSteps) throw new HistoryFullError(this.maxSteps);
    const n = this.opened++;
    const step: Step = {
      ...draft,
      title: draft.title ?? stepKind(draft.catalogId).title,
      protocol: { kind: 'local' },
      // Step ids are not drawn from the seeded stream: recording must not shift the parties' ids.
      id: this.stepId(n + 1),
      index: n,
      status: 'pending',
      startedAt: this.clock.now(),
      durationMs: 0,
      tokens: [],
      changes: [],
    };
    this.byId.set(step.id, step);
    this.startedHr.set(step.id, process.hrtime.bigint());
    if (this.light) return step;
    if (step.kind === 'http') this.decodeRequest(step);
    this.list.push(step);
    this.tokensFor(step);
    this.emit('step', step);
    return step;
  }

  /** Load mode: steps live only while open (the party servers then record no steps for outside requests). */
  get isLight(): boolean {
    return this.light;
  }

  /** How many steps this run opened (in light mode `all()` keeps none). */
  get count(): number {
    return this.opened;
  }

  get(id: string): Step | undefined {
    return this.byId.get(id);
  }

  all(): readonly Step[] {
    return this.list;
  }

  /** Re-emit after a field changed (status, edited request). */
  touch(step: Step): void {
    if (this.light) return;
    if (step.request) {
      this.tokensFor(step);
      // Decode again only when the request changed (edited at the gate, or its body arrived at a server).
      const seen = this.decodedRequest.get(step.id);
      if (step.kind === 'http' && (seen?.request !== step.request || seen.body !== step.request.body)) this.decodeRequest(step);
    }
    this.emit('step', step);
  }

  /**
   * The gate let the step go: it is on the wire now. Its time is the lab clock's at this moment (the user may have
   * advanced the clock while it waited) and its duration counts from here; the wait is kept apart as `heldMs`.
   */
  sent(step: Step, opts: { held: boolean }): void {
    const t0 = this.startedHr.get(step.id);
    const now = process.hrtime.bigint();
    if (opts.held && t0 !== undefined) step.heldMs = Number(now - t0) / 1e6;
    this.startedHr.set(step.id, now);
    step.startedAt = this.clock.now();
    step.status = 'sent';
    this.touch(step);
  }

  addChanges(stepId: string, party: PartyId, changes: RawChange[]): void {
    if (this.light) return;
    const step = this.byId.get(stepId);
    if (!step) return;
    step.changes.push(...changes.map((c): DbChange => ({ party, ...c })));
    this.emit('step', step);
  }

  close(step: Step, result: StepClose): Step {
    const t0 = this.startedHr.get(step.id);
    step.durationMs = t0 === undefined ? 0 : Number(process.hrtime.bigint() - t0) / 1e6;
    this.startedHr.delete(step.id);
    if (result.response) step.response = result.response;
    if (result.detail) step.detail = { ...step.detail, ...result.detail };
    if (result.error !== undefined) step.error = result.error;
    step.status = result.error !== undefined ? 'error' : 'done';
    if (this.light) {
      this.byId.delete(step.id);
      this.emit('closed', step);
      return step;
    }
    this.tokensFor(step);
    if (step.kind === 'http') step.protocol = decodeProtocol(step.request, step.response);
    this.decodedRequest.delete(step.id);
    this.emit('step', step);
    this.emit('closed', step);
    return step;
  }

  private decodeRequest(step: Step): void {
    step.protocol = decodeProtocol(step.request, undefined);
    this.decodedRequest.set(step.id, { request: step.request, body: step.request?.body });
  }

  private tokensFor(step: Step): void {
    const now = this.clock.now();
    const found: TokenView[] = [];
    const scan = (text: string | undefined, where: string) => {
      if (!text) return;
      for (const t of findTokens(text, where, this.keys, now)) if (!found.some((f) => f.raw === t.raw)) found.push(t);
    };
    const req = step.request;
    if (req) {
      for (const [k, v] of Object.entries(req.headers)) scan(v, `request header ${k}`);
      if (req.bodyEncoding !== 'base64') scan(safeDecode(req.body), 'request body');
      scan(req.url, 'request URL');
    }
    const res = step.response;
    if (res) {
      for (const [k, v] of Object.entries(res.headers)) scan(v, `response header ${k}`);
      if (res.bodyEncoding !== 'base64') scan(res.body, 'response body');
    }
    if (step.detail) scan(JSON.stringify(step.detail), 'detail');
    step.tokens = found;
  }

  /** Forget every step (a new run). */
  reset(): void {
    this.list.length = 0;
    this.opened = 0;
    this.byId.clear();
    this.startedHr.clear();
    this.decodedRequest.clear();
    this.emit('reset');
  }
}

/** Form bodies carry tokens percent-encoded. */
function safeDecode(body: string): string {
  if (!body.includes('%')) return body;
  try {
    return `${body}\n${decodeURIComponent(body.replace(/\+/g, ' '))}`;
  } catch {
    return body;
  }
}
