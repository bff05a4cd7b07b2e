import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { startWorld, type World } from '../../emulators/scenarios/world.js';
import { findScenario, listScenarios } from '../../emulators/scenarios/index.js';
import { evaluate } from '../../emulators/scenarios/expect.js';
import type { Step as LabStep } from '../../emulators/lab/step.js';
import type { EntraPending, MdmSettingsView, QueuedCommand, RunSummary, Breakpoint, DbView, ExpectationResult, HttpRequest, LabEvent, LabState, PartyInfo, RunBundle, RunStatus, ScenarioInfo, Step } from '../contract.js';
import { dumpImage } from './db-view.js';
import { BundleViewer } from './bundle-viewer.js';
import { queueCommand, createScimUser } from '../../emulators/mdm/admin.js';
import { readSettings, writeSettings } from '../../emulators/mdm/settings.js';

/** The session cannot do that now (a run is in progress, or there is no device yet): HTTP 409. */
export class SessionBusyError extends Error {}

// The lab's Step and the contract's Step must stay the same shape: this line stops the build if they drift.
const asContractStep: (s: LabStep) => Step = (s) => s;

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

const PARTY_LABELS: Record<string, string> = {
  user: 'User', device: 'Windows device', tpm: 'TPM', entra: 'Entra ID', mdm: 'MDM server (Fleet)', orbit: 'Orbit', external: 'Outside client',
};

/**
 * The host's live session: the current world, the run in it, and the controls the UI and CLI use. A new run
 * starts a new world on the same ports, so URLs handed to outside clients stay valid.
 */
export class Session extends EventEmitter<{ event: [LabEvent] }> {
  private world!: World;
  private runCounter = 0;
  private runId = 'run-0';
  private scenario: string | null = null;
  private options: Record<string, string | boolean> = {};
  private status: RunStatus = 'idle';
  private expectations: ExpectationResult[] = [];
  private error: string | null = null;
  private readonly baseDir: string;
  private readonly ownsBaseDir: boolean;
  private statePending = false;
  private running: Promise<void> | null = null;
  /** The seed the next world starts with, when a run asks for one. */
  private nextSeed: string | null | undefined = undefined;
  /** A saved run shown instead of the live one, until the next Run or Reset. */
  private viewer: BundleViewer | null = null;
  /** Settings the user flipped in this session: every new world (Run, Reset) starts with them, as a real server keeps its config. */
  private settingsChosen: Partial<MdmSettingsView> = {};
  /** Finished runs of this session, newest last, so two of them can be compared. */
  private readonly history = new Map<string, RunBundle>();

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
    return this.world.lab;
  }

  get current(): World {
    return this.world;
  }

  private async newWorld(): Promise<void> {
    const ports = this.world ? { mdm: Number(new URL(this.world.mdm.url).port), entra: Number(new URL(this.world.entra.url).port) } : this.opts.ports;
    if (this.world) await this.world.close();
    this.runId = `run-${++this.runCounter}`;
    const dataDir = join(this.baseDir, this.runId);
    this.world = await startWorld({ dataDir, keyCacheDir: defaultKeyCacheDir(), seed: this.nextSeed === undefined ? (this.opts.seed ?? null) : this.nextSeed, ...(ports && { ports }), mdmSettings: this.settingsChosen });
    this.nextSeed = undefined;
    const lab = this.world.lab;
    lab.recorder.on('step', (step) => this.emit('event', { type: 'step', step: asContractStep(step) }));
    lab.gate.on('held', () => this.stateChanged());
    lab.gate.on('released', () => this.stateChanged());
    lab.gate.on('mode', () => this.stateChanged());
    lab.on('cursor', () => this.stateChanged());
    lab.clock.onChange(() => this.stateChanged());
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
    const urls: Partial<Record<string, string>> = { mdm: this.world.mdm.url, entra: this.world.entra.url };
    return (['user', 'device', 'tpm', 'entra', 'mdm', 'orbit'] as const).map((id) => ({ id, label: PARTY_LABELS[id]!, url: urls[id] ?? null }));
  }

  state(): LabState {
    if (this.viewer) return this.viewer.state(this.parties());
    const lab = this.world.lab;
    const waiting = lab.gate.waiting;
    return {
      runId: this.runId,
      scenario: this.scenario,
      options: this.options,
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
    if (this.viewer) return this.viewer.steps();
    return this.world.lab.recorder.all().map(asContractStep);
  }

  /** Open a saved run for viewing. */
  open(bundle: RunBundle): void {
    this.viewer = new BundleViewer(bundle);
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
    const breakpoints = [...this.world.lab.gate.breakpoints];
    if (seed !== undefined) this.nextSeed = seed;
    await this.reset();
    this.scenario = name;
    this.options = options;
    this.status = 'running';
    const lab = this.world.lab;
    lab.gate.setBreakpoints(breakpoints);
    if (stepMode) lab.gate.setMode('step');
    const world = this.world;
    this.running = (async () => {
      try {
        const outcome = await scenario.run(world, options);
        this.expectations = evaluate(scenario.expect(outcome, options), world);
        this.status = this.expectations.every((e) => e.passed) ? 'done' : 'failed';
      } catch (e) {
        if (this.world !== world) return; // the run was reset under it
        this.error = (e as Error).message;
        this.status = 'failed';
      }
      this.remember();
      this.stateChanged();
    })();
    this.stateChanged();
  }

  /** Wait for the current run to end (CLI, tests). */
  async settled(): Promise<void> {
    await this.running;
  }

  control(action: 'step' | 'back' | 'continue' | 'pause' | 'reset', edited?: HttpRequest): boolean {
    if (this.viewer && action !== 'reset') {
      const moved = action === 'back' ? this.viewer.back() : action === 'step' ? this.viewer.forward() : false;
      this.stateChanged();
      return moved;
    }
    const lab = this.world.lab;
    switch (action) {
      case 'step':
        if (edited && lab.gate.waiting) return lab.gate.step({ edited });
        lab.forward();
        return true;
      case 'back':
        return lab.back();
      case 'continue':
        if (lab.cursor !== lab.headIndex) lab.moveTo(lab.headIndex);
        lab.gate.continue(edited ? { edited } : {});
        return true;
      case 'pause':
        lab.gate.setMode('step');
        return true;
      case 'reset':
        void this.reset();
        return true;
    }
  }

  async reset(): Promise<void> {
    this.viewer = null;
    this.scenario = null;
    this.options = {};
    this.status = 'idle';
    this.expectations = [];
    this.error = null;
    await this.newWorld();
  }

  advanceClock(ms: number): void {
    this.world.lab.clock.advance(ms);
  }

  setBreakpoints(bps: Breakpoint[]): void {
    this.world.lab.gate.setBreakpoints(bps);
    this.stateChanged();
  }

  /** Every party's rows as they were after step `index` (-1: before the first). */
  dbView(index: number): DbView {
    if (this.viewer) return this.viewer.dbView(index);
    const snap = this.world.lab.snapshots.get(index);
    if (!snap) throw new Error(`no snapshot after step ${index}`);
    const parties: DbView['parties'] = {};
    for (const party of snap.images.keys()) parties[party] = dumpImage(this.world.lab.snapshots.image(index, party)!);
    return { stepIndex: index, parties };
  }

  // ---- the trainer's console ----

  private requireIdle(): void {
    if (this.status === 'running') throw new SessionBusyError('a run is in progress: wait for it to end, or reset');
  }

  private runDevice() {
    const device = this.world.devices.at(-1);
    if (!device || !device.state.get('enrollment')) throw new SessionBusyError('no enrolled device in this run: run a scenario first');
    return device;
  }

  /** Queue a SyncML command for the run's device; it is sent in the device's next management session. */
  async queueCommand(raw: string): Promise<QueuedCommand> {
    this.requireIdle();
    const device = this.runDevice();
    const deviceId = device.hardware.mdmDeviceId;
    const q = await this.world.lab.local(
      { party: 'mdm', catalogId: 'console.queue-command', detail: { raw } },
      () => queueCommand(this.world.mdm.ctx, deviceId, raw),
    );
    return { commandUuid: q.commandUuid, targetLocUri: q.targetLocUri, deviceId };
  }

  /** The run's device starts a management session now (as when its poll timer fires). */
  async syncDevice(): Promise<void> {
    this.requireIdle();
    const device = this.runDevice();
    this.status = 'running';
    this.stateChanged();
    try {
      await device.syncManagement();
    } finally {
      this.status = 'done';
      this.stateChanged();
    }
  }

  createScimUser(userName: string, emails: string[]): void {
    this.requireIdle();
    void this.world.lab.local({ party: 'mdm', catalogId: 'console.scim-user', title: `Lab: SCIM user ${userName} is provisioned` }, () =>
      createScimUser(this.world.mdm.ctx, { userName, emails: emails.map((email, i) => ({ email, primary: i === 0, type: 'work' })) }),
    );
  }

  mdmSettings(): MdmSettingsView {
    const s = readSettings(this.world.mdm.ctx.store);
    return { euaTokenEnabled: s.euaTokenEnabled, endUserAuthEnabled: s.endUserAuthEnabled, allowOrbitEndUserAuthBypass: s.allowOrbitEndUserAuthBypass, windowsMdmEnabled: s.windowsMdmEnabled };
  }

  updateMdmSettings(patch: Partial<MdmSettingsView>): MdmSettingsView {
    this.requireIdle();
    writeSettings(this.world.mdm.ctx.store, patch);
    this.settingsChosen = { ...this.settingsChosen, ...patch };
    return this.mdmSettings();
  }

  /** Device codes and MFA requests waiting for the user (an outside client's sign-in, or a held scenario). */
  entraPending(): EntraPending {
    const e = this.world.entra;
    return { deviceCodes: e.pendingDeviceCodes(), mfa: e.pendingMfa(), users: e.users.map((u) => ({ upn: u.upn, mfa: u.mfa })) };
  }

  /** The user answers an MFA push in the lab (approve or deny); recorded as a step from the user to Entra. */
  answerMfa(id: string, approve: boolean): void {
    this.world.entra.resolveMfa(id, approve);
  }

  /** The user enters a device code and signs in as `upn`, or declines it. */
  answerDeviceCode(userCode: string, answer: { upn?: string; deny?: boolean }): void {
    if (answer.deny) this.world.entra.denyDeviceCode(userCode);
    else if (answer.upn) this.world.entra.approveDeviceCode(userCode, answer.upn);
    else throw new Error('say which user signs in (upn), or deny');
  }

  private remember(): void {
    this.history.set(this.runId, this.bundle());
    while (this.history.size > 20) this.history.delete(this.history.keys().next().value!);
  }

  runs(): RunSummary[] {
    return [...this.history].map(([runId, b]) => ({ runId, scenario: b.scenario, prompts: b.prompts, passed: b.passed, steps: b.steps.length, createdAt: b.createdAt }));
  }

  /** A finished run's bundle, or the current run's (`current`). */
  bundleOf(runId: string): RunBundle | undefined {
    return runId === 'current' || runId === this.runId ? this.bundle() : this.history.get(runId);
  }

  bundle(opts: { snapshots?: boolean } = {}): RunBundle {
    if (this.viewer) return this.viewer.bundle;
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

  async close(): Promise<void> {
    await this.world.close();
    if (this.ownsBaseDir) rmSync(this.baseDir, { recursive: true, force: true });
  }
}
