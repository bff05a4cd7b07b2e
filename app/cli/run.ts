import { pickSeededPorts } from '../../emulators/lab/seeded-ports.js';
import { SEEDED_START } from '../../emulators/lab/lab.js';
import { writeFileSync } from 'node:fs';
import { findScenario, listScenarios } from '../../emulators/scenarios/index.js';
import { parseOptionSets } from '../../emulators/scenarios/options.js';
import { runScenarios, type RunReport } from '../host/headless.js';
import { parseTpmChoice } from '../../emulators/device/tpm/backend.js';
import { toJUnit } from './junit.js';
import { mdmMysqlWatcher } from './mdm-mysql.js';
import { mdmTargetOption, type MdmTargetOpts } from './mdm-target.js';
import { ineligibleFor } from '../../emulators/scenarios/types.js';
import { fleetProfileInfos, formatFleetProfiles } from '../host/fleet-profiles.js';
import { checkFleetProfile, type FleetProfileName } from '../../emulators/mdm/profiles/profiles.js';
import { usageError } from './usage.js';

/** `--fleet NAME` checked: the profile, or a usage error (exit 2) naming the profiles there are. */
export function fleetOption(name: string | undefined): FleetProfileName | undefined | Error {
  if (name === undefined) return undefined;
  try {
    return checkFleetProfile(name);
  } catch (e) {
    return e as Error;
  }
}

export function listCommand(opts: { json?: boolean; fleet?: boolean }): void {
  if (opts.fleet) {
    const infos = fleetProfileInfos();
    process.stdout.write(opts.json ? `${JSON.stringify(infos)}\n` : `${formatFleetProfiles(infos)}\n`);
    return;
  }
  const all = listScenarios();
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(all.map((s) => ({ name: s.name, title: s.title, description: s.description })))}\n`);
    return;
  }
  const w = Math.max(8, ...all.map((s) => s.name.length));
  for (const s of all) process.stdout.write(`${s.name.padEnd(w)}  ${s.title}\n`);
}

interface RunOpts extends MdmTargetOpts {
  seed?: string;
  json?: boolean;
  junit?: string;
  bundle?: string;
  set?: string[];
  tls?: boolean;
  fleet?: string;
  mdmMysql?: string;
  tpm?: string;
}

export async function runCommand(names: string[], opts: RunOpts): Promise<void> {
  const known = listScenarios().map((s) => s.name);
  const wanted = names.includes('all') ? known : names;
  const unknown = wanted.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${known.join(', ') || '(none)'}\n`);
    process.exitCode = 2;
    return;
  }
  const fleet = fleetOption(opts.fleet);
  if (fleet instanceof Error) return usageError(fleet);
  const tpm = parseTpmChoice(opts.tpm);
  if (tpm instanceof Error) return usageError(tpm);
  let options: Map<string, Record<string, string | boolean>>;
  try {
    options = parseOptionSets(opts.set ?? [], wanted.map((n) => findScenario(n)!));
  } catch (e) {
    // A typo in --set is a usage error, never a run with the default (exit 2, the valid options listed).
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const watcher = await mdmMysqlWatcher(opts.mdmMysql);
  if (watcher instanceof Error) return usageError(watcher);
  const externalMdm = mdmTargetOption(opts);
  if (externalMdm instanceof Error) return usageError(externalMdm);
  if (externalMdm) {
    // Fail fast, before a world starts: a scenario that needs the embedded MDM server cannot run against another.
    const blocked = wanted.map((n) => ineligibleFor(findScenario(n)!, options.get(n) ?? {}, { embedded: false, labApi: true })).filter((w): w is string => w !== null);
    if (blocked.length > 0) {
      process.stderr.write(`${blocked.join('\n')}\n`);
      process.exitCode = 2;
      return;
    }
    if (opts.seed !== undefined) process.stderr.write(`note: a seeded run pins the lab clock at ${new Date(SEEDED_START).toISOString()}: a Fleet on real time sees its Entra tokens as expired (enrollscope serve --seed pins the same instant)\n`);
  }
  let report: RunReport;
  // A seeded run takes the seed's ports, so another process with the same seed writes the same bundle (seeded-ports.ts).
  const seeded = opts.seed === undefined ? undefined : await pickSeededPorts(opts.seed);
  if (seeded && !seeded.reproducible) process.stderr.write(`warning: the ports of seed ${opts.seed} are in use; this run takes other ports and its bundle will not be byte-identical to another run of the seed\n`);
  try {
    report = await runScenarios(wanted, { seed: opts.seed ?? null, options, ...(seeded?.ports && { ports: seeded.ports }), ...(opts.tls && { tls: true }), ...(fleet && { fleet }), ...(watcher && { watchers: [watcher] }), tpm, ...(externalMdm && { externalMdm }), progress: (line) => process.stderr.write(`${line}\n`) });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  } finally {
    await watcher?.close();
  }
  if (opts.json) {
    const runs = report.runs.map((r) => ({ scenario: r.scenario, seed: r.seed, passed: r.passed, prompts: r.prompts, steps: r.steps, failures: r.failures }));
    process.stdout.write(`${JSON.stringify({ runs, passed: report.passed, failed: report.failed })}\n`);
  }
  else for (const r of report.runs) process.stdout.write(`${r.passed ? 'PASS' : 'FAIL'}  ${r.scenario}  (${r.steps} steps, ${r.prompts} prompt(s))${r.failures.length ? `\n      ${r.failures.join('\n      ')}` : ''}\n`);
  if (opts.junit) writeFileSync(opts.junit, toJUnit(report));
  if (opts.bundle) writeFileSync(opts.bundle, JSON.stringify(report.runs.length === 1 ? report.runs[0]!.bundle : report.runs.map((r) => r.bundle), null, 1));
  process.exitCode = report.failed === 0 ? 0 : 1;
}
