import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import type { TpmChoice } from '../../emulators/device/tpm/backend.js';
import { labTlsFor, startWorld, type ExternalMdm, type World } from '../../emulators/scenarios/world.js';
import { ineligibleFor } from '../../emulators/scenarios/types.js';
import { swtpmVersion } from '../../emulators/device/tpm/swtpm.js';
import type { LabTls } from '../../emulators/lab/tls.js';
import type { StepWatcher } from '../../emulators/lab/lab.js';
import { findScenario, listScenarios } from '../../emulators/scenarios/index.js';
import type { Breakpoint, DbView, FleetView, HttpRequest, LabEvent, LabState, MdmSettingsPatch, PartyInfo, RunBundle, RunSummary, ScenarioInfo, Step } from '../contract.js';
import { BundleViewer } from './bundle-viewer.js';
import { LiveRun } from './live-run.js';
import { RunHistory } from './run-history.js';
import type { RunView } from './run-view.js';
import { TrainerConsole } from './console.js';
import { DEFAULT_FLEET_PROFILE, type FleetProfileName } from '../../emulators/mdm/profiles/profiles.js';

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
  /** Every world's servers speak HTTPS on one lab CA made for this session's folder (run --tls, the UI's TLS option). */
  tls?: boolean;
  /** The Fleet profile worlds start with until a Run asks for another (default the newest). */
  fleet?: FleetProfileName;
  /** Every world's lab asks these around each step (--mdm-mysql: an external Fleet's changed rows). */
  watchers?: readonly StepWatcher[];
  /** The devices' TPM in every world (--tpm; default the in-process one). */
  tpm?: TpmChoice;
  /** Every world enrolls into this MDM server instead of an embedded one (run / serve / ui --mdm-url). */
  externalMdm?: ExternalMdm;
}

/** A scenario asked of a world whose MDM target cannot serve it (run --mdm-url and a scenario that needs the embedded server). */
export class ScenarioIneligibleError extends Error {
  override name = 'ScenarioIneligibleError';
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
  /** A saved run shown in front of the live one (which keeps its steps and goes on), until closed, Run or Reset. */
  private viewer: BundleViewer | null = null;
  /** Run and Reset one at a time: each replaces the world, and a second must not close the one the first is starting. */
  private lifecycle: Promise<void> = Promise.resolve();
  /** Runs and Resets asked for and not finished: the lab shows `starting` meanwhile. */
  private starting = 0;
  /** Rises with every state given out (LabState.seq), so the UI can keep the newest. */
  private seq = 0;
  /** Settings the user flipped in this session: every new world (Run, Reset) starts with them, as a real server keeps its config. */
  private settingsChosen: MdmSettingsPatch = {};
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
    this.tlsOn = opts.tls ?? false;
    this.tpmOn = opts.tpm ?? 'soft';
    this.fleetOn = opts.fleet ?? DEFAULT_FLEET_PROFILE;
    this.baseDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'enrollscope-'));
    mkdirSync(this.baseDir, { recursive: true });
  }

  /** The session's lab CA and server certificate when it serves HTTPS: the same for every world, so a CA handed out once stays good. */
  private tlsMaterial: LabTls | null = null;

  /** Whether the next world serves HTTPS: the session's option, then what the last Run asked (Reset keeps it). */
  private tlsOn: boolean;

  /** The devices' TPM in the next world: the session's option (default soft), then what the last Run asked (Reset keeps it). */
  private tpmOn: TpmChoice;
  /** The swtpm on this host (`swtpm --version`, asked once); null: not installed, so a Run asking for it is refused. */
  private readonly swtpm = swtpmVersion();

  /** The Fleet profile of the next world: the session's option, then what the last Run asked (Reset keeps it). */
  private fleetOn: FleetProfileName = DEFAULT_FLEET_PROFILE;
  /** A scenario's own profile, for its one run (a run that names a profile keeps that one for the runs after). */
  private nextFleet: FleetProfileName | undefined = undefined;

  static async start(opts: SessionOptions = {}): Promise<Session> {
    const s = new Session(opts);
    await s.newWorld();
    return s;
  }

  get lab() {
    return this.live.lab;
  }

  /** The session's lab CA and server certificate, once a world served HTTPS (the UI host serves on them too). */
  get labTls(): LabTls | null {
    return this.tlsMaterial;
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
    const ports = prev
      ? { ...(prev.mdmTarget.embedded && { mdm: Number(new URL(prev.mdmTarget.url).port) }), entra: Number(new URL(prev.entra.url).port) }
      : this.opts.ports;
    // Breakpoints belong to the user, not to a world: Reset and Run keep them (Clear removes them).
    const breakpoints = this.live ? [...this.live.lab.gate.breakpoints] : [];
    if (this.live) await this.live.close();
    const runId = `run-${++this.runCounter}`;
    const dataDir = join(this.baseDir, runId);
    // One CA per session folder, made the first time a world serves HTTPS.
    if (this.tlsOn && !this.tlsMaterial) this.tlsMaterial = await labTlsFor(this.baseDir, { seed: this.opts.seed ?? null, keyCacheDir: defaultKeyCacheDir() });
    const world = await startWorld({ dataDir, keyCacheDir: defaultKeyCacheDir(), seed: this.nextSeed === undefined ? (this.opts.seed ?? null) : this.nextSeed, ...(ports && { ports }), mdmSettings: { ...this.settingsChosen, fleetProfile: this.nextFleet ?? this.fleetOn }, tls: this.tlsOn ? this.tlsMaterial : null, ...(this.opts.watchers && { watchers: this.opts.watchers }), tpm: this.tpmOn, ...(this.opts.externalMdm && { externalMdm: this.opts.externalMdm }) });
    this.nextSeed = undefined;
    this.nextFleet = undefined;
    this.live = new LiveRun(runId, world, {
      // While a saved run is on screen its timeline is the bundle's; the live steps are sent again when it closes.
      step: (step) => {
        if (!this.viewer) this.emit('event', { type: 'step', step });
      },
      changed: () => this.stateChanged(),
      ended: (run) => this.history.remember(run.runId, run.bundle()),
    });
    this.live.setBreakpoints(breakpoints);
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

  /** What the UI shows; `starting` while a Run or Reset makes the next world (the old one is closing). */
  state(): LabState {
    const state = this.view.state();
    const starting = this.starting > 0 && !this.viewer ? { status: 'starting' as const, waitingStepId: null } : {};
    const tls = !this.viewer && this.live.lab.tls ? { caFile: join(this.baseDir, 'tls', 'lab-ca.pem') } : {};
    return { ...state, ...starting, ...tls, tpm: { choice: this.tpmOn, swtpm: this.swtpm }, seq: ++this.seq };
  }

  /** Run `work` (a Run or a Reset) after the ones before it, with the lab shown `starting` until it is done. */
  private exclusive(work: () => Promise<void>): Promise<void> {
    this.starting++;
    this.stateChanged();
    const done = this.lifecycle.then(work).finally(() => {
      this.starting--;
      this.stateChanged();
    });
    this.lifecycle = done.catch(() => undefined);
    return done;
  }

  steps(): Step[] {
    return this.view.steps();
  }

  /** Open a saved run for viewing, in front of the live run (which is kept as it is). */
  open(bundle: RunBundle): void {
    this.viewer = new BundleViewer(bundle, this.parties());
    this.showView();
  }

  /** Close the saved run: the live run is on screen again, every step of it. */
  closeSaved(): void {
    if (!this.viewer) return;
    this.viewer = null;
    this.showView();
  }

  /** Tell the UI the run on screen changed: a new timeline, then its steps. */
  private showView(): void {
    this.emit('event', { type: 'reset', state: this.state() });
    for (const step of this.view.steps()) this.emit('event', { type: 'step', step });
  }

  scenarios(): ScenarioInfo[] {
    return listScenarios().map((s) => ({ name: s.name, title: s.title, description: s.description, options: s.options, ...(s.fleet && { fleet: s.fleet }) }));
  }

  /** Start a scenario in a fresh world; resolves once it is running (or held at its first step). */
  async run(name: string, options: Record<string, string | boolean>, stepMode: boolean, seed?: string | null, tls?: boolean, fleet?: FleetProfileName, tpm?: TpmChoice): Promise<void> {
    const scenario = findScenario(name);
    if (!scenario) throw new Error(`unknown scenario "${name}"`);
    // Refused before the world is touched, in the words of run --tpm swtpm (tpm/backend.ts resolveTpm).
    if (tpm === 'swtpm' && !this.swtpm) throw new Error('--tpm swtpm: the swtpm binary is not installed (apt-get install swtpm swtpm-tools)');
    await this.exclusive(async () => {
      if (seed !== undefined) this.nextSeed = seed;
      if (tls !== undefined) this.tlsOn = tls;
      if (tpm !== undefined) this.tpmOn = tpm;
      if (fleet !== undefined) this.fleetOn = fleet;
      else this.nextFleet = scenario.fleet;
      this.viewer = null;
      // Against an external Fleet a scenario that needs the embedded server (or the lab's API) fails before a step.
      if (this.opts.externalMdm) {
        const why = ineligibleFor(scenario, options, { embedded: false, labApi: this.live.world.mdmTarget.labApi });
        if (why) throw new ScenarioIneligibleError(why);
      }
      await this.newWorld();
      this.live.start(scenario, name, options, { stepMode, breakpoints: [...this.live.lab.gate.breakpoints] });
    });
  }

  /**
   * "Profile A vs B": the scenario run to its end under Fleet profile `a`, then under `b` (the live run is B's),
   * both kept in the run history; returns their run ids. The session's profile afterwards is B's.
   */
  async runProfiles(name: string, options: Record<string, string | boolean>, a: FleetProfileName, b: FleetProfileName, seed?: string | null): Promise<{ a: string; b: string }> {
    await this.run(name, options, false, seed, undefined, a);
    await this.settled();
    const runA = this.live.runId;
    await this.run(name, options, false, seed, undefined, b);
    await this.settled();
    return { a: runA, b: this.live.runId };
  }

  /** Wait for the current run to end (CLI, tests). */
  async settled(): Promise<void> {
    await this.live.settled();
  }

  /** A control: Reset answers once the fresh world is there (or with why not); the others act at once. */
  async control(action: 'step' | 'back' | 'continue' | 'pause' | 'reset', edited?: HttpRequest): Promise<boolean> {
    if (action === 'reset') {
      await this.reset();
      return true;
    }
    // The world is being replaced: the one there now is closing, and acting on it would act on nothing.
    if (this.starting > 0) return false;
    if (this.viewer) {
      const moved = action === 'back' ? this.viewer.back() : action === 'step' ? this.viewer.forward() : false;
      this.stateChanged();
      return moved;
    }
    // Step back restores the lab's own parties only: an external Fleet keeps its rows, so the world cannot be as it was.
    if (action === 'back' && !this.live.world.mdmTarget.embedded) return false;
    return this.live.control(action, edited);
  }

  /** A fresh world (the same ports, the user's breakpoints and settings); works in every state, a held step included. */
  reset(): Promise<void> {
    return this.exclusive(async () => {
      this.viewer = null;
      await this.newWorld();
    });
  }

  advanceClock(ms: number): void {
    this.live.advanceClock(ms);
  }

  setBreakpoints(bps: Breakpoint[]): void {
    this.live.setBreakpoints(bps);
    this.stateChanged();
  }

  clearBreakpoints(): void {
    this.setBreakpoints([]);
  }

  /** Every party's rows as they were after step `index` (-1: before the first). */
  fleetView(index: number): FleetView {
    return this.view.fleetView(index);
  }

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
