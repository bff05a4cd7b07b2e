/**
 * `npm run bench`: the speed and memory figures (never asserted in tests). Prints a table; exits 0.
 *  - start-up: a world (Entra + MDM servers, CA keys cached) and `serve --json` to its JSON line (target ≤ 10 s)
 *  - a full autopilot-eua run headless
 *  - step back / forward between any two steps of a 1,000-step run (target ≤ 50 ms)
 *  - snapshot memory of that run
 *  - the UI with 10,000 steps: scroll frame gaps and DOM size (test/bench/ui-scroll.ts)
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startWorld } from '../../emulators/scenarios/world.js';
import { runAutopilot, optionsOf } from '../../emulators/scenarios/flows/autopilot.js';
import { queueCommand } from '../../emulators/mdm/admin.js';
import { runScenarios } from '../../app/host/headless.js';
import { defaultKeyCacheDir } from '../../app/host/session.js';
import { uiScrollBench } from './ui-scroll.js';
import { tpmBackendsBench } from './tpm-backends.js';

const rows: [string, string][] = [];
const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms, max ${s[s.length - 1]!.toFixed(2)} ms (n=${s.length})`;
};

async function serveStartup(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-serve-'));
  const t0 = performance.now();
  const child = spawn(join(process.cwd(), 'node_modules/.bin/tsx'), ['app/cli/bin.ts', 'serve', '--json', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => createInterface({ input: child.stdout! }).once('line', () => resolve()));
  const ms = performance.now() - t0;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

async function main(): Promise<void> {
  rows.push(['serve --json → JSON line (cold process, tsx)', `${(await serveStartup()).toFixed(0)} ms`]);

  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  let t0 = performance.now();
  const world = await startWorld({ dataDir: dir, seed: 'bench', keyCacheDir: defaultKeyCacheDir() });
  rows.push(['world start in-process (Entra + MDM, keys cached)', `${(performance.now() - t0).toFixed(0)} ms`]);

  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    t0 = performance.now();
    const r = await runScenarios(['autopilot-eua'], { seed: 'bench-run' });
    runs.push(performance.now() - t0);
    if (i === 0) rows.push(['autopilot-eua steps / prompts', `${r.runs[0]!.steps} steps, ${r.runs[0]!.prompts} prompt(s), passed=${r.runs[0]!.passed}`]);
  }
  rows.push(['autopilot-eua headless run (fresh world each)', stat(runs)]);

  // A 1,000-step run: Autopilot, then trainer-queued Gets answered in management sessions.
  t0 = performance.now();
  const out = await runAutopilot(world, optionsOf({}));
  const lab = world.lab;
  while (lab.recorder.all().length < 1000) {
    queueCommand(world.mdm.ctx, out.mdmDeviceId, `<Get><CmdID>${lab.ids.uuid()}</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get>`);
    await out.device.syncManagement();
  }
  const n = lab.recorder.all().length;
  rows.push([`build a ${n}-step run`, `${((performance.now() - t0) / 1000).toFixed(1)} s, ${(((performance.now() - t0) / n)).toFixed(2)} ms/step`]);
  rows.push(['snapshot memory for that run (shared images counted once)', `${(lab.snapshots.bytes() / 1024 / 1024).toFixed(1)} MiB`]);
  const dbs = lab.allStores().map((s) => `${s.party} ${(s.serialize().length / 1024).toFixed(0)} KiB`).join(', ');
  rows.push(['party DB sizes at the end', dbs]);

  const head = lab.headIndex;
  const moves: number[] = [];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
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

  rows.push(...(await uiScrollBench()));
  rows.push(...(await tpmBackendsBench()));

  const w = Math.max(...rows.map((r) => r[0].length));
  console.log('Enrollscope benchmarks (2 cores, Node ' + process.version + ')');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
}

await main();
