import type { World } from '../../emulators/scenarios/world.js';
import type { Scenario } from '../../emulators/scenarios/types.js';
import { evaluate } from '../../emulators/scenarios/expect.js';
import { PARTIES, type Step as LabStep } from '../../emulators/lab/step.js';
import type { Breakpoint, DbView, ExpectationResult, HttpRequest, LabState, PartyInfo, RunBundle, RunStatus, Step } from '../contract.js';
import { dumpImage } from './db-view.js';
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
  private status: RunStatus = 'idle';
  private expectations: ExpectationResult[] = [];
  private error: string | null = null;
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(
    readonly runId: string,
    readonly world: World,
    private readonly events: LiveRunEvents,
  ) {
    const lab = world.lab;
    const changed = () => events.changed();
    lab.recorder.on('step', (step) => events.step(asContractStep(step)));
    lab.gate.on('held', changed);
    lab.gate.on('released', changed);
    lab.gate.on('mode', changed);
    lab.on('cursor', changed);
    lab.clock.onChange(changed);
  }

  get lab() {
    return this.world.lab;
  }

  /** A scenario is running (or the console's sync is): the console waits for it to end. */
  get busy(): boolean {
    return this.status === 'running';
  }

  parties(): PartyInfo[] {
    const urls: Partial<Record<string, string>> = { mdm: this.world.mdm.url, entra: this.world.entra.url };
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
      status: waiting && this.status === 'running' ? 'waiting' : this.status,
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

  bundle(opts: { snapshots?: boolean } = {}): RunBundle {
    return {
      ...(opts.snapshots && { snapshots: this.world.lab.snapshots.archive() }),
      format: 'enrollscope-run/1',
      scenario: this.scenario,
      seed: this.world.lab.seed,
      options: this.options,
      createdAt: new Date().toISOString(),
      prompts: this.world.lab.promptCount,
      passed: this.status === 'done' ? true : this.status === 'failed' ? false : null,
      expectations: this.expectations,
      steps: this.steps(),
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
    this.status = 'running';
    const lab = this.world.lab;
    lab.gate.setBreakpoints(opts.breakpoints);
    if (opts.stepMode) lab.gate.setMode('step');
    this.running = (async () => {
      try {
        const outcome = await scenario.run(this.world, options);
        if (this.closed) return;
        this.expectations = evaluate(scenario.expect(outcome, options), this.world);
        this.status = this.expectations.every((e) => e.passed) ? 'done' : 'failed';
      } catch (e) {
        if (this.closed) return; // the run was reset under it
        this.error = (e as Error).message;
        this.status = 'failed';
      }
      this.events.ended(this);
      this.events.changed();
    })();
  }

  /** Wait for the current scenario to end (CLI, tests). */
  async settled(): Promise<void> {
    await this.running;
  }

  /** Run `work` (the console's sync) with the run shown as running; done after it, as after a scenario. */
  async whileRunning<T>(work: () => Promise<T>): Promise<T> {
    this.status = 'running';
    this.events.changed();
    try {
      return await work();
    } finally {
      this.status = 'done';
      this.events.changed();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.world.close();
  }
}
