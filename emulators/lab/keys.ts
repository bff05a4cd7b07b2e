import { generateKeyPair, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';

const generateRsa = promisify(generateKeyPair);

/**
 * RSA key generations running at once in this thread: as many as cores. libuv's pool has 4 threads whatever the
 * cores (UV_THREADPOOL_SIZE), so 8 devices in flight on 2 cores ran 4 generations beside the servers' JS: the same
 * fixed work costs ~5 % more CPU with 4 busy threads on 2 cores than with 2 (fixed-key RSA signatures, 0.268 vs
 * 0.255 ms each), and the pool's other jobs (WebCrypto, fs) waited behind the keys.
 */
const KEYGEN_SLOTS = availableParallelism();
let keygenRunning = 0;
const keygenWaiting: (() => void)[] = [];
async function withKeygenSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (keygenRunning >= KEYGEN_SLOTS) await new Promise<void>((resolve) => keygenWaiting.push(resolve));
  else keygenRunning++;
  try {
    return await fn();
  } finally {
    // The slot passes straight to the next waiter (keygenRunning unchanged), or is freed.
    const next = keygenWaiting.shift();
    if (next) next();
    else keygenRunning--;
  }
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
    const pair = await withKeygenSlot(async (): Promise<RsaKeyPair> => {
      if (keygenMeter.inFlight++ === 0) keygenMeter.since = performance.now();
      keygenMeter.peakInFlight = Math.max(keygenMeter.peakInFlight, keygenMeter.inFlight);
      try {
        return await generateRsa('rsa', { modulusLength, publicExponent: 0x10001 });
      } finally {
        if (--keygenMeter.inFlight === 0) keygenMeter.busyMs += performance.now() - keygenMeter.since;
      }
    });
    keygenMeter.keys++;
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
