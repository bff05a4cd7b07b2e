import { createSign, createVerify } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { KeygenThreads } from '../../../../emulators/lab/keygen-threads.js';

describe('RSA key generation threads', () => {
  let threads: KeygenThreads | null = null;
  afterEach(async () => {
    await threads?.close();
    threads = null;
  });

  it('hands back a usable RSA key pair of the size asked for', async () => {
    threads = new KeygenThreads(1);
    const { privateKey, publicKey } = await threads.generate(1024);
    expect(privateKey.asymmetricKeyType).toBe('rsa');
    expect(publicKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 1024, publicExponent: 65537n });
    const sig = createSign('sha256').update('enrollscope').sign(privateKey);
    expect(createVerify('sha256').update('enrollscope').verify(publicKey, sig)).toBe(true);
  });

  it('runs one job a thread on more threads than libuv has (4), and queues the rest', async () => {
    threads = new KeygenThreads(6);
    let peak = 0;
    const t = threads;
    const pairs = await Promise.all(Array.from({ length: 13 }, () => t.generate(512, { started: () => { peak = Math.max(peak, t.inFlight); }, finished: () => undefined })));
    expect(peak).toBe(6);
    expect(new Set(pairs.map((p) => p.threadId)).size).toBe(6);
    expect(new Set(pairs.map((p) => p.publicKey.export({ format: 'jwk' }).n)).size).toBe(13);
    expect(threads.inFlight).toBe(0);
  });

  it('fails a bad request with its own error and keeps serving', async () => {
    threads = new KeygenThreads(1);
    await expect(threads.generate(7)).rejects.toThrow(/^RSA key generation failed: /);
    const { publicKey } = await threads.generate(512);
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(512);
  });

  it('refuses work once closed', async () => {
    const closed = new KeygenThreads(1);
    await closed.close();
    await expect(closed.generate(512)).rejects.toThrow('key generation threads are closed');
  });
});
