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
    const pair = await generateRsa('rsa', { modulusLength, publicExponent: 0x10001 });
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
