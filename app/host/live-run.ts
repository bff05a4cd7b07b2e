import type { FleetProfileName } from '../../emulators/mdm/profiles/profiles.js';
import type { World } from '../../emulators/scenarios/world.js';
import type { Scenario } from '../../emulators/scenarios/types.js';
import { allHeld, evaluateRun } from '../../emulators/scenarios/expect.js';
import { PARTIES, type Step as LabStep } from '../../emulators/lab/step.js';
import type { Breakpoint, DbView, ExpectationResult, FleetView, HttpRequest, LabState, PartyInfo, RunBundle, Step } from '../contract.js';
import { dumpImage, fleetViewAt, fleetViewOf } from './db-view.js';
import type { RunView } from './run-view.js';

// The lab's Step and the contract's Step must stay the same shape: this line stops the build if they drift.
const asContractStep: (s: LabStep) => Step = (s) => s;


/** What a live run tells the session: each recorded step, and that its state changed (coalesced by the session). */
export interface LiveRunEvents {
  step(step: Step): void;
  changed(): void;
  /** The scenario ended (passed, failed or threw), unless the run was closed under it. */
  ended(run: LiveRun): void;
}

/**
 * One world and the run in it: the scenario, its status and expectations, the lab's gate, cursor and clock.
 * A new Run or Reset makes a new `LiveRun`; this one is closed.
 */
export class LiveRun implements RunView {
  readonly source = 'live';
  private scenario: string | null = null;
  private options: Record<string, string | boolean> = {};
  /** Work going on in this world (the scenario, the console's sync): while any, the run is running. */
  private active = 0;
  /** How the scenario ended; null before it did. */
  private outcome: 'done' | 'failed' | null = null;
  private expectations: ExpectationResult[] = [];
  private error: string | null = null;
  private running: Promise<void> | null = null;
  private closed = false;

  /** The world's Fleet profile, read once: fixed for a world, and the state is asked for after its store closed too. */
  /** The embedded server's Fleet profile; null for an external Fleet (its build is its own). */
  private readonly fleet: FleetProfileName | null;

  constructor(
    readonly runId: string,
    readonly world: World,
    private readonly events: LiveRunEvents,
  ) {
    this.fleet = world.mdmTarget.embedded?.ctx.settings().fleetProfile ?? null;
    const lab = world.lab;
    const changed = () => events.changed();
    const step = (s: LabStep) => events.step(asContractStep(s));
    lab.recorder.on('step', step);
    lab.gate.on('held', changed);
    lab.gate.on('released', changed);
    lab.gate.on('mode', changed);
    lab.on('cursor', changed);
    const offClock = lab.clock.onChange(changed);
    // A closed run says nothing more: what its last steps do while the world shuts down is not the next run's.
    this.detach = () => {
      lab.recorder.off('step', step);
      for (const e of ['held', 'released', 'mode'] as const) lab.gate.off(e, changed);
      lab.off('cursor', changed);
      offClock();
    };
  }

  private readonly detach: () => void;

  /**
   * What the lab is doing, read from the lab itself each time (never a flag kept beside it): waiting when the gate
   * holds a step, running while work goes on, else how the scenario ended (or idle before any).
   */
  private status(): LabState['status'] {
    if (this.world.lab.gate.waiting) return 'waiting';
    if (this.active > 0) return 'running';
    return this.outcome ?? 'idle';
  }

  get lab() {
    return this.world.lab;
  }

  /** A scenario is running (or the console's sync is): the console waits for it to end. */
  get busy(): boolean {
    return this.active > 0;
  }

  parties(): PartyInfo[] {
    const urls: Partial<Record<string, string>> = { mdm: this.world.mdmTarget.url, entra: this.world.entra.url };
    return (['user', 'device', 'tpm', 'entra', 'mdm', 'orbit'] as const).map((id) => ({ id, label: PARTIES[id].label, url: urls[id] ?? null }));
  }

  state(): LabState {
    const lab = this.world.lab;
    const waiting = lab.gate.waiting;
    return {
      runId: this.runId,
      scenario: this.scenario,
      options: this.options,
      seed: this.world.lab.seed,
      fleet: this.fleet,
      status: this.status(),
      mode: lab.gate.mode,
      waitingStepId: waiting?.id ?? null,
      cursor: lab.cursor,
      head: lab.headIndex,
      stepCount: lab.recorder.all().length,
      clock: { now: lab.clock.now(), offsetMs: lab.clock.offset, pinned: lab.clock.pinned },
      prompts: lab.promptCount,
      breakpoints: [...lab.gate.breakpoints],
      parties: this.parties(),
      expectations: this.expectations,
      error: this.error,
      source: 'live',
    };
  }

  steps(): Step[] {
    return this.world.lab.recorder.all().map(asContractStep);
  }

  dbView(index: number): DbView {
    const snap = this.world.lab.snapshots.get(index);
    if (!snap) throw new Error(`no snapshot after step ${index}`);
    const parties: DbView['parties'] = {};
    for (const party of snap.images.keys()) parties[party] = dumpImage(this.world.lab.snapshots.image(index, party)!);
    return { stepIndex: index, parties };
  }

  fleetView(index: number): FleetView {
    const api = this.world.fleetApiViews;
    return api ? fleetViewAt(api.all(), index, this.world.mdmTarget.url) : fleetViewOf(this.dbView(index));
  }

  bundle(opts: { snapshots?: boolean } = {}): RunBundle {
    const api = this.world.fleetApiViews;
    return {
      ...(api && { fleetViews: api.all() }),
      ...(opts.snapshots && { snapshots: this.world.lab.snapshots.archive() }),
      format: 'enrollscope-run/1',
      scenario: this.scenario,
      seed: this.world.lab.seed,
      fleet: this.fleet,
      options: this.options,
      // The lab clock (seeded: pinned), so two runs of one seed stamp the same time.
      createdAt: this.world.lab.clock.date().toISOString(),
      prompts: this.world.lab.promptCount,
      passed: this.outcome === 'done' ? true : this.outcome === 'failed' ? false : null,
      expectations: this.expectations,
      // A seeded bundle carries lab time only: the wall-clock durations (how long this machine took) would make two
      // runs of one seed differ, and they are not part of what the run did.
      steps: this.world.lab.seed === null ? this.steps() : this.steps().map(({ heldMs: _held, ...s }) => ({ ...s, durationMs: 0 })),
    };
  }

  back(): boolean {
    return this.world.lab.back();
  }

  forward(): boolean {
    this.world.lab.forward();
    return true;
  }

  /** Step (the edited request, when one waits at the gate), Continue (from the head) or Pause (step mode). */
  control(action: 'step' | 'back' | 'continue' | 'pause', edited?: HttpRequest): boolean {
    const lab = this.world.lab;
    switch (action) {
      case 'step':
        if (edited && lab.gate.waiting) return lab.gate.step({ edited });
        return this.forward();
      case 'back':
        return this.back();
      case 'continue':
        if (lab.cursor !== lab.headIndex) lab.moveTo(lab.headIndex);
        lab.gate.continue(edited ? { edited } : {});
        return true;
      case 'pause':
        lab.gate.setMode('step');
        return true;
    }
  }

  advanceClock(ms: number): void {
    this.world.lab.clock.advance(ms);
  }

  setBreakpoints(bps: Breakpoint[]): void {
    this.world.lab.gate.setBreakpoints(bps);
  }

  /** Start `scenario` in this (fresh) world; returns at once, `settled()` waits for its end. */
  start(scenario: Scenario, name: string, options: Record<string, string | boolean>, opts: { stepMode: boolean; breakpoints: Breakpoint[] }): void {
    this.scenario = name;
    this.options = options;
    this.active++;
    const lab = this.world.lab;
    lab.gate.setBreakpoints(opts.breakpoints);
    if (opts.stepMode) lab.gate.setMode('step');
    this.running = (async () => {
      try {
        const outcome = await scenario.run(this.world, options);
        if (this.closed) return;
        const verdicts = await evaluateRun(scenario.expect(outcome, options), this.world);
        if (this.closed) return;
        this.expectations = verdicts;
        this.outcome = allHeld(verdicts) ? 'done' : 'failed';
      } catch (e) {
        if (this.closed) return; // the run was reset under it
        this.error = (e as Error).message;
        this.outcome = 'failed';
      } finally {
        this.active--;
      }
      this.events.ended(this);
      this.events.changed();
    })();
  }

  /** Wait for the current scenario to end (CLI, tests). */
  async settled(): Promise<void> {
    await this.running;
  }

  /** Run `work` (the console's sync) with the run shown as running; after it, the run shows how its scenario ended again. */
  async whileRunning<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    this.events.changed();
    try {
      return await work();
    } finally {
      this.active--;
      if (!this.closed) this.events.changed();
    }
  }

  /** Stop sending (a step the drain lets go fails), detach from the session, then shut the world down. */
  async close(): Promise<void> {
    this.closed = true;
    this.detach();
    this.world.lab.stop();
    await this.world.close();
  }
}
