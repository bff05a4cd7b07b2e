import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { KeyFactory, keygenMeter } from '../../../../emulators/lab/keys.js';

describe('RSA key generation', () => {
  it('runs at most as many generations at once as there are cores, however many are asked for', async () => {
    keygenMeter.peakInFlight = 0;
    const f = new KeyFactory(null, null);
    const asked = 3 * availableParallelism() + 1;
    // 1024-bit keys: the same path as RSA-2048, a quarter of the time.
    const pairs = await Promise.all(Array.from({ length: asked }, (_, i) => f.rsa(`k${i}`, 1024)));
    expect(keygenMeter.peakInFlight).toBe(Math.min(asked, availableParallelism()));
    expect(keygenMeter.inFlight).toBe(0);
    const moduli = new Set(pairs.map((p) => p.publicKey.export({ format: 'jwk' }).n));
    expect(moduli.size).toBe(asked);
  });

  it('gives a seeded lab the same key again from its cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    try {
      const a = await new KeyFactory('s', dir).rsa('device', 1024);
      const b = await new KeyFactory('s', dir).rsa('device', 1024);
      expect(b.publicKey.export({ format: 'jwk' }).n).toBe(a.publicKey.export({ format: 'jwk' }).n);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
