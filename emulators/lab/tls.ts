import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { x509, toCryptoKeys, RSA_SHA256, serialHex } from '../protocols/x509.js';
import type { KeyFactory } from './keys.js';

/**
 * The lab's TLS material: a lab CA and one server certificate it issued for the loopback names every lab server
 * listens on. Clients inside the lab trust `caPem` explicitly (lab.send); outside clients (himmelblau, a Windows VM,
 * curl --cacert) are given the CA file (`serve --ca-out`). Verification is never turned off anywhere.
 */
export interface LabTls {
  /** The lab CA certificate (PEM): what a client adds to its trust store. */
  caPem: string;
  /** The server certificate (PEM), issued by the lab CA for 127.0.0.1, ::1 and localhost. */
  certPem: string;
  /** The server certificate's private key (PKCS#8 PEM). */
  keyPem: string;
}

const FILES = { ca: 'lab-ca.pem', caKey: 'lab-ca.key', cert: 'lab-server.pem', key: 'lab-server.key' } as const;

/** The names every lab server is reached by (RFC 5280 §4.2.1.6 subjectAltName: iPAddress and dNSName). */
export const LOOPBACK_NAMES = { ips: ['127.0.0.1', '::1'], dns: ['localhost'] } as const;

/** A serial derived from what the certificate is (deterministic for a seeded lab, unique per key otherwise). */
function serialOf(label: string, spki: Buffer): string {
  return serialHex(BigInt(`0x${createHash('sha256').update(label).update(spki).digest('hex').slice(0, 30)}`));
}

/**
 * The lab CA and server certificate of a folder: made once and kept in `<dir>/tls/`, so every world of a session
 * (each Run makes a new one on the same ports) serves a certificate the CA handed out at start keeps trusting.
 * Keys come from the key factory: a seeded lab gets the same keys, serials and validity, hence the same PEMs.
 * `now` is the lab clock's start: validity is 10 years from the day before.
 */
export async function ensureLabTls(dir: string, keys: KeyFactory, now: number): Promise<LabTls> {
  const folder = join(dir, 'tls');
  const path = (f: keyof typeof FILES) => join(folder, FILES[f]);
  if (existsSync(path('ca')) && existsSync(path('cert')) && existsSync(path('key'))) {
    return { caPem: readFileSync(path('ca'), 'utf8'), certPem: readFileSync(path('cert'), 'utf8'), keyPem: readFileSync(path('key'), 'utf8') };
  }
  const caKeys = await keys.rsa('lab-tls-ca');
  const leafKeys = await keys.rsa('lab-tls-server');
  const notBefore = new Date(Math.floor(now / 86_400_000) * 86_400_000 - 86_400_000);
  const notAfter = new Date(notBefore.getTime() + 10 * 365 * 86_400_000);
  const caCrypto = await toCryptoKeys(caKeys);
  const leafCrypto = await toCryptoKeys(leafKeys);
  const caSpki = caKeys.publicKey.export({ type: 'spki', format: 'der' });
  const leafSpki = leafKeys.publicKey.export({ type: 'spki', format: 'der' });
  const caName = 'CN=Enrollscope Lab CA, O=Enrollscope';
  // RFC 5280 §4.2.1.9: a CA; pathLen 0 (it issues end-entity certificates only).
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialOf('ca', caSpki),
    name: caName,
    notBefore,
    notAfter,
    signingAlgorithm: RSA_SHA256,
    keys: caCrypto,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caCrypto.publicKey),
    ],
  });
  // CA/B Baseline Requirements §7.1.2.7: serverAuth EKU and the names in subjectAltName (clients ignore the CN).
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serialOf('server', leafSpki),
    subject: 'CN=127.0.0.1, O=Enrollscope',
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingAlgorithm: RSA_SHA256,
    publicKey: leafCrypto.publicKey,
    signingKey: caCrypto.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension([...LOOPBACK_NAMES.ips.map((value) => ({ type: 'ip' as const, value })), ...LOOPBACK_NAMES.dns.map((value) => ({ type: 'dns' as const, value }))], false),
      await x509.SubjectKeyIdentifierExtension.create(leafCrypto.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCrypto.publicKey),
    ],
  });
  const tls: LabTls = { caPem: ca.toString('pem'), certPem: leaf.toString('pem'), keyPem: leafKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
  mkdirSync(folder, { recursive: true });
  writeFileSync(path('caKey'), caKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(path('key'), tls.keyPem, { mode: 0o600 });
  writeFileSync(path('cert'), tls.certPem);
  writeFileSync(path('ca'), tls.caPem);
  return tls;
}
