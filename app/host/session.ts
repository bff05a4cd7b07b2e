import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { startWorld, type World } from '../../emulators/scenarios/world.js';
import { findScenario, listScenarios } from '../../emulators/scenarios/index.js';
import type { Breakpoint, DbView, HttpRequest, LabEvent, LabState, MdmSettingsView, PartyInfo, RunBundle, RunSummary, ScenarioInfo, Step } from '../contract.js';
import { BundleViewer } from './bundle-viewer.js';
import { LiveRun } from './live-run.js';
import { RunHistory } from './run-history.js';
import type { RunView } from './run-view.js';
import { TrainerConsole } from './console.js';

export { SessionBusyError, SavedRunOpenError } from './console.js';

/** Seeded runs reuse the RSA keys their seed made before (DESIGN.md "Clock and determinism"); kept across runs. */
export function defaultKeyCacheDir(): string {
  return process.env.ENROLLSCOPE_KEY_CACHE ?? join(homedir(), '.cache', 'enrollscope');
}

export interface SessionOptions {
  /** Base folder for run data; default a fresh temporary folder, removed on close. */
  dataDir?: string;
  seed?: string | null;
  /** Fixed ports for the servers (a seeded re-run on the same ports is byte-identical). */
  ports?: { mdm?: number; entra?: number };
}

/**
 * The host's session: the live run, or a saved run shown instead of it (both a `RunView`), the trainer's
 * console, and the finished runs of this session. A new run starts a new world on the same ports, so URLs handed
 * to outside clients stay valid. The UI API and the CLI use this one code path.
 */
export class Session extends EventEmitter<{ event: [LabEvent] }> {
  private live!: LiveRun;
  private runCounter = 0;
  private readonly baseDir: string;
  private readonly ownsBaseDir: boolean;
  private statePending = false;
  /** The seed the next world starts with, when a run asks for one. */
  private nextSeed: string | null | undefined = undefined;
  /** A saved run shown instead of the live one, until the next Run or Reset. */
  private viewer: BundleViewer | null = null;
  /** Settings the user flipped in this session: every new world (Run, Reset) starts with them, as a real server keeps its config. */
  private settingsChosen: Partial<MdmSettingsView> = {};
  private readonly history = new RunHistory();
  /** The trainer's console: acts on the live run only, and refuses while a saved run is open. */
  readonly console = new TrainerConsole({
    liveRun: () => (this.viewer ? null : this.live),
    keepSettings: (patch) => {
      this.settingsChosen = { ...this.settingsChosen, ...patch };
    },
  });

  private constructor(private readonly opts: SessionOptions) {
    super();
    this.ownsBaseDir = !opts.dataDir;
    this.baseDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'enrollscope-'));
    mkdirSync(this.baseDir, { recursive: true });
  }

  static async start(opts: SessionOptions = {}): Promise<Session> {
    const s = new Session(opts);
    await s.newWorld();
    return s;
  }

  get lab() {
    return this.live.lab;
  }

  /** The live world (a saved run on screen does not replace it). */
  get current(): World {
    return this.live.world;
  }

  /** What the UI shows: the saved run when one is open, else the live run. */
  private get view(): RunView {
    return this.viewer ?? this.live;
  }

  private async newWorld(): Promise<void> {
    const prev = this.live?.world;
    const ports = prev ? { mdm: Number(new URL(prev.mdm.url).port), entra: Number(new URL(prev.entra.url).port) } : this.opts.ports;
    if (this.live) await this.live.close();
    const runId = `run-${++this.runCounter}`;
    const dataDir = join(this.baseDir, runId);
    const world = await startWorld({ dataDir, keyCacheDir: defaultKeyCacheDir(), seed: this.nextSeed === undefined ? (this.opts.seed ?? null) : this.nextSeed, ...(ports && { ports }), mdmSettings: this.settingsChosen });
    this.nextSeed = undefined;
    this.live = new LiveRun(runId, world, {
      step: (step) => this.emit('event', { type: 'step', step }),
      changed: () => this.stateChanged(),
      ended: (run) => this.history.remember(run.runId, run.bundle()),
    });
    this.emit('event', { type: 'reset', state: this.state() });
  }

  /** Coalesce state broadcasts: many steps can close within one tick. */
  private stateChanged(): void {
    if (this.statePending) return;
    this.statePending = true;
    setImmediate(() => {
      this.statePending = false;
      this.emit('event', { type: 'state', state: this.state() });
    });
  }

  parties(): PartyInfo[] {
    return this.live.parties();
  }

  state(): LabState {
    return this.view.state();
  }

  steps(): Step[] {
    return this.view.steps();
  }

  /** Open a saved run for viewing. */
  open(bundle: RunBundle): void {
    this.viewer = new BundleViewer(bundle, this.parties());
    this.emit('event', { type: 'reset', state: this.state() });
    for (const step of bundle.steps) this.emit('event', { type: 'step', step });
  }

  scenarios(): ScenarioInfo[] {
    return listScenarios().map((s) => ({ name: s.name, title: s.title, description: s.description, options: s.options }));
  }

  /** Start a scenario in a fresh world; resolves once it is running (or held at its first step). */
  async run(name: string, options: Record<string, string | boolean>, stepMode: boolean, seed?: string | null): Promise<void> {
    const scenario = findScenario(name);
    if (!scenario) throw new Error(`unknown scenario "${name}"`);
    const breakpoints = [...this.live.lab.gate.breakpoints];
    if (seed !== undefined) this.nextSeed = seed;
    await this.reset();
    this.live.start(scenario, name, options, { stepMode, breakpoints });
    this.stateChanged();
  }

  /** Wait for the current run to end (CLI, tests). */
  async settled(): Promise<void> {
    await this.live.settled();
  }

  control(action: 'step' | 'back' | 'continue' | 'pause' | 'reset', edited?: HttpRequest): boolean {
    if (action === 'reset') {
      void this.reset();
      return true;
    }
    if (this.viewer) {
      const moved = action === 'back' ? this.viewer.back() : action === 'step' ? this.viewer.forward() : false;
      this.stateChanged();
      return moved;
    }
    return this.live.control(action, edited);
  }

  async reset(): Promise<void> {
    this.viewer = null;
    await this.newWorld();
  }

  advanceClock(ms: number): void {
    this.live.advanceClock(ms);
  }

  setBreakpoints(bps: Breakpoint[]): void {
    this.live.setBreakpoints(bps);
    this.stateChanged();
  }

  /** Every party's rows as they were after step `index` (-1: before the first). */
  dbView(index: number): DbView {
    return this.view.dbView(index);
  }

  /** Finished runs of this session, newest last. */
  runs(): RunSummary[] {
    return this.history.list();
  }

  /** A finished run's bundle, or the current run's (`current`). */
  bundleOf(runId: string): RunBundle | undefined {
    return runId === 'current' || runId === this.live.runId ? this.bundle() : this.history.get(runId);
  }

  bundle(opts: { snapshots?: boolean } = {}): RunBundle {
    return this.view.bundle(opts);
  }

  async close(): Promise<void> {
    await this.live.close();
    if (this.ownsBaseDir) rmSync(this.baseDir, { recursive: true, force: true });
  }
}
