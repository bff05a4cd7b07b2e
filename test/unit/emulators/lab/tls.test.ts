import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { connect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { ensureLabTls, labNameConstraints } from '../../../../emulators/lab/tls.js';
import { x509, RSA_SHA256, toCryptoKeys } from '../../../../emulators/protocols/x509.js';
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

/** The CA's nameConstraints extension (2.5.29.30) as OpenSSL-independent bytes, and its critical flag. */
function nameConstraintsOf(caPem: string): { critical: boolean; value: Buffer } | null {
  const ext = new x509.X509Certificate(caPem).getExtension('2.5.29.30');
  return ext ? { critical: ext.critical, value: Buffer.from(ext.value) } : null;
}

/** A TLS handshake to a server presenting `cert`, trusting only `ca`: the verdict Node (OpenSSL) gives. */
async function handshake(ca: string, cert: string, key: string, _host: string): Promise<string | null> {
  const server: Server = createServer({ cert, key });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    return await new Promise((resolve) => {
      // The name check is left out: the chain verdict (where name constraints are applied) is what is read.
      const s = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, ca, rejectUnauthorized: false, checkServerIdentity: () => undefined }, () => {
        const err = s.authorizationError as (Error & { code?: string }) | string | null;
        s.destroy();
        resolve(err ? (typeof err === 'string' ? err : (err.code ?? err.message)) : null);
      });
      s.on('error', (e: Error & { code?: string }) => resolve(e.code ?? e.message));
    });
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe('the lab CA\'s name constraints and serve --listen', () => {
  // One seeded key cache for these cases: RSA key generation is most of their time.
  const cache = mkdtempSync(join(tmpdir(), 'lab-tls-keys-'));
  const keys = () => new KeyFactory('name-constraints', cache);
  afterAll(() => rmSync(cache, { recursive: true, force: true }));
  it('the CA permits only the loopback names (RFC 5280 §4.2.1.10, critical): 127.0.0.0/8, ::1, localhost', async () => {
    const tls = await ensureLabTls(temp(), keys(), START);
    const nc = nameConstraintsOf(tls.caPem);
    expect(nc?.critical).toBe(true);
    expect(nc?.value.equals(labNameConstraints(null))).toBe(true);
    // [0] permittedSubtrees: iPAddress 127.0.0.0/255.0.0.0, iPAddress ::1/128, dNSName localhost.
    expect(nc?.value.toString('hex')).toBe(`303fa03d300a8708${'7f000000ff000000'}30228720${'0'.repeat(30)}01${'f'.repeat(32)}300b8209${Buffer.from('localhost').toString('hex')}`);
  });

  it('a certificate the lab CA signs for a name outside them is refused by OpenSSL (a leaked CA key vouches for nothing else)', async () => {
    const dir = temp();
    const tls = await ensureLabTls(dir, keys(), START);
    const caPriv = createPrivateKey(readFileSync(join(dir, 'tls', 'lab-ca.key'), 'utf8'));
    const caKeys = await toCryptoKeys({ privateKey: caPriv, publicKey: createPublicKey(caPriv) });
    const leafPriv = createPrivateKey(tls.keyPem);
    const leafKeys = await toCryptoKeys({ privateKey: leafPriv, publicKey: createPublicKey(leafPriv) });
    const issue = (dns: string) =>
      x509.X509CertificateGenerator.create({ serialNumber: '0a', subject: `CN=${dns}`, issuer: new x509.X509Certificate(tls.caPem).subject, notBefore: new Date(START - 86_400_000), notAfter: new Date(Date.now() + 86_400_000), signingAlgorithm: RSA_SHA256, publicKey: leafKeys.publicKey, signingKey: caKeys.privateKey, extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: dns }])] });
    // OpenSSL's X509_V_ERR_PERMITTED_VIOLATION (openssl verify: "permitted subtree violation"); Node has no name for it.
    expect(await handshake(tls.caPem, (await issue('bank.example')).toString('pem'), tls.keyPem, 'bank.example')).toBe('UNSPECIFIED');
    // The same certificate for a permitted name passes: the constraint, nothing else, refused the other.
    expect(await handshake(tls.caPem, (await issue('localhost')).toString('pem'), tls.keyPem, 'localhost')).toBeNull();
    expect(await handshake(tls.caPem, tls.certPem, tls.keyPem, '127.0.0.1')).toBeNull();
  });

  it('--listen 127.0.0.2: the server certificate names it, the CA stays the one handed out (127.0.0.0/8 permits it)', async () => {
    const dir = temp();
    const before = await ensureLabTls(dir, keys(), START);
    const after = await ensureLabTls(dir, keys(), START, { listen: '127.0.0.2' });
    expect(after.caPem).toBe(before.caPem);
    const leaf = new X509Certificate(after.certPem);
    expect(leaf.subjectAltName).toBe('IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:127.0.0.2, DNS:localhost');
    expect(leaf.verify(new X509Certificate(after.caPem).publicKey)).toBe(true);
    expect(leaf.serialNumber).not.toBe(new X509Certificate(before.certPem).serialNumber);
    expect(await handshake(after.caPem, after.certPem, after.keyPem, '127.0.0.2')).toBeNull();
  });

  it('--listen 192.168.56.1 (a host-only adapter): the CA is made again with the same key and that address permitted', async () => {
    const dir = temp();
    const before = await ensureLabTls(dir, keys(), START);
    const after = await ensureLabTls(dir, keys(), START, { listen: '192.168.56.1' });
    expect(after.caPem).not.toBe(before.caPem);
    expect(new X509Certificate(after.caPem).publicKey.export({ type: 'spki', format: 'der' }).equals(new X509Certificate(before.caPem).publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(nameConstraintsOf(after.caPem)?.value.equals(labNameConstraints('192.168.56.1'))).toBe(true);
    expect(nameConstraintsOf(after.caPem)?.value.includes(Buffer.from([0x87, 0x08, 192, 168, 56, 1, 255, 255, 255, 255]))).toBe(true);
    expect(new X509Certificate(after.certPem).checkIP('192.168.56.1')).toBe('192.168.56.1');
    // The same address again keeps both.
    expect(await ensureLabTls(dir, keys(), START, { listen: '192.168.56.1' })).toEqual(after);
    expect(await handshake(after.caPem, after.certPem, after.keyPem, '127.0.0.1')).toBeNull();
  });
});
