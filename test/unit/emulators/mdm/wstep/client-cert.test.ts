import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate as NodeX509 } from 'node:crypto';
import { x509 } from '../../../../../emulators/protocols/x509.js';
import { mdmFixture } from '../../../../helpers/mdm-context.js';
import type { MdmContext } from '../../../../../emulators/mdm/context.js';
import { loadIdentity } from '../../../../../emulators/mdm/wstep/identity.js';
import { signClientCsr, CERT_RENEWAL_PERIOD_SECS, CERT_VALIDITY_PERIOD_SECS } from '../../../../../emulators/mdm/wstep/client-cert.js';
import { parseCsr } from '../../../../../emulators/protocols/pkcs10.js';
import { makeWindowsCsr, WINDOWS_DEVICE_ID_EXT } from '../../../../helpers/windows-csr.js';

let ctx: MdmContext;
let dispose: () => void;
let csrDer: Buffer;
const HW = 'A'.repeat(64);

beforeAll(async () => {
  ({ ctx, dispose } = await mdmFixture());
  csrDer = makeWindowsCsr({ keys: await ctx.lab.keys.rsa('unit-device-key') }).der;
});
afterAll(() => dispose());

function issue(cn = HW) {
  const now = ctx.lab.clock.date();
  return ctx.store.tx((db) => signClientCsr(db, loadIdentity(ctx), parseCsr(csrDer), cn, now));
}

describe('WSTEP client certificate issuance (SignClientCSR)', () => {
  it('issues OU=Fleet, CN=<HWDevID>, signed by the identity CA and chaining to it', async () => {
    const issued = issue();
    const cert = new x509.X509Certificate(new Uint8Array(issued.der));
    const identity = loadIdentity(ctx);
    expect(cert.subject).toBe(`OU=Fleet, CN=${HW}`);
    expect(cert.issuer).toBe(identity.cert.subject);
    expect(cert.signatureAlgorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } });
    expect(new NodeX509(issued.der).verify(identity.publicKey)).toBe(true);
    const chain = await new x509.X509ChainBuilder({ certificates: [identity.cert] }).build(cert);
    expect(chain).toHaveLength(2);
  });

  it('takes NotBefore 180 days back and NotAfter one year after it', () => {
    const before = ctx.lab.clock.now();
    const issued = issue();
    const nb = Math.floor(before / 1000) * 1000 - CERT_RENEWAL_PERIOD_SECS * 1000;
    expect(issued.notBefore.getTime()).toBe(nb);
    expect(issued.notAfter.getTime()).toBe(nb + CERT_VALIDITY_PERIOD_SECS * 1000);
    const cert = new x509.X509Certificate(new Uint8Array(issued.der));
    expect(cert.notBefore.getTime()).toBe(issued.notBefore.getTime());
    expect(cert.notAfter.getTime()).toBe(issued.notAfter.getTime());
  });

  it('sets KeyUsage digitalSignature|keyEncipherment, keeps the CSR\'s extensions (EKU clientAuth, 1.3.6.1.4.1.311.66.1.0) and is not a CA', () => {
    const cert = new x509.X509Certificate(new Uint8Array(issue().der));
    const ku = cert.getExtension(x509.KeyUsagesExtension)!;
    expect(ku.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
    expect(ku.critical).toBe(true);
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(Buffer.from(cert.getExtension(WINDOWS_DEVICE_ID_EXT)!.value).toString('latin1')).toMatch(/^[0-9A-F]{32}\0$/);
    expect(cert.getExtension(x509.BasicConstraintsExtension)?.ca ?? false).toBe(false);
    expect(cert.extensions.filter((e) => e.type === '2.5.29.37')).toHaveLength(1);
  });

  it('takes the serial from wstep_serials and stores the certificate in wstep_certificates under the CN', () => {
    const a = issue('CN-A');
    const b = issue('CN-B');
    expect(b.serial).toBe(a.serial + 1);
    expect(BigInt(`0x${new x509.X509Certificate(new Uint8Array(b.der)).serialNumber}`)).toBe(BigInt(b.serial));
    const row = ctx.store.read((db) => db.prepare(`SELECT * FROM wstep_certificates WHERE serial = ?`).get(b.serial)) as Record<string, unknown>;
    expect(row).toMatchObject({ name: 'CN-B', revoked: 0, not_valid_before: b.notBefore.toISOString(), not_valid_after: b.notAfter.toISOString() });
    expect(new NodeX509(row.certificate_pem as string).raw.equals(b.der)).toBe(true);
  });

  it('writes a serial of 128 as a positive INTEGER (00 80), which node and OpenSSL read', () => {
    ctx.store.tx((db) => db.prepare(`INSERT INTO wstep_serials(serial, created_at) VALUES (127, ?)`).run(ctx.nowIso()));
    const issued = issue('CN-128');
    expect(issued.serial).toBe(128);
    expect(issued.der.includes(Buffer.from('02020080', 'hex'))).toBe(true);
    expect(BigInt(`0x${new NodeX509(issued.der).serialNumber}`)).toBe(128n);
  });
});
