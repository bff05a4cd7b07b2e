import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { LabClock } from './clock.js';
import { LabIds } from './ids.js';
import { KeyFactory } from './keys.js';
import { Recorder } from './recorder.js';
import { Gate } from './gate.js';
import { Store } from './store.js';
import { Snapshots } from './snapshots.js';
import { currentStep, runInStep } from './context.js';
import { sendHttp, type PeerTrust } from './client.js';
import { createPartyServer, type PartyServerOptions } from './server.js';
import type { LabTls } from './tls.js';
import type { RawChange } from './changelog.js';
import type { HttpRequestRecord, HttpResponseRecord, PartyId, Step, PromptRecord } from './step.js';
import { stepKind, type StepKindId } from '../protocols/steps.js';
import { classifyRequest } from '../protocols/step-match.js';

/** Where a seeded clock starts unless told otherwise. */
export const SEEDED_START = Date.UTC(2026, 0, 15, 9, 0, 0);

export interface LabOptions {
  /** Folder for party DB files and the seeded key cache; default: a fresh temporary folder. */
  dataDir?: string;
  /** A seed pins the clock and makes ids deterministic. */
  seed?: string | null;
  /** The instant a seeded clock starts at (default 2026-01-15T09:00:00Z). */
  startAt?: number;
  /** Folder for cached seeded RSA keys (shared across runs); default `<dataDir>/.cache`. */
  keyCacheDir?: string;
  /** Serve HTTPS on the lab CA's certificate (serve --tls); the lab's own clients trust that CA. Default: plain HTTP. */
  tls?: LabTls | null;
  /**
   * Load mode (emulators/load): steps are carried and timed but not kept — no history, no per-step snapshots, no
   * token or protocol decoding, no change attribution — so a run of thousands of devices keeps its memory flat.
   */
  light?: boolean;
  /** Where the lab's RSA keys come from (load mode's key pool); default a KeyFactory on the seed and keyCacheDir. */
  keys?: KeyFactory;
  /** The address the party servers listen on (serve --listen); default 127.0.0.1. */
  listen?: string | null;
  /** Outside sources of row changes (an external Fleet's MySQL: mysql/watch.ts), asked around every sent step. */
  watchers?: readonly StepWatcher[];
  /** Outside servers the lab's clients talk to with their own trust (an external MDM: run --mdm-url --mdm-ca). */
  peers?: PeerTrust[];
  /** Awaited before each request goes on the wire (an external MDM's clock is brought to the lab's first). */
  beforeSend?: (request: HttpRequestRecord) => Promise<void> | void;
}

/**
 * Reports the rows of a DB the lab does not own that a step changed. `before` runs when the step opens (before the
 * gate), `after` once its response or failure is in, before the step closes; what `after` returns is the step's
 * changes for `party`, shown as the SQLite stores' changes are.
 */
export interface StepWatcher {
  readonly party: PartyId;
  before?(step: Step): Promise<void>;
  after(step: Step): Promise<RawChange[]>;
  /** A watcher that keeps the watched DB's current rows (MysqlWatcher): a run's expectations read them (scenarios/rows.ts). */
  readonly rows?: WatchedRows;
}

/** The current rows of a DB the lab watches but does not own, table by table, as the DB tab shows them. */
export interface WatchedRows {
  /** Shown in an expectation's detail: "Fleet's MySQL (127.0.0.1:3306/fleet)". */
  readonly name: string;
  /** Read the DB now, so `table` answers with its rows as they are (what changed since the last step is no step's). */
  refresh(): Promise<void>;
  /** The table's columns and rows as of the last read; undefined when the table is not watched. */
  table(name: string): { columns: readonly string[]; rows: readonly Record<string, unknown>[] } | undefined;
}

export interface SendOptions {
  from: PartyId;
  to: PartyId;
  /** Which protocol step this is (the step catalog); default: what the receiving server would classify it as. */
  catalogId?: StepKindId;
  /** A title naming this occurrence (session and message numbers...); default: the catalog's. */
  title?: string;
  request: HttpRequestRecord;
  timeoutMs?: number;
}

export interface LabResponse extends HttpResponseRecord {
  raw: Buffer;
  step: Step;
  text(): string;
  json<T = unknown>(): T;
}

export interface LocalOptions {
  /** The party that does the work (drawn on its lane). */
  party: PartyId;
  /** The party it acts for or talks to in-process (the device asking its TPM): defaults to `party`. */
  to?: PartyId;
  catalogId: StepKindId;
  /** A title naming this occurrence; default: the catalog's. */
  title?: string;
  detail?: Record<string, unknown>;
  /** A question to the user: counted, shown in red from the second authentication prompt on. */
  prompt?: Omit<PromptRecord, 'count'>;
}

/**
 * The lab: carries and records every message between the parties, holds the clock, the ids, the gate, the
 * change log and the snapshots. Parties get the lab; they never get each other.
 */
export class Lab extends EventEmitter<{ cursor: [number]; prompt: [Step] }> {
  readonly clock: LabClock;
  readonly ids: LabIds;
  readonly keys: KeyFactory;
  readonly recorder: Recorder;
  readonly gate = new Gate();
  readonly snapshots = new Snapshots();
  readonly dataDir: string;
  readonly seed: string | null;
  /** The lab's TLS material when its servers speak HTTPS; null for plain HTTP. */
  readonly tls: LabTls | null;
  /** Load mode: steps are not kept (LabOptions.light). */
  readonly light: boolean;
  /** Where the party servers listen (serve --listen); null: 127.0.0.1. */
  readonly listen: string | null;
  readonly peers: PeerTrust[];
  private readonly beforeSend: LabOptions['beforeSend'];
  private readonly stores = new Map<PartyId, Store>();
  /** Outside sources of row changes, asked around every sent step (LabOptions.watchers). */
  readonly watchers: readonly StepWatcher[];
  private prompts = 0;
  /** Closed (Reset, a new Run): a step released by the drain is not sent, so the old run ends instead of talking to the new world on the same ports. */
  private closed = false;
  /** The step whose world the stores show now; equals the last closed step unless the user stepped back. */
  private cursorIndex = -1;
  /**
   * The step that closed last in time. A server that calls out while handling a request (the MDM fetching
   * Entra's JWKS inside an enroll) closes a later-indexed step before the outer one: the newest world is the
   * outer step's snapshot, not the highest index's.
   */
  private lastClosedIndex = -1;

  constructor(opts: LabOptions = {}) {
    super();
    this.seed = opts.seed ?? null;
    this.tls = opts.tls ?? null;
    this.listen = opts.listen ?? null;
    this.watchers = opts.watchers ?? [];
    this.peers = opts.peers ?? [];
    this.beforeSend = opts.beforeSend;
    this.dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'enrollscope-'));
    this.clock = new LabClock(this.seed === null ? null : (opts.startAt ?? SEEDED_START));
    this.ids = new LabIds(this.seed);
    this.keys = opts.keys ?? new KeyFactory(this.seed, opts.keyCacheDir ?? join(this.dataDir, '.cache'));
    this.light = opts.light ?? false;
    this.recorder = new Recorder(this.clock, this.seed, undefined, this.light);
    this.recorder.on('closed', (step) => {
      // Load mode keeps no history to step back through: a snapshot per step would serialize every DB each time.
      if (!this.light) this.snapshots.take(step.index, this.stores.values(), this.clock.state(), this.ids.state());
      this.cursorIndex = step.index;
      this.lastClosedIndex = step.index;
      this.emit('cursor', step.index);
    });
    this.recorder.on('reset', () => {
      this.lastClosedIndex = -1;
    });
  }

  /** Open a party's SQLite store under the data folder; its writes are attributed to the running step. */
  openStore(party: PartyId, schema: string, opts: { fileName?: string; unlogged?: string[] } = {}): Store {
    const existing = this.stores.get(party);
    if (existing) return existing;
    const file = join(this.dataDir, opts.fileName ?? `${party}.sqlite`);
    const store = new Store(party, file, schema, (p, changes) => {
      const ctx = currentStep();
      if (ctx && !this.light) this.recorder.addChanges(ctx.stepId, p, changes);
    }, opts.unlogged, !this.light);
    this.stores.set(party, store);
    return store;
  }

  store(party: PartyId): Store | undefined {
    return this.stores.get(party);
  }

  allStores(): Store[] {
    return [...this.stores.values()];
  }

  /** A party server whose routes record outside clients and attribute DB writes to steps. */
  server(party: PartyServerOptions['party'], opts: Omit<PartyServerOptions, 'party' | 'recorder' | 'clock' | 'tls' | 'listen'> = {}) {
    return createPartyServer({ ...opts, party, recorder: this.recorder, clock: this.clock, tls: this.tls, listen: this.listen });
  }

  /** Send an HTTP request from one party to another as a step: recorded, gated (and maybe edited), then sent. */
  async send(opts: SendOptions): Promise<LabResponse> {
    const path = new URL(opts.request.url).pathname;
    const catalogId = opts.catalogId ?? classifyRequest({ server: opts.to === 'entra' ? 'entra' : 'mdm', method: opts.request.method, path, body: opts.request.body, headers: opts.request.headers });
    const step = this.recorder.open({
      kind: 'http',
      from: opts.from,
      to: opts.to,
      catalogId,
      // A request outside the catalog is named by its method and path.
      title: opts.title ?? (catalogId === 'http.other' ? `${opts.request.method} ${path}` : stepKind(catalogId).title),
      observedBy: 'lab',
      request: opts.request,
    });
    // Without watchers nothing is awaited here: a step reaches the gate in the same tick as before.
    const watched = this.watchers.length > 0;
    const watchFailed = watched ? await this.watch(step, 'before') : undefined;
    try {
      await this.admit(step);
    } catch (e) {
      // Not sent (the lab stopped): the watchers still hear that the step is over.
      if (watched) await this.watch(step, 'after');
      throw e;
    }
    try {
      await this.beforeSend?.(step.request!);
      const { record, raw } = await runInStep({ stepId: step.id }, () => sendHttp(step.request!, step.id, opts.timeoutMs, { ...(this.tls && { caPem: this.tls.caPem }), peers: this.peers }));
      const detail = watched ? merge(watchFailed, await this.watch(step, 'after')) : undefined;
      this.recorder.close(step, { response: record, ...(detail && { detail }) });
      return {
        ...record,
        raw,
        step,
        text: () => raw.toString('utf8'),
        json: <T>() => JSON.parse(raw.toString('utf8')) as T,
      };
    } catch (e) {
      const detail = watched ? merge(watchFailed, await this.watch(step, 'after')) : undefined;
      this.recorder.close(step, { error: (e as Error).message, ...(detail && { detail }) });
      throw e;
    }
  }

  /**
   * Ask the watchers around a step; their changes go on the step. A watcher that fails (its DB went away) does not
   * fail the step: the step's detail says which rows could not be read and why.
   */
  private async watch(step: Step, phase: 'before' | 'after'): Promise<Record<string, string> | undefined> {
    let failed: Record<string, string> | undefined;
    for (const w of this.watchers) {
      try {
        if (phase === 'before') await w.before?.(step);
        else {
          const changes = await w.after(step);
          if (changes.length > 0) this.recorder.addChanges(step.id, w.party, changes);
        }
      } catch (e) {
        failed = { ...failed, [`${w.party} rows`]: `not read: ${(e as Error).message}` };
      }
    }
    return failed;
  }

  /**
   * Record an in-process operation (a TPM key creation, an MSI install, a prompt to the user) as a `local` step.
   * `fn` runs after the gate admits the step; what it returns is merged into the step's detail.
   */
  async local<T>(opts: LocalOptions, fn: () => T | Promise<T>, describe?: (result: T) => Record<string, unknown>): Promise<T> {
    // The count it will have once asked; the run's count moves only when the gate lets the prompt happen (admit).
    const prompt = opts.prompt ? { ...opts.prompt, count: this.prompts + 1 } : undefined;
    const step = this.recorder.open({
      kind: 'local',
      from: opts.party,
      to: opts.to ?? opts.party,
      catalogId: opts.catalogId,
      ...(opts.title !== undefined && { title: opts.title }),
      observedBy: 'lab',
      ...(opts.detail && { detail: opts.detail }),
      ...(prompt && { prompt }),
    });
    await this.admit(step);
    try {
      const result = await runInStep({ stepId: step.id }, fn);
      this.recorder.close(step, describe ? { detail: describe(result) } : {});
      if (prompt) this.emit('prompt', step);
      return result;
    } catch (e) {
      this.recorder.close(step, { error: (e as Error).message });
      throw e;
    }
  }

  /** How many times the user was asked to authenticate in this run. */
  get promptCount(): number {
    return this.prompts;
  }

  /** Hold the step at the gate as it asks, then mark it sent: its prompt counted, its time taken from now. */
  private async admit(step: Step): Promise<void> {
    const held = !this.closed && (await this.hold(step));
    if (this.closed) {
      this.recorder.close(step, { error: 'not sent: the lab was stopped' });
      throw new Error('not sent: the lab was stopped');
    }
    if (step.prompt) step.prompt = { ...step.prompt, count: ++this.prompts };
    this.recorder.sent(step, { held });
  }

  /** Wait at the gate (step mode, breakpoints); true when the step was held there. */
  private async hold(step: Step): Promise<boolean> {
    // A step sent while the user looks at an earlier one: the world must be at the newest step first.
    if (this.cursorIndex !== this.headIndex) this.moveTo(this.headIndex);
    if (this.gate.mode === 'step' || this.gate.breakpoints.length > 0) {
      step.status = 'pending';
      const held = this.gate.admit(step);
      if (this.gate.waiting?.id === step.id) {
        step.status = 'waiting';
        this.recorder.touch(step);
      }
      const release = await held;
      if (release.edited && step.request) {
        step.originalRequest = step.request;
        step.request = release.edited;
        // The timeline says so: what the server got is not what the client built.
        step.title = `${step.title} (edited at the gate)`;
      }
      return step.status === 'waiting';
    }
    return false;
  }

  /** Index of the step closed last (-1 before any): the newest world. */
  get headIndex(): number {
    return this.lastClosedIndex;
  }

  get cursor(): number {
    return this.cursorIndex;
  }

  /** Put every party's DB (and the clock) back as it was after step `index`; -1 is before the first step. */
  moveTo(index: number): void {
    const snap = this.snapshots.restore(index, this.stores.values());
    this.clock.restore(snap.clock);
    this.cursorIndex = index;
    this.emit('cursor', index);
  }

  /** Step back one step in the recorded history. Returns false at the start. */
  back(): boolean {
    if (this.cursorIndex < 0 || !this.snapshots.get(this.cursorIndex - 1)) return false;
    this.moveTo(this.cursorIndex - 1);
    return true;
  }

  /** Step forward: replay recorded history while behind the head; at the head, let the next step through. */
  forward(): 'replayed' | 'released' | 'granted' {
    if (this.cursorIndex < this.headIndex) {
      this.moveTo(this.cursorIndex + 1);
      return 'replayed';
    }
    if (this.gate.waiting) {
      this.gate.step();
      return 'released';
    }
    this.gate.setMode('step');
    return 'granted';
  }

  /** Snapshot the world before the first step; call once the parties have initialised their stores. */
  markStart(): void {
    this.snapshots.take(-1, this.stores.values(), this.clock.state(), this.ids.state());
    this.cursorIndex = -1;
  }

  /**
   * Send nothing more (Reset, a new Run): a step the gate lets go, or any later one, fails instead of being sent,
   * so the old run ends rather than talking to the next world on the same ports. The stores stay open until close().
   */
  stop(): void {
    this.closed = true;
  }

  get stopped(): boolean {
    return this.closed;
  }

  /** Let held steps go and close every store. */
  close(): void {
    this.closed = true;
    this.gate.drain();
    for (const s of this.stores.values()) s.close();
  }
}

function merge(a: Record<string, string> | undefined, b: Record<string, string> | undefined): Record<string, string> | undefined {
  return a || b ? { ...a, ...b } : undefined;
}
