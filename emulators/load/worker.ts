import { parentPort, workerData } from 'node:worker_threads';
import { KeyFactory } from '../lab/keys.js';
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
parentPort!.on('message', (job: WorkerJob) => {
  const keys = pool ? pool.factoryFor(job.identity.globalIndex) : new KeyFactory(null, null);
  void runDevice({ ...init.base, identity: job.identity, keys }).then((run) => {
    const result: WorkerResult = { n: job.n, run: { ...run, timer: { ms: run.timer.ms, failed: run.timer.failed }, error: run.error ? run.error.message : null } };
    parentPort!.postMessage(result);
  });
});
// Loaded (the device code compiled): the load's clock may start.
parentPort!.postMessage({ ready: true });
