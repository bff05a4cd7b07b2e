import { parentPort, workerData } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import { KeyFactory, setRsaGenerator } from '../lab/keys.js';
import type { KeygenWatch } from '../lab/keygen-threads.js';
import { KeyPool } from './key-pool.js';
import { runDevice, type DeviceRunOptions, type DeviceRun } from './flows.js';
import type { DeviceIdentity } from './identity.js';

/** What a device worker is started with: everything of DeviceRunOptions but the device, and the key pool's PEMs. */
export interface WorkerInit {
  base: Omit<DeviceRunOptions, 'identity' | 'keys'>;
  /** null: --keys fresh. */
  poolPems: string[] | null;
}

export interface WorkerJob {
  n: number;
  identity: DeviceIdentity;
}

/** A device worker asks the main thread for a fresh RSA key (its threads serve the whole process, one per core). */
export interface KeygenAsk {
  keygen: number;
  bits: number;
}

/** The main thread's answer to a KeygenAsk. */
export type KeygenAnswer = { keyFor: number; privateKey: KeyObject; publicKey: KeyObject } | { keyFor: number; error: string };

/** A DeviceRun as it crosses the thread boundary (an Error does not keep its class there). */
export interface WorkerResult {
  n: number;
  run: Omit<DeviceRun, 'error'> & { error: string | null };
}

/**
 * A device worker thread: devices run here, beside the world's servers on the main thread, so the device side
 * (TPM operations, XML, JWTs) and the server side use two cores. Jobs arrive as messages and run concurrently.
 */
const init = workerData as WorkerInit;
const pool = init.poolPems ? KeyPool.fromPems(init.poolPems) : null;
const asked = new Map<number, { watch: KeygenWatch; resolve: (p: { privateKey: KeyObject; publicKey: KeyObject }) => void; reject: (e: Error) => void }>();
let nextAsk = 0;
// Fresh keys come from the main thread's generation threads: each worker making its own would put workers × cores
// generations on the cores (keygen-threads.ts).
setRsaGenerator((bits, watch) => new Promise((resolve, reject) => {
  const id = nextAsk++;
  asked.set(id, { watch, resolve, reject });
  watch.started();
  parentPort!.postMessage({ keygen: id, bits } satisfies KeygenAsk);
}));
parentPort!.on('message', (m: WorkerJob | KeygenAnswer) => {
  if ('keyFor' in m) {
    const p = asked.get(m.keyFor);
    asked.delete(m.keyFor);
    p?.watch.finished();
    if ('error' in m) p?.reject(new Error(m.error));
    else p?.resolve({ privateKey: m.privateKey, publicKey: m.publicKey });
    return;
  }
  const job = m;
  const keys = pool ? pool.factoryFor(job.identity.globalIndex) : new KeyFactory(null, null);
  void runDevice({ ...init.base, identity: job.identity, keys }).then((run) => {
    const result: WorkerResult = { n: job.n, run: { ...run, timer: { ms: run.timer.ms, failed: run.timer.failed }, error: run.error ? run.error.message : null } };
    parentPort!.postMessage(result);
  });
});
// Loaded (the device code compiled): the load's clock may start.
parentPort!.postMessage({ ready: true });
