import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { KeygenAnswer, KeygenAsk, WorkerInit, WorkerJob, WorkerResult } from './worker.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { KeyFactory, generateRsaPair } from '../lab/keys.js';
import { pickSeededPorts } from '../lab/seeded-ports.js';
import type { Store } from '../lab/store.js';
import { fleetClient, startWorld, type ExternalMdm, type World } from '../scenarios/world.js';
import { deviceIdentity, type DeviceIdentity } from './identity.js';
import { KeyPool } from './key-pool.js';
import { createEntraUsers } from './users.js';
import { prepareWorld, runDevice, worldView, type DeviceRun, type LoadScenario } from './flows.js';
import { checkDevice, checkDeviceViaApi, type CheckFailure } from './checks.js';
import { Progress } from './progress.js';
import { PHASES, type Phase } from './stats.js';
import { latencyOf, mergeErrors, round, type DeviceRecord, type ErrorKind, type LoadSummary } from './summary.js';
import type { Shard } from './shard.js';

/**
 * Where the devices enroll: the embedded world (one Entra, one MDM server in this process), or an external Fleet
 * (load --mdm-url, as run's): the world then starts Entra only and makes that Fleet trust it (world.ts trustThisEntra),
 * prepareWorld talks to its REST API, and checkDeviceViaApi asks its hosts API instead of reading the MDM DB.
 */
export type LoadTarget = { kind: 'embedded' } | ({ kind: 'external' } & ExternalMdm);

export interface LoadOptions {
  devices: number;
  concurrency: number;
  keys: 'pooled' | 'fresh';
  /** The devices' TPM (load --tpm): in-process (default) or a swtpm process per device, which makes its keys itself. */
  tpm?: 'soft' | 'swtpm';
  scenario: LoadScenario;
  seed: string;
  shard: Shard;
  /** The seeded key cache (the world's server keys and the key pool). */
  keyCacheDir: string;
  /** Folder for the world's and the devices' DB files; default a temporary folder, removed at the end. */
  dataDir?: string;
  target?: LoadTarget;
  /** Where the progress line goes (null: nowhere). Default stderr. */
  progress?: NodeJS.WriteStream | null;
  /** Keys in the pool (--keys pooled). */
  poolSize?: number;
  /**
   * Worker threads the devices run in (0: beside the servers on this thread). The servers stay on the main
   * thread; the devices' TPM, XML and JWT work moves to the workers. Needs a TypeScript loader in workers (tsx).
   */
  workers?: number;
  /** Called with the world and every device's run before the world closes (tests look at the DBs). */
  inspect?: (world: World, runs: readonly DeviceRun[]) => void | Promise<void>;
}

/**
 * Device worker threads a load uses when not told (load --workers). Pooled keys: one per core, since the devices'
 * TPM, XML and JWT work is most of the CPU. Fresh keys: RSA key generation runs on the main thread's generation
 * threads whichever thread asks (lab/keygen-threads.ts), and a device's own JS is ~1/15 of its CPU (33 of ~500 ms,
 * bench fresh), so one thread carries the device side of about four cores' key generation; each further worker only
 * adds its own warm-up (module load and JIT, ~0.3 s CPU) and heap (50 fresh devices on 2 cores: 3.47 s non-key CPU
 * with none, 3.8 with 1, 4.1 with 2; peak RSS 176 / 271 / 375 MiB).
 */
export function defaultWorkers(keys: 'pooled' | 'fresh', cores: number): number {
  return keys === 'pooled' ? cores : Math.floor(cores / 4);
}

/** Device worker threads (worker.ts); a slot's devices always go to the same worker. */
class DevicePool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (r: DeviceRun) => void; reject: (e: Error) => void }>();
  /** Every worker has loaded its code. */
  readonly ready: Promise<unknown>;

  constructor(size: number, init: WorkerInit) {
    const loaded: Promise<void>[] = [];
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: init });
      loaded.push(new Promise((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', reject);
      }));
      w.on('message', (m: WorkerResult | KeygenAsk | { ready: true }) => {
        if ('ready' in m) return;
        if ('keygen' in m) {
          void generateRsaPair(m.bits).then(
            (p) => w.postMessage({ keyFor: m.keygen, privateKey: p.privateKey, publicKey: p.publicKey } satisfies KeygenAnswer),
            (e: Error) => w.postMessage({ keyFor: m.keygen, error: e.message } satisfies KeygenAnswer),
          );
          return;
        }
        const p = this.waiting.get(m.n);
        this.waiting.delete(m.n);
        p?.resolve({ ...m.run, error: m.run.error === null ? null : new Error(m.run.error) });
      });
      w.on('error', (e) => {
        for (const p of this.waiting.values()) p.reject(e);
        this.waiting.clear();
      });
      return w;
    });
    this.ready = Promise.all(loaded);
  }

  run(slot: number, job: WorkerJob): Promise<DeviceRun> {
    return new Promise((resolve, reject) => {
      this.waiting.set(job.n, { resolve, reject });
      this.workers[slot % this.workers.length]!.postMessage(job);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

const externalOf = ({ kind: _k, ...mdm }: Extract<LoadTarget, { kind: 'external' }>): ExternalMdm => mdm;

/** A failure's kind: the phase it happened in and its message without the ids and numbers that differ per device. */
function errorKind(phase: string, message: string): string {
  const first = message.split('\n')[0] ?? '';
  return `${phase}: ${first.replace(/[0-9A-Fa-f-]{8,}|\d+/g, '#').slice(0, 100)}`;
}

function rowCounts(store: Store): Record<string, number> {
  return store.read((db) => {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT COUNT(*) FROM "${t.replace(/"/g, '""')}"`).pluck().get() as number]));
  });
}

/**
 * A load: `devices` virtual Windows devices of this shard, `concurrency` at a time, each through the whole story of
 * the scenario against one world (one embedded Entra, one embedded MDM server; their labs light: no history).
 */
export async function runLoad(o: LoadOptions): Promise<LoadSummary> {
  if (!Number.isSafeInteger(o.devices) || o.devices < 1) throw new Error(`--devices must be a whole number of 1 or more, not ${o.devices}`);
  if (!Number.isSafeInteger(o.concurrency) || o.concurrency < 1) throw new Error(`--concurrency must be a whole number of 1 or more, not ${o.concurrency}`);
  const ownDir = o.dataDir === undefined;
  const dir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'enrollscope-load-'));
  // swtpm makes every key inside itself: a pool of ours would never reach it (the TPM 2.0 interface has no key import here).
  if (o.tpm === 'swtpm' && o.keys === 'pooled') throw new Error('--tpm swtpm makes every key inside swtpm: use it with --keys fresh');
  const ext = o.target?.kind === 'external' ? externalOf(o.target) : undefined;
  // The seed's Entra port when free (seeded-ports.ts, as run --seed): a real Fleet is started with this Entra's JWKS URL
  // (FLEET_DEV_AZURE_JWT_JWKS_URI) before the load, so the URL must be known ahead (doctor --seed prints it).
  const entraPort = ext ? (await pickSeededPorts(o.seed)).ports?.entra : undefined;
  const world = await startWorld({
    dataDir: join(dir, 'world'),
    seed: o.seed,
    keyCacheDir: o.keyCacheDir,
    light: true,
    // A Fleet reads the wall clock: a world pinned at the seeded instant would hand it expired Entra tokens, so the
    // world's clock is pinned at the load's real start instead (a target with the lab's API is set to it: prepareWorld).
    ...(ext && { externalMdm: ext, startAt: Date.now() }),
    ...(entraPort !== undefined && { ports: { entra: entraPort } }),
  }).catch((e: unknown) => {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  let peakRss = process.memoryUsage.rss();
  const sampleRss = () => void (peakRss = Math.max(peakRss, process.memoryUsage.rss()));
  const sampler = setInterval(sampleRss, 250);
  sampler.unref();
  try {
    // After the world: an external Fleet that refuses the load fails it before the pool's keys are made.
    const pool = o.keys === 'pooled' ? await KeyPool.open(o.seed, o.keyCacheDir, o.poolSize) : null;
    const identities: DeviceIdentity[] = Array.from({ length: o.devices }, (_, n) => deviceIdentity(o.seed, o.shard, o.devices, n, world.entra.tenantDomain));
    createEntraUsers(world, identities);
    const { enrollSecret } = await prepareWorld(world, o.scenario);
    const view = worldView(world);
    const check = async (run: DeviceRun): Promise<CheckFailure[]> => (ext ? checkDeviceViaApi(fleetClient(world), o.scenario, run) : checkDevice(world, o.scenario, run));
    const progress = new Progress(o.devices, o.progress === undefined ? process.stderr : o.progress);
    const runs: DeviceRun[] = new Array(o.devices);
    const failures: (ErrorKind & { device: number })[] = [];
    const okOf: boolean[] = new Array(o.devices).fill(false);
    const pool2 = o.workers ? new DevicePool(o.workers, { base: { world: view, scenario: o.scenario, dir: join(dir, 'devices'), enrollSecret, scimUser: o.scenario !== 'programmatic', ...(o.tpm && { tpm: o.tpm }) }, poolPems: pool ? pool.pems() : null }) : null;
    let next = 0;
    let done = 0;
    let failed = 0;
    try {
      await pool2?.ready;
    } catch (e) {
      await pool2?.close();
      throw e;
    }
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const worker = async (slot: number) => {
      while (next < o.devices) {
        const n = next++;
        const identity = identities[n]!;
        const keys = pool ? pool.factoryFor(identity.globalIndex) : new KeyFactory(null, null);
        const run = pool2
          ? await pool2.run(slot, { n, identity })
          : await runDevice({ world: view, scenario: o.scenario, identity, keys, dir: join(dir, 'devices'), enrollSecret, scimUser: o.scenario !== 'programmatic', ...(o.tpm && { tpm: o.tpm }) });
        runs[n] = run;
        const problems = run.error
          ? [{ kind: errorKind(run.timer.failed ?? 'setup', run.error.message), detail: run.error.message }]
          : await check(run).catch((e: Error) => [{ kind: errorKind('check', e.message), detail: e.message }]);
        for (const p of problems) failures.push({ kind: p.kind, count: 1, sample: p.detail, sampleDevice: identity.globalIndex, device: identity.globalIndex });
        okOf[n] = problems.length === 0;
        if (problems.length > 0) failed++;
        done++;
        if (done % 20 === 0) sampleRss();
        progress.update(done, failed);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(o.concurrency, o.devices) }, (_, slot) => worker(slot)));
    } finally {
      await pool2?.close();
    }
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    sampleRss();
    progress.end(done, failed);
    await o.inspect?.(world, runs);
    const samples = Object.fromEntries(PHASES.map((p) => [p, runs.flatMap((r) => (r.timer.ms[p] === undefined ? [] : [round(r.timer.ms[p]!)]))])) as Record<Phase, number[]>;
    const deviceList: DeviceRecord[] = runs.map((r, n) => ({
      index: r.identity.globalIndex,
      hardwareUuid: r.identity.hardwareUuid,
      serial: r.identity.serial,
      deviceName: r.identity.deviceName,
      upn: r.identity.upn,
      ok: okOf[n]!,
      prompts: r.prompts,
    }));
    return {
      kind: 'enrollscope-load',
      version: 1,
      scenario: o.scenario,
      seed: o.seed,
      keys: o.keys,
      target: ext ? 'external' : 'embedded',
      ...(ext && { targetUrl: ext.url, notes: world.mdmTarget.notes }),
      shards: [o.shard],
      concurrency: o.concurrency,
      devices: o.devices,
      ok: o.devices - failed,
      failed,
      wallMs: round(wallMs),
      devicesPerS: round(o.devices / (wallMs / 1000), 2),
      latency: latencyOf(samples),
      errors: mergeErrors([failures.map(({ device: _d, ...e }) => e)]),
      peakRssMb: round(peakRss / 1024 / 1024),
      cpuMs: round((cpu.user + cpu.system) / 1000),
      // An external Fleet's tables are not ours to count (its DB is MySQL behind its API): rows.mdm is absent then.
      rows: { ...(!ext && { mdm: rowCounts(world.mdm.ctx.store) }), entra: rowCounts(world.entra.store) },
      samples,
      deviceList,
    };
  } finally {
    clearInterval(sampler);
    await world.close();
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  }
}
