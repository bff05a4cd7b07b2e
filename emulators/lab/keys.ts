import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { keygenThreads, type KeygenWatch } from './keygen-threads.js';

/**
 * Where this thread's fresh RSA keys come from. Default: the process's key generation threads, one per core
 * (keygen-threads.ts), which queue what is asked beyond them; 8 devices in flight on 2 cores then run 2
 * generations beside the servers' JS, not libuv's 4 (the same fixed work costs ~5 % more CPU with 4 busy threads
 * on 2 cores than with 2: fixed-key RSA signatures, 0.268 vs 0.255 ms each). A load's device worker threads ask
 * the main thread instead (load/worker.ts), so the whole process stays at one generation a core.
 */
export type RsaGenerator = (bits: number, watch: KeygenWatch) => Promise<{ privateKey: KeyObject; publicKey: KeyObject }>;

let generator: RsaGenerator = (bits, watch) => keygenThreads().generate(bits, watch);

/** Replace this thread's generator (a load's device worker: the main thread's threads). */
export function setRsaGenerator(g: RsaGenerator): void {
  generator = g;
}

/** A fresh RSA pair from this thread's generator, counted by `keygenMeter` while a thread works on it. */
export async function generateRsaPair(bits: number): Promise<RsaKeyPair> {
  const { privateKey, publicKey } = await generator(bits, {
    started() {
      if (keygenMeter.inFlight++ === 0) keygenMeter.since = performance.now();
      keygenMeter.peakInFlight = Math.max(keygenMeter.peakInFlight, keygenMeter.inFlight);
    },
    finished() {
      if (--keygenMeter.inFlight === 0) keygenMeter.busyMs += performance.now() - keygenMeter.since;
    },
  });
  keygenMeter.keys++;
  return { privateKey, publicKey };
}

export interface RsaKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * Wall time during which at least one RSA key was being generated in this thread, how many were (npm run bench: a
 * run's overhead over the key generation inside it) and the most at once. Observation only.
 */
export const keygenMeter = { keys: 0, busyMs: 0, inFlight: 0, since: 0, peakInFlight: 0 };

/**
 * RSA key generation is the one costly randomness (≈260 ms a key here). A seeded lab caches each key it makes
 * under `<cacheDir>/<seed>/<label>.pem`, so a seeded re-run reuses the same keys and is byte-identical.
 */
export class KeyFactory {
  constructor(
    private readonly seed: string | null,
    private readonly cacheDir: string | null,
  ) {}

  async rsa(label: string, modulusLength = 2048): Promise<RsaKeyPair> {
    const file = this.cacheFile(label, modulusLength);
    if (file && existsSync(file)) {
      const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
      return { privateKey, publicKey: createPublicKey(privateKey) };
    }
    const pair = await generateRsaPair(modulusLength);
    if (file) {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
    return pair;
  }

  private cacheFile(label: string, bits: number): string | null {
    if (this.seed === null || this.cacheDir === null) return null;
    const safe = label.replace(/[^A-Za-z0-9_.-]/g, '_');
    return join(this.cacheDir, 'keys', this.seed.replace(/[^A-Za-z0-9_.-]/g, '_'), `${safe}-${bits}.pem`);
  }
}
