import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { X509Certificate } from 'node:crypto';
import { ensureLabTls } from '../../../../emulators/lab/tls.js';
import { KeyFactory } from '../../../../emulators/lab/keys.js';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'lab-tls-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const START = Date.UTC(2026, 0, 15, 9);

describe('ensureLabTls', () => {
  it('issues a server certificate for 127.0.0.1, ::1 and localhost (serverAuth) from a CA that may issue only leaves', async () => {
    const tls = await ensureLabTls(temp(), new KeyFactory(null, null), START);
    const ca = new X509Certificate(tls.caPem);
    const leaf = new X509Certificate(tls.certPem);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe('IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost');
    expect(leaf.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
    expect(leaf.checkPrivateKey((await import('node:crypto')).createPrivateKey(tls.keyPem))).toBe(true);
    expect(Date.parse(leaf.validFrom)).toBeLessThan(START);
    expect(Date.parse(leaf.validTo)).toBeGreaterThan(START + 9 * 365 * 86_400_000);
  });

  it('keeps the folder\'s CA: a second call (the next world of a session) serves what the first handed out', async () => {
    const dir = temp();
    const a = await ensureLabTls(dir, new KeyFactory(null, null), START);
    const b = await ensureLabTls(dir, new KeyFactory(null, null), START + 86_400_000);
    expect(b).toEqual(a);
  });

  it('is deterministic for a seed: two folders with the seed\'s cached keys get the same PEMs', async () => {
    const cache = temp();
    const a = await ensureLabTls(temp(), new KeyFactory('s1', cache), START);
    const b = await ensureLabTls(temp(), new KeyFactory('s1', cache), START);
    expect(b.caPem).toBe(a.caPem);
    expect(b.certPem).toBe(a.certPem);
    const c = await ensureLabTls(temp(), new KeyFactory('s2', cache), START);
    expect(c.caPem).not.toBe(a.caPem);
  });
});
