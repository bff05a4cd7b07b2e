import { readFileSync, writeFileSync } from 'node:fs';
import { RunBundleSchema, type RunBundle } from '../contract.js';
import { compareRuns, formatComparison } from '../compare/compare.js';
import { toHar } from '../api/har.js';
import { redactBundle } from '../api/redact.js';
import { withoutKeys } from '../api/strip-keys.js';
import { findScenario, listScenarios } from '../../emulators/scenarios/index.js';
import { parseOptionSets } from '../../emulators/scenarios/options.js';
import { runScenarios } from '../host/headless.js';
import { FLEET_PROFILE_NAMES, checkFleetProfile, type FleetProfileName } from '../../emulators/mdm/profiles/profiles.js';

/** A bundle file: one run, or the first of the runs `run --bundle` wrote for several scenarios. */
export function readBundle(file: string): RunBundle {
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const one = Array.isArray(raw) ? raw[0] : raw;
  const parsed = RunBundleSchema.safeParse(one);
  if (!parsed.success) throw new Error(`${file} is not an Enrollscope run bundle: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

interface CompareOpts {
  json?: boolean;
  /** Run this scenario under the two `--fleet` profiles instead of reading two bundles. */
  scenario?: string;
  fleet?: string[];
  set?: string[];
  seed?: string;
}

/** `compare --scenario S --fleet A --fleet B`: the scenario run under each profile (the same seed and options). */
async function runUnderProfiles(opts: CompareOpts): Promise<[RunBundle, RunBundle]> {
  const scenario = findScenario(opts.scenario!);
  if (!scenario) throw new Error(`unknown scenario "${opts.scenario}"; known: ${listScenarios().map((s) => s.name).join(', ')}`);
  const profiles = opts.fleet ?? [];
  if (profiles.length !== 2) throw new Error(`compare --scenario wants two --fleet profiles (A and B), got ${profiles.length}; profiles: ${FLEET_PROFILE_NAMES.join(', ')}`);
  const [a, b] = profiles.map((p) => checkFleetProfile(p)) as [FleetProfileName, FleetProfileName];
  const options = parseOptionSets(opts.set ?? [], [scenario]).get(scenario.name) ?? {};
  const bundles: RunBundle[] = [];
  for (const fleet of [a, b]) {
    const report = await runScenarios([scenario.name], { seed: opts.seed ?? null, options, fleet, progress: (line) => process.stderr.write(`${line}\n`) });
    bundles.push(report.runs[0]!.bundle);
  }
  return [bundles[0]!, bundles[1]!];
}

/**
 * `compare A B` (two bundles) or `compare --scenario S --fleet A --fleet B`: exit 0 when the runs match step for
 * step, 1 when they differ (as diff(1)), 2 on a usage error.
 */
export async function compareCommand(a: string | undefined, b: string | undefined, opts: CompareOpts): Promise<void> {
  try {
    if (opts.scenario !== undefined && (a !== undefined || b !== undefined)) throw new Error('compare takes two bundles or --scenario with two --fleet profiles, not both');
    if (opts.scenario === undefined && (a === undefined || b === undefined)) throw new Error('compare wants two bundles (A B), or --scenario NAME --fleet A --fleet B');
    const [ba, bb] = opts.scenario !== undefined ? await runUnderProfiles(opts) : [readBundle(a!), readBundle(b!)];
    const result = compareRuns(ba, bb);
    process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${formatComparison(result, ba, bb)}\n`);
    const { changed, onlyA, onlyB } = result.summary;
    process.exitCode = changed + onlyA + onlyB === 0 ? 0 : 1;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}

/**
 * `export BUNDLE [--har FILE] [--without-keys FILE] [--redacted FILE]`: the HTTP steps of a saved run as HAR 1.2
 * (stdout unless a file is named); the bundle with the lab servers' private keys blanked in its DB snapshots; the
 * bundle without any secret and without snapshots (the UI's "Redact" export). SECURITY.md says which is which.
 */
export function exportCommand(bundle: string, opts: { har?: string; withoutKeys?: string; redacted?: string }): void {
  try {
    const run = readBundle(bundle);
    const json = (v: unknown) => JSON.stringify(v, null, 1);
    if (opts.withoutKeys) writeFileSync(opts.withoutKeys, json(withoutKeys(run)));
    if (opts.redacted) writeFileSync(opts.redacted, json(redactBundle(run)));
    if (opts.har) writeFileSync(opts.har, json(toHar(run.steps)));
    else if (!opts.withoutKeys && !opts.redacted) process.stdout.write(`${json(toHar(run.steps))}\n`);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
