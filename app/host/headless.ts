import { Session } from './session.js';
import type { ExpectationResult, RunBundle } from '../contract.js';
import type { FleetProfileName } from '../../emulators/mdm/profiles/profiles.js';
import type { StepWatcher } from '../../emulators/lab/lab.js';
import type { TpmChoice } from '../../emulators/device/tpm/backend.js';
import type { ExternalMdm } from '../../emulators/scenarios/world.js';

export interface RunResult {
  scenario: string;
  seed: string | null;
  passed: boolean;
  prompts: number;
  steps: number;
  failures: string[];
  expectations: ExpectationResult[];
  error: string | null;
  durationMs: number;
  bundle: RunBundle;
}

export interface RunReport {
  runs: RunResult[];
  passed: number;
  failed: number;
}

/**
 * Run scenarios one after another in fresh worlds, headless; the CLI and tests use this. One session serves them
 * all: every run starts its own world (Session.run resets), so a session per scenario would start a world (and,
 * unseeded, make its RSA keys) only to replace it.
 */
export async function runScenarios(
  names: string[],
  opts: {
    seed: string | null;
    /** A seed of each scenario's own instead (runs against one shared external Fleet must not share hardware ids). */
    seedFor?: (name: string) => string;
    /** One set of options for every scenario, or each scenario's own (the CLI's parsed `--set`). */
    options?: Record<string, string | boolean> | Map<string, Record<string, string | boolean>>;
    progress?: (line: string) => void; ports?: { mdm?: number; entra?: number };
    /** Every run's servers speak HTTPS on the session's lab CA. */
    tls?: boolean;
    /** The Fleet profile every run's MDM server behaves as (default the newest). */
    fleet?: FleetProfileName;
    /** Asked around every step of every run (--mdm-mysql). */
    watchers?: readonly StepWatcher[];
    /** The devices' TPM (--tpm). */
    tpm?: TpmChoice;
    /** Every run enrolls into this MDM server (run --mdm-url) instead of an embedded one. */
    externalMdm?: ExternalMdm },
): Promise<RunReport> {
  const runs: RunResult[] = [];
  const session = await Session.start({ seed: opts.seed, ...(opts.ports && { ports: opts.ports }), ...(opts.tls && { tls: true }), ...(opts.fleet && { fleet: opts.fleet }), ...(opts.watchers && { watchers: opts.watchers }), ...(opts.tpm && { tpm: opts.tpm }), ...(opts.externalMdm && { externalMdm: opts.externalMdm }) });
  for (const note of session.current.mdmTarget.notes) opts.progress?.(`note: ${note}`);
  session.on('event', (ev) => {
    if (ev.type === 'step' && (ev.step.status === 'done' || ev.step.status === 'error')) opts.progress?.(`  ${ev.step.index + 1}. ${ev.step.from} → ${ev.step.to}  ${ev.step.title}${ev.step.response ? `  ${ev.step.response.status}` : ''}`);
  });
  try {
    for (const name of names) {
      const t0 = performance.now();
      opts.progress?.(`running ${name}…`);
      await session.run(name, (opts.options instanceof Map ? opts.options.get(name) : opts.options) ?? {}, false, opts.seedFor?.(name), undefined, opts.fleet);
      await session.settled();
      const state = session.state();
      const expectations = state.expectations;
      const failures = [...expectations.filter((e) => !e.passed && e.skipped === undefined).map((e) => `${e.name}: ${e.detail}`), ...(state.error ? [`error: ${state.error}`] : [])];
      runs.push({
        scenario: name,
        seed: opts.seedFor?.(name) ?? opts.seed,
        passed: state.status === 'done' && failures.length === 0,
        prompts: state.prompts,
        steps: state.stepCount,
        failures,
        expectations,
        error: state.error,
        durationMs: performance.now() - t0,
        bundle: session.bundle({ snapshots: true }),
      });
      opts.progress?.(`${failures.length === 0 && state.status === 'done' ? 'passed' : 'FAILED'} ${name}`);
    }
  } finally {
    await session.close();
  }
  const passed = runs.filter((r) => r.passed).length;
  return { runs, passed, failed: runs.length - passed };
}
