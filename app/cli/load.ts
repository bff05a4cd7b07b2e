import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { defaultWorkers, runLoad } from '../../emulators/load/engine.js';
import { LOAD_SCENARIOS, type LoadScenario } from '../../emulators/load/flows.js';
import { parseShard, type Shard } from '../../emulators/load/shard.js';
import { mergeSummaries, type LoadSummary } from '../../emulators/load/summary.js';
import { PHASES } from '../../emulators/load/stats.js';
import { defaultKeyCacheDir } from '../host/session.js';
import { usageError as usage } from './usage.js';
import { findSwtpm } from '../../emulators/device/tpm/swtpm.js';
import { mdmTargetOption, type MdmTargetOpts } from './mdm-target.js';

interface LoadOpts extends MdmTargetOpts {
  devices: string;
  concurrency?: string;
  keys: string;
  scenario: string;
  seed: string;
  shard?: string;
  json?: string;
  dataDir?: string;
  quiet?: boolean;
  workers?: string;
  tpm: string;
}

/** The summary for people: rate, phase latencies, errors, rows. */
export function formatSummary(s: LoadSummary): string {
  const lines = [
    `${s.devices} device(s) of ${s.scenario} (keys ${s.keys}, shard${s.shards.length > 1 ? 's' : ''} ${s.shards.map((x) => `${x.index}/${x.count}`).join(', ')}): ${s.ok} ok, ${s.failed} failed`,
    ...(s.targetUrl ? [`into the ${s.target} MDM at ${s.targetUrl}`] : []),
    `${s.devicesPerS} devices/s over ${(s.wallMs / 1000).toFixed(1)} s, concurrency ${s.concurrency}, peak RSS ${s.peakRssMb} MiB`,
    `CPU ${(s.cpuMs / 1000).toFixed(1)} s while the devices ran: ${(s.cpuMs / s.devices).toFixed(1)} ms a device`,
    '',
    `  ${'phase'.padEnd(11)} ${'p50 ms'.padStart(9)} ${'p90 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'max ms'.padStart(9)}`,
    ...PHASES.map((p) => {
      const l = s.latency[p];
      return `  ${p.padEnd(11)} ${l.p50.toFixed(1).padStart(9)} ${l.p90.toFixed(1).padStart(9)} ${l.p99.toFixed(1).padStart(9)} ${l.max.toFixed(1).padStart(9)}`;
    }),
  ];
  if (s.errors.length > 0) {
    lines.push('', 'errors:');
    for (const e of s.errors) lines.push(`  ${String(e.count).padStart(6)}  ${e.kind}`, `          e.g. device ${e.sampleDevice}: ${e.sample}`);
  }
  const rows = s.rows.mdm ?? {};
  const shown = ['hosts', 'mdm_windows_enrollments', 'host_mdm_idp_accounts', 'mdm_idp_accounts', 'windows_mdm_commands'].filter((t) => t in rows);
  if (shown.length > 0) lines.push('', `MDM rows at the end: ${shown.map((t) => `${t} ${rows[t]}`).join(', ')}`);
  for (const n of s.notes ?? []) lines.push(`note: ${n}`);
  if (s.duplicateIdentities !== undefined) lines.push(`identities shared between devices: ${s.duplicateIdentities}`);
  return `${lines.join('\n')}\n`;
}

function writeOut(file: string | undefined, s: LoadSummary): void {
  if (file === undefined) process.stdout.write(formatSummary(s));
  else if (file === '-') process.stdout.write(`${JSON.stringify(s)}\n`);
  else {
    writeFileSync(file, `${JSON.stringify(s)}\n`);
    process.stdout.write(formatSummary(s));
  }
}


const whole = (name: string, v: string): number | Error => (/^\d+$/.test(v) && Number(v) >= 1 ? Number(v) : new Error(`${name} must be a whole number of 1 or more, not "${v}"`));

export async function loadCommand(args: string[], opts: LoadOpts): Promise<void> {
  if (args[0] === 'merge') {
    if (args.length < 2) return usage('load merge needs the shard summaries: load merge a.json b.json …');
    let parts: LoadSummary[];
    try {
      parts = args.slice(1).map((f) => JSON.parse(readFileSync(f, 'utf8')) as LoadSummary);
      const merged = mergeSummaries(parts);
      writeOut(opts.json, merged);
      process.exitCode = merged.failed === 0 && merged.duplicateIdentities === 0 ? 0 : 1;
    } catch (e) {
      usage(`load merge: ${(e as Error).message}`);
    }
    return;
  }
  if (args.length > 0) return usage(`load takes no arguments but "merge" (got ${args.join(' ')})`);
  const devices = whole('--devices', opts.devices);
  if (devices instanceof Error) return usage(devices.message);
  const concurrency = whole('--concurrency', opts.concurrency ?? String(Math.min(devices, 8 * availableParallelism())));
  if (concurrency instanceof Error) return usage(concurrency.message);
  if (opts.keys !== 'pooled' && opts.keys !== 'fresh') return usage(`--keys must be pooled or fresh, not "${opts.keys}"`);
  if (opts.tpm !== 'soft' && opts.tpm !== 'swtpm') return usage(`--tpm must be soft or swtpm, not "${opts.tpm}"`);
  if (opts.tpm === 'swtpm' && opts.keys !== 'fresh') return usage('--tpm swtpm makes every key inside swtpm: use it with --keys fresh');
  if (opts.tpm === 'swtpm' && !findSwtpm()) return usage('--tpm swtpm: swtpm is not installed (apt-get install swtpm swtpm-tools)');
  if (!(LOAD_SCENARIOS as readonly string[]).includes(opts.scenario)) return usage(`--scenario must be one of ${LOAD_SCENARIOS.join(', ')}, not "${opts.scenario}"`);
  const workers = opts.workers === undefined ? defaultWorkers(opts.keys, availableParallelism()) : /^\d+$/.test(opts.workers) ? Number(opts.workers) : new Error(`--workers must be a whole number (0: none), not "${opts.workers}"`);
  if (workers instanceof Error) return usage(workers.message);
  let shard: Shard;
  try {
    shard = parseShard(opts.shard);
  } catch (e) {
    return usage((e as Error).message);
  }
  const externalMdm = mdmTargetOption(opts);
  if (externalMdm instanceof Error) return usage(externalMdm);
  let summary: LoadSummary;
  try {
    summary = await runLoad({
      devices,
      concurrency,
      keys: opts.keys,
      tpm: opts.tpm,
      scenario: opts.scenario as LoadScenario,
      seed: opts.seed,
      shard,
      keyCacheDir: defaultKeyCacheDir(),
      ...(opts.dataDir && { dataDir: opts.dataDir }),
      progress: opts.quiet ? null : process.stderr,
      workers,
      ...(externalMdm && { target: { kind: 'external' as const, ...externalMdm } }),
    });
  } catch (e) {
    // The load did not run (an external Fleet unreachable, its token refused, a lab switch a real Fleet lacks): as
    // run does, one line and exit 2, apart from 1 (devices failed their story).
    process.stderr.write(`load: ${(e as Error).message.split('\n')[0]}\n`);
    process.exitCode = 2;
    return;
  }
  writeOut(opts.json, summary);
  process.exitCode = summary.failed === 0 ? 0 : 1;
}

/** `enrollscope load …` and `enrollscope load merge …` (docs/load.md). */
export function registerLoad(program: Command): void {
  program
    .command('load')
    .description('put N virtual Windows devices through the whole Entra join + MDM + EUA story at once; "load merge a.json b.json" merges shard summaries')
    .argument('[merge...]', '"merge" and the shard summaries (--json files) to merge')
    .option('--devices <n>', 'devices in this shard', '100')
    .option('--concurrency <n>', 'devices in flight at once (default 8 per core)')
    .addOption(new Option('--keys <mode>', 'pooled: RSA keys from a pool made once per seed; fresh: every TPM key generated').choices(['pooled', 'fresh']).default('pooled'))
    .addOption(new Option('--scenario <name>', 'the story each device tells').choices([...LOAD_SCENARIOS]).default('autopilot-eua'))
    .option('--seed <seed>', 'seed of the identities (hardware ids, serials, users) and the key pool', 'enrollscope-load')
    .option('--shard <i/N>', 'this copy is shard i of N (disjoint identities); "/N" takes i from JOB_COMPLETION_INDEX')
    .option('--json <file>', 'write the JSON summary here ("-": stdout instead of the table)')
    .option('--data-dir <dir>', 'folder for the DB files (default: a temporary folder, removed at the end)')
    .option('--workers <n>', 'worker threads the devices run in, beside the servers on the main thread (default: one per core with pooled keys, one per 4 cores with fresh; 0: none)')
    // The in-process TPM is load's default (#17): a swtpm per device costs a process and ~0.2 s per RSA-2048 key.
    .addOption(new Option('--tpm <backend>', 'the devices\' TPM: soft (in-process) or swtpm (a swtpm process per device; needs --keys fresh)').choices(['soft', 'swtpm']).default('soft'))
    .option('--quiet', 'no progress line on stderr')
    // As run's (bin.ts externalFleetOptions, less --mdm-mysql: a load keeps no per-step history to show rows in).
    .option('--mdm-url <url>', 'enroll the devices into this MDM server (a Fleet, https://host:port) instead of the embedded one')
    .option('--mdm-token <token>', 'the Fleet API token for --mdm-url (an API-only user\'s, or serve --json\'s fleetApiToken)')
    .option('--mdm-ca <file>', 'the CA certificate (PEM) --mdm-url\'s certificate chains to')
    .option('--insecure', 'accept every certificate from --mdm-url (loudly warned; never for a real network)')
    .action(loadCommand);
}
