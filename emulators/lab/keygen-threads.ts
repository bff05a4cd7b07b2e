import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { KeyObject } from 'node:crypto';

/**
 * RSA key generation on threads of its own, as many as cores, shared by the whole process. Node's async
 * generateKeyPair runs on libuv's pool, which has 4 threads whatever the cores (UV_THREADPOOL_SIZE, read once before
 * the first line of an ES module runs, so a program cannot raise it for itself): on a 16-core machine a fresh-key
 * load made 4 keys at a time and its reference, key generation alone, did too. A thread here runs the synchronous
 * generateKeyPairSync, one key at a time, and hands both KeyObjects back (they cross threads by postMessage,
 * nodejs.org/api/crypto.html#class-keyobject). Jobs beyond the threads wait in order.
 */

export interface GeneratedPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The generating thread's worker threadId (tests check the work spreads over the threads). */
  threadId: number;
}

/** Told when a thread takes a job and when it hands the key back (before the next job starts there). */
export interface KeygenWatch {
  started(): void;
  finished(): void;
}

interface Job {
  bits: number;
  watch?: KeygenWatch;
  resolve: (p: GeneratedPair) => void;
  reject: (e: Error) => void;
}

type Reply = { privateKey: KeyObject; publicKey: KeyObject; threadId: number } | { error: string };

// CommonJS, evaluated in the thread (new Worker(..., { eval: true })): no file to resolve next to a bundle or a loader.
const THREAD_SOURCE = `
const { parentPort, threadId } = require('node:worker_threads');
const { generateKeyPairSync } = require('node:crypto');
parentPort.on('message', ({ bits }) => {
  let reply;
  try {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
    reply = { privateKey, publicKey, threadId };
  } catch (e) {
    reply = { error: String((e && e.message) || e) };
  }
  parentPort.postMessage(reply);
});`;

export class KeygenThreads {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private started = 0;
  private closed = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`key generation needs at least one thread, not ${size}`);
  }

  /** Jobs on a thread now (never more than `size`). */
  get inFlight(): number {
    return this.busy.size;
  }

  /** A fresh RSA key pair; `watch` hears when a thread takes the job (it may wait for one first) and ends it. */
  generate(bits: number, watch?: KeygenWatch): Promise<GeneratedPair> {
    if (this.closed) return Promise.reject(new Error('key generation threads are closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ bits, resolve, reject, ...(watch && { watch }) });
      this.dispatch();
    });
  }

  /** Stop every thread; jobs still waiting fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('key generation threads are closed'));
    const all = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      // A thread with work keeps the process alive; an idle one does not (a CLI exits when its run ends).
      worker.ref();
      job.watch?.started();
      worker.postMessage({ bits: job.bits });
    }
  }

  private spawn(): Worker {
    this.started++;
    const worker = new Worker(THREAD_SOURCE, { eval: true });
    worker.on('message', (reply: Reply) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      worker.unref();
      if (!this.closed) this.idle.push(worker);
      if (job) {
        job.watch?.finished();
        if ('error' in reply) job.reject(new Error(`RSA key generation failed: ${reply.error}`));
        else job.resolve(reply);
      }
      this.dispatch();
    });
    // A thread that dies takes its job with it; the next job starts a new thread in its place.
    worker.on('error', (e) => this.lose(worker, e));
    worker.on('exit', (code) => this.lose(worker, new Error(`a key generation thread exited (code ${code})`)));
    return worker;
  }

  private lose(worker: Worker, e: Error): void {
    const job = this.busy.get(worker);
    const wasIdle = this.idle.indexOf(worker);
    if (!job && wasIdle < 0) return;
    this.busy.delete(worker);
    if (wasIdle >= 0) this.idle.splice(wasIdle, 1);
    this.started--;
    job?.watch?.finished();
    job?.reject(e);
    if (!this.closed) this.dispatch();
  }
}

let shared: KeygenThreads | null = null;

/** This process's key generation threads, one per core, started on first use. */
export function keygenThreads(): KeygenThreads {
  return (shared ??= new KeygenThreads(availableParallelism()));
}
