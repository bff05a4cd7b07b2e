import { availableParallelism } from 'node:os';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { KeyFactory, type RsaKeyPair } from '../lab/keys.js';

/** RSA keys one Autopilot device makes in its TPM: the transport key, the device key, the MDM client key. */
export const KEYS_PER_DEVICE = 3;

/**
 * `--keys pooled`: RSA keys made once per seed (cached on disk by KeyFactory, so a second load makes none) and
 * handed out round-robin, so a load measures the protocol rather than key generation. Device g's j-th key is pool
 * key (g·KEYS_PER_DEVICE + j) mod size: a device's keys are distinct, and neighbouring devices' keys are too.
 */
export class KeyPool {
  private constructor(private readonly pairs: RsaKeyPair[]) {}

  /** Load or make `size` keys for `seed`, as many at a time as there are cores (lab/keygen-threads.ts: one generation thread a core). */
  static async open(seed: string, cacheDir: string, size = 64): Promise<KeyPool> {
    const factory = new KeyFactory(`load-pool/${seed}`, cacheDir);
    const pairs: RsaKeyPair[] = new Array(size);
    const width = availableParallelism();
    let next = 0;
    await Promise.all(Array.from({ length: width }, async () => {
      while (next < size) {
        const i = next++;
        pairs[i] = await factory.rsa(`pool-${i}`);
      }
    }));
    return new KeyPool(pairs);
  }

  /** The pool's keys as PKCS#8 PEM, to hand to a worker thread (KeyPool.fromPems there). */
  pems(): string[] {
    return this.pairs.map((p) => p.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  }

  static fromPems(pems: readonly string[]): KeyPool {
    return new KeyPool(pems.map((pem) => {
      const privateKey = createPrivateKey(pem);
      return { privateKey, publicKey: createPublicKey(privateKey) };
    }));
  }

  get size(): number {
    return this.pairs.length;
  }

  /** The key factory device `globalIndex`'s TPM draws from. */
  factoryFor(globalIndex: number): KeyFactory {
    return new PooledKeys(this.pairs, globalIndex * KEYS_PER_DEVICE);
  }
}

class PooledKeys extends KeyFactory {
  private drawn = 0;
  constructor(
    private readonly pairs: RsaKeyPair[],
    private readonly start: number,
  ) {
    super(null, null);
  }

  override async rsa(_label: string, modulusLength = 2048): Promise<RsaKeyPair> {
    // The pool holds 2048-bit keys, what every TPM key of the device model is (tpm.ts createKey).
    if (modulusLength !== 2048) return super.rsa(_label, modulusLength);
    return this.pairs[(this.start + this.drawn++) % this.pairs.length]!;
  }
}
