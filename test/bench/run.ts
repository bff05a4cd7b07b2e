/**
 * `npm run bench`: the speed and memory figures (never asserted in tests). Prints a table; `-- --json` prints one
 * JSON document instead; `-- --only load,ui` runs some sections. Targets (2 cores):
 *  - start-up: `serve --json` to its JSON line; `npm start` (warm) to the UI answering (start_ready_ms ≤ 3 s)
 *  - a headless autopilot-eua run over the RSA key generation inside it (overhead_ratio ≤ 1.5)
 *  - load: 1,000 devices on pooled keys (≥ 20 devices/s, 0 errors, peak RSS ≤ 1 GiB); 5 × 50 on fresh keys against key
 *    generation alone (fresh_efficiency ≥ 0.9)
 *  - step back / random moves in a 1,000-step run (p99 ≤ 50 ms), its snapshot memory
 *  - the UI with 10,000 steps: first render, scroll frame times (p95 ≤ 16 ms) and DOM size (ui-scroll.ts)
 * A section is a function returning table rows and JSON keys: add one to SECTIONS.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { startWorld } from '../../emulators/scenarios/world.js';
import { runAutopilot, optionsOf } from '../../emulators/scenarios/flows/autopilot.js';
import { queueCommand } from '../../emulators/mdm/admin.js';
import { runScenarios } from '../../app/host/headless.js';
import { defaultKeyCacheDir } from '../../app/host/session.js';
import { KeyFactory, keygenMeter } from '../../emulators/lab/keys.js';
import { defaultWorkers, runLoad } from '../../emulators/load/engine.js';
import type { LoadSummary } from '../../emulators/load/summary.js';
import { KEYS_PER_DEVICE } from '../../emulators/load/key-pool.js';
import { uiScrollBench } from './ui-scroll.js';
import { tpmBackendsBench } from './tpm-backends.js';

export type BenchValue = number | string | boolean | null;
export interface SectionResult {
  rows: [string, string][];
  json: Record<string, BenchValue>;
}
export type Section = () => Promise<SectionResult>;

const quantile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
};
const stat = (xs: number[]) => `median ${quantile(xs, 0.5).toFixed(2)} ms, p95 ${quantile(xs, 0.95).toFixed(2)} ms, p99 ${quantile(xs, 0.99).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms (n=${xs.length})`;
const r1 = (v: number) => Math.round(v * 10) / 10;
const r3 = (v: number) => Math.round(v * 1000) / 1000;
const quiet = process.argv.includes('--json');
const log = (line: string) => {
  if (!quiet) process.stderr.write(`${line}\n`);
};

/** A child's stdout until a line matches; resolves with the match and the ms it took. */
function firstLine(child: ReturnType<typeof spawn>, re: RegExp, t0: number): Promise<{ match: RegExpMatchArray; ms: number }> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      const m = re.exec(line);
      if (m) {
        rl.close();
        resolve({ match: m, ms: performance.now() - t0 });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before printing ${re}`)));
  });
}

async function stop(child: ReturnType<typeof spawn>): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  await exited;
}

const serveStartup: Section = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-serve-'));
  const t0 = performance.now();
  const child = spawn(join(process.cwd(), 'node_modules/.bin/tsx'), ['app/cli/bin.ts', 'serve', '--json', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const { ms } = await firstLine(child, /^\{/, t0);
  await stop(child);
  rmSync(dir, { recursive: true, force: true });
  return { rows: [['serve --json → JSON line (cold process, tsx)', `${ms.toFixed(0)} ms`]], json: { serve_json_ms: Math.round(ms) } };
};

/** `npm start` twice (the first builds; the second is warm) to the UI URL answering 200. */
const startReady: Section = async () => {
  const once = async () => {
    const t0 = performance.now();
    const child = spawn('bash', ['scripts/start.sh', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    try {
      const { match } = await firstLine(child, /(https?:\/\/127\.0\.0\.1:\d+\S*)/, t0);
      for (;;) {
        const ok = await fetch(match[1]!).then((r) => r.ok, () => false);
        if (ok) return performance.now() - t0;
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await stop(child);
    }
  };
  await once();
  const warm = await once();
  return { rows: [['npm start (warm) → UI answering', `${warm.toFixed(0)} ms`]], json: { start_ready_ms: Math.round(warm) } };
};

/** A fresh-key headless autopilot-eua run (unseeded: every RSA key made), and the key generation inside it. */
const headless: Section = async () => {
  const runs: { wall: number; keygen: number; keys: number; steps: number; prompts: number; passed: boolean }[] = [];
  for (let i = 0; i < 3; i++) {
    const k0 = { ...keygenMeter };
    const t0 = performance.now();
    const r = await runScenarios(['autopilot-eua'], { seed: null });
    runs.push({ wall: performance.now() - t0, keygen: keygenMeter.busyMs - k0.busyMs, keys: keygenMeter.keys - k0.keys, steps: r.runs[0]!.steps, prompts: r.runs[0]!.prompts, passed: r.runs[0]!.passed });
  }
  const mid = [...runs].sort((a, b) => a.wall - b.wall)[1]!;
  return {
    rows: [
      ['autopilot-eua steps / prompts', `${mid.steps} steps, ${mid.prompts} prompt(s), passed=${mid.passed}`],
      ['autopilot-eua headless, fresh keys (3 runs)', stat(runs.map((r) => r.wall))],
      ['  … of which RSA key generation (median run)', `${mid.keygen.toFixed(0)} ms for ${mid.keys} keys; overhead ratio ${(mid.wall / mid.keygen).toFixed(2)}`],
    ],
    json: { wall_ms: Math.round(mid.wall), keygen_ms: Math.round(mid.keygen), overhead_ratio: r3(mid.wall / mid.keygen) },
  };
};

const pooledLoad: Section = async () => {
  const s = await runLoad({ devices: 1000, concurrency: 8 * availableParallelism(), keys: 'pooled', scenario: 'autopilot-eua', seed: 'bench-load', shard: { index: 0, count: 1 }, keyCacheDir: defaultKeyCacheDir(), progress: quiet ? null : process.stderr, workers: defaultWorkers('pooled', availableParallelism()) });
  const errors = s.errors.reduce((a, e) => a + e.count, 0);
  return {
    rows: [
      ['load: 1,000 devices, pooled keys (autopilot-eua)', `${s.devicesPerS} devices/s, device p50 ${s.latency.device.p50} ms, p99 ${s.latency.device.p99} ms, ${errors} error(s), peak RSS ${s.peakRssMb} MiB, ${(s.cpuMs / s.devices).toFixed(1)} ms CPU a device`],
      ...s.errors.slice(0, 3).map((e): [string, string] => [`  error ×${e.count}`, `${e.kind} (e.g. ${e.sample})`]),
    ],
    json: { devices: s.devices, devices_per_s: s.devicesPerS, p50_ms: s.latency.device.p50, p99_ms: s.latency.device.p99, peak_rss_mb: s.peakRssMb, errors, cpu_ms_per_device: r3(s.cpuMs / s.devices) },
  };
};

/** RSA-2048 key generation alone, `inFlight` at a time: how many keys, in what wall time, for what process CPU. */
async function keygenAlone(n: number, inFlight: number): Promise<{ keys: number; wallMs: number; cpuMs: number; eachMs: number[] }> {
  const f = new KeyFactory(null, null);
  let next = 0;
  const eachMs: number[] = [];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next++ < n) {
      const t = performance.now();
      await f.rsa('bench');
      eachMs.push(performance.now() - t);
    }
  }));
  const c = process.cpuUsage(c0);
  return { keys: n, wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, eachMs };
}

/** Coefficient of variation (standard deviation ÷ mean). */
function cv(xs: number[]): number {
  const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) / mean;
}

/** Fresh-key loads the fresh section runs, each between two key generations alone. */
const FRESH_RUNS = 5;

const freshLoad: Section = async () => {
  const cores = availableParallelism();
  // The flow in its steady state, as JIT benchmarks measure one: V8 compiles and optimizes the devices' and
  // servers' code over their first ~100 devices, a fixed cost a load of thousands amortizes and one of 50 does not
  // (non-key CPU a fresh device, /proc/self/task, 2 cores: 88.6 ms cold, 52.4 ms after this warm-up). The warm-up
  // runs the same flow on this thread with pooled keys, unmeasured.
  await runLoad({ devices: 100, concurrency: 4 * cores, keys: 'pooled', scenario: 'autopilot-eua', seed: 'bench-load', shard: { index: 0, count: 1 }, keyCacheDir: defaultKeyCacheDir(), progress: null, workers: 0 });
  // RSA key generation time varies with the primes found and with what else the machine runs: key generation alone
  // is measured before and after every load, so each load is set against the machine it ran on. One key's time varies
  // by half its mean (64 keys on the bench machine: 255 ± 132 ms), and so does a 50-device load's own 150 keys' (one
  // load's efficiency: 0.86–1.03 over 29 loads on one VM), so the figure is five loads of 50 taken together, with
  // 48 keys a core alone each side (12 a core left the rate ±7.5 %, one σ): ±0.026 (one σ) where three loads left ±0.035.
  const alone = [await keygenAlone(48 * cores, cores)];
  const loads: LoadSummary[] = [];
  for (let i = 0; i < FRESH_RUNS; i++) {
    loads.push(await runLoad({ devices: 50, concurrency: 4 * cores, keys: 'fresh', scenario: 'autopilot-eua', seed: 'bench-load-fresh', shard: { index: 0, count: 1 }, keyCacheDir: defaultKeyCacheDir(), progress: quiet ? null : process.stderr, workers: defaultWorkers('fresh', cores) }));
    alone.push(await keygenAlone(48 * cores, cores));
  }
  const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);
  const rate = (ks: typeof alone) => sum(ks, (k) => k.keys) / (sum(ks, (k) => k.wallMs) / 1000);
  // Each load against the key generation either side of it; all of them against all of it.
  const each = loads.map((l, i) => l.devicesPerS / (rate([alone[i]!, alone[i + 1]!]) / KEYS_PER_DEVICE));
  const devices = sum(loads, (l) => l.devices);
  const loadWallMs = sum(loads, (l) => l.wallMs);
  const loadCpuMs = sum(loads, (l) => l.cpuMs);
  const devicesPerS = devices / (loadWallMs / 1000);
  const keys = sum(alone, (k) => k.keys);
  const aloneWallMs = sum(alone, (k) => k.wallMs);
  const aloneCpuMs = sum(alone, (k) => k.cpuMs);
  const keyCv = cv(alone.flatMap((k) => k.eachMs));
  const keysPerS = rate(alone);
  const ceiling = keysPerS / KEYS_PER_DEVICE;
  const efficiency = devicesPerS / ceiling;
  // Why the efficiency is what it is, in two factors whose product it is: the share of a fresh device's CPU that is
  // its keys (at the CPU a key costs alone), and how busy the loads kept the cores next to key generation alone.
  const keyCpuMs = aloneCpuMs / keys;
  const deviceCpuMs = loadCpuMs / devices;
  const keyShare = (KEYS_PER_DEVICE * keyCpuMs) / deviceCpuMs;
  const busyRatio = loadCpuMs / loadWallMs / (aloneCpuMs / aloneWallMs);
  // That spread makes the loads' own keys a sample too: the efficiency's standard deviation from it alone is one
  // key's spread over √keys, the loads' and those made alone.
  const efficiencySd = efficiency * keyCv * Math.sqrt(1 / (KEYS_PER_DEVICE * devices) + 1 / keys);
  const errors = sum(loads, (l) => sum(l.errors, (e) => e.count));
  const range = `${Math.min(...each).toFixed(3)}–${Math.max(...each).toFixed(3)}`;
  return {
    rows: [
      [`RSA-2048 key generation alone (${cores} in flight, ${keys} keys)`, `${keysPerS.toFixed(2)} keys/s, ${keyCpuMs.toFixed(0)} ms CPU a key → at most ${ceiling.toFixed(2)} devices/s at ${KEYS_PER_DEVICE} keys a device`],
      [`load: ${FRESH_RUNS} × 50 devices, fresh keys in each TPM (after a warm-up)`, `${devicesPerS.toFixed(2)} devices/s (efficiency ${efficiency.toFixed(2)} ± ${efficiencySd.toFixed(2)} from one key's spread, ${(100 * keyCv).toFixed(0)} %; each load ${range}), ${errors} error(s)`],
      ['  … CPU a device / its keys\' share', `${deviceCpuMs.toFixed(0)} ms / ${keyShare.toFixed(2)} (the rest: the flow's own work)`],
      ['  … cores kept busy against key generation alone', busyRatio.toFixed(2)],
    ],
    json: { keygen_keys_per_s: r3(keysPerS), keygen_cpu_ms: r3(keyCpuMs), fresh_devices_per_s: r3(devicesPerS), fresh_efficiency: r3(efficiency), fresh_efficiency_sd: r3(efficiencySd), fresh_efficiency_each: each.map((e) => e.toFixed(3)).join(' '), fresh_errors: errors, fresh_cpu_ms_per_device: r3(deviceCpuMs), fresh_key_cpu_share: r3(keyShare), fresh_busy_ratio: r3(busyRatio) },
  };
};

/** A 1,000-step run: Autopilot, then trainer-queued Gets answered in management sessions; moves and step back. */
const history: Section = async () => {
  const rows: [string, string][] = [];
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  let t0 = performance.now();
  const world = await startWorld({ dataDir: dir, seed: 'bench', keyCacheDir: defaultKeyCacheDir() });
  rows.push(['world start in-process (Entra + MDM, keys cached)', `${(performance.now() - t0).toFixed(0)} ms`]);
  t0 = performance.now();
  const out = await runAutopilot(world, optionsOf({}));
  const lab = world.lab;
  while (lab.recorder.all().length < 1000) {
    queueCommand(world.mdm.ctx, out.mdmDeviceId, `<Get><CmdID>${lab.ids.uuid()}</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get>`);
    await out.device.syncManagement();
  }
  const n = lab.recorder.all().length;
  rows.push([`build a ${n}-step run`, `${((performance.now() - t0) / 1000).toFixed(1)} s, ${((performance.now() - t0) / n).toFixed(2)} ms/step`]);
  rows.push(['snapshot memory for that run (shared images counted once)', `${(lab.snapshots.bytes() / 1024 / 1024).toFixed(1)} MiB`]);
  rows.push(['party DB sizes at the end', lab.allStores().map((s) => `${s.party} ${(s.serialize().length / 1024).toFixed(0)} KiB`).join(', ')]);
  const head = lab.headIndex;
  const moves: number[] = [];
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 200; i++) {
    const to = Math.floor(rnd() * (head + 1));
    const t = performance.now();
    lab.moveTo(to);
    moves.push(performance.now() - t);
  }
  rows.push(['move the world between two random steps (restore every DB)', stat(moves)]);
  const backs: number[] = [];
  lab.moveTo(head);
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    lab.back();
    backs.push(performance.now() - t);
  }
  rows.push(['step back one step', stat(backs)]);
  lab.moveTo(head);
  await world.close();
  rmSync(dir, { recursive: true, force: true });
  return { rows, json: { history_steps: n, step_back_p50_ms: r3(quantile(moves, 0.5)), step_back_p99_ms: r3(quantile(moves, 0.99)), step_back_one_p99_ms: r3(quantile(backs, 0.99)), snapshot_mb: r1(lab.snapshots.bytes() / 1024 / 1024) } };
};

const ui: Section = async () => uiScrollBench();

/** TPM backends' cost (tpm-backends.ts, issue 17): rows only. */
const tpm: Section = async () => ({ rows: await tpmBackendsBench(), json: {} });

/** Every section, in the order the table prints them. */
const SECTIONS: Record<string, Section> = { serve: serveStartup, start: startReady, headless, load: pooledLoad, fresh: freshLoad, history, ui, tpm };

async function main(): Promise<void> {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  const rows: [string, string][] = [];
  const json: Record<string, BenchValue> = { cores: availableParallelism(), node: process.version, loadavg_1m: 0 };
  for (const [name, section] of Object.entries(SECTIONS)) {
    if (only && !only.includes(name)) continue;
    log(`bench: ${name}…`);
    try {
      const r = await section();
      rows.push(...r.rows);
      Object.assign(json, r.json);
    } catch (e) {
      rows.push([name, `failed: ${(e as Error).message}`]);
      json[`${name}_error`] = (e as Error).message;
    }
  }
  json.loadavg_1m = r1((await import('node:os')).loadavg()[0]!);
  if (quiet) {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`Enrollscope benchmarks (${availableParallelism()} cores, Node ${process.version}, load average ${json.loadavg_1m})`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
}

await main();
process.exit(0);
