import { generateKeyPair, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const generateRsa = promisify(generateKeyPair);

export interface RsaKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * Wall time during which at least one RSA key was being generated in this process, and how many were (npm run
 * bench: a run's overhead over the key generation inside it). Observation only.
 */
export const keygenMeter = { keys: 0, busyMs: 0, inFlight: 0, since: 0 };

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
    if (keygenMeter.inFlight++ === 0) keygenMeter.since = performance.now();
    let pair: RsaKeyPair;
    try {
      pair = await generateRsa('rsa', { modulusLength, publicExponent: 0x10001 });
    } finally {
      if (--keygenMeter.inFlight === 0) keygenMeter.busyMs += performance.now() - keygenMeter.since;
    }
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
