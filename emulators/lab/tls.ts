import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { x509, toCryptoKeys, RSA_SHA256, serialHex } from '../protocols/x509.js';
import type { KeyFactory } from './keys.js';

/**
 * The lab's TLS material: a lab CA and one server certificate it issued for the loopback names every lab server
 * listens on (and the serve --listen address); the CA's name constraints permit no other names. Clients inside the lab trust `caPem` explicitly (lab.send); outside clients (himmelblau, a Windows VM,
 * curl --cacert) are given the CA file (`serve --ca-out`). Verification is never turned off anywhere.
 */
export interface LabTls {
  /** The lab CA certificate (PEM): what a client adds to its trust store. */
  caPem: string;
  /** The server certificate (PEM), issued by the lab CA for 127.0.0.1, ::1, localhost and the --listen address. */
  certPem: string;
  /** The server certificate's private key (PKCS#8 PEM). */
  keyPem: string;
}

const FILES = { ca: 'lab-ca.pem', caKey: 'lab-ca.key', cert: 'lab-server.pem', key: 'lab-server.key' } as const;

/** The names every lab server is reached by (RFC 5280 §4.2.1.6 subjectAltName: iPAddress and dNSName). */
export const LOOPBACK_NAMES = { ips: ['127.0.0.1', '::1'], dns: ['localhost'] } as const;

/** Whether an address is one of the loopback names (127.0.0.0/8, ::1, localhost): reachable only from this machine. */
export function isLoopbackName(a: string): boolean {
  return a === 'localhost' || a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
}

/** The names a lab's servers are reached by: the loopback names, plus the --listen address when it is another. */
export function labNames(listen?: string | null): { ips: string[]; dns: string[] } {
  const ips: string[] = [...LOOPBACK_NAMES.ips];
  const dns: string[] = [...LOOPBACK_NAMES.dns];
  if (listen && !ips.includes(listen) && !dns.includes(listen.toLowerCase())) (isIP(listen) ? ips : dns).push(isIP(listen) ? listen : listen.toLowerCase());
  return { ips, dns };
}

/** DER TLV (X.690 §8.1): tag, definite length, contents. */
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand `::` to the missing zero groups.
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.concat(groups.map((g) => { const b = Buffer.alloc(2); b.writeUInt16BE(parseInt(g || '0', 16)); return b; }));
}

/**
 * The CA's nameConstraints value (RFC 5280 §4.2.1.10): permitted subtrees only, so a lab CA a user added to a trust
 * store vouches for nothing but the lab's names: iPAddress 127.0.0.0/8 and ::1/128, dNSName localhost, and the
 * --listen address (its /32 or /128, or its DNS name). iPAddress bases are address then mask; dNSName is IA5String.
 */
export function labNameConstraints(listen?: string | null): Buffer {
  const names = labNames(listen);
  // 127.0.0.1 stands for all of 127.0.0.0/8, so another 127.x address needs no subtree of its own.
  const covered = (ip: string) => ip !== '127.0.0.1' && isIP(ip) === 4 && isLoopbackName(ip);
  return tlv(0x30, tlv(0xa0, Buffer.concat([...names.ips.filter((ip) => !covered(ip)), ...names.dns].map(subtreeOf))));
}

/** One GeneralSubtree: iPAddress [7] address+mask (127.0.0.1 as 127.0.0.0/8, others a single host), or dNSName [2]. */
function subtreeOf(name: string): Buffer {
  if (!isIP(name)) return tlv(0x30, tlv(0x82, Buffer.from(name.toLowerCase(), 'ascii')));
  const addr = name === '127.0.0.1' ? Buffer.from([127, 0, 0, 0]) : ipBytes(name);
  const mask = name === '127.0.0.1' ? Buffer.from([255, 0, 0, 0]) : Buffer.alloc(addr.length, 0xff);
  return tlv(0x30, tlv(0x87, Buffer.concat([addr, mask])));
}

type KeyPair = { privateKey: KeyObject; publicKey: KeyObject };

/** The --listen name when it is not one of the loopback names every certificate carries; '' otherwise. */
function extraNames(listen?: string | null): string {
  const n = labNames(listen);
  return [...n.ips, ...n.dns].filter((x) => !(LOOPBACK_NAMES.ips as readonly string[]).includes(x) && !(LOOPBACK_NAMES.dns as readonly string[]).includes(x)).join(' ');
}

/** Whether a CA (PEM) made here permits the name: loopback names always; another only when its subtree is in the CA (DER is canonical). */
function caPermits(caPem: string, listen?: string | null): boolean {
  if (!listen || isLoopbackName(listen)) return true;
  return new X509Certificate(caPem).raw.includes(subtreeOf(listen));
}

/** A serial derived from what the certificate is (deterministic for a seeded lab, unique per key otherwise). */
function serialOf(label: string, spki: Buffer): string {
  return serialHex(BigInt(`0x${createHash('sha256').update(label).update(spki).digest('hex').slice(0, 30)}`));
}

/**
 * The lab CA and server certificate of a folder: made once and kept in `<dir>/tls/`, so every world of a session
 * (each Run makes a new one on the same ports) serves a certificate the CA handed out at start keeps trusting.
 * Keys come from the key factory: a seeded lab gets the same keys, serials and validity, hence the same PEMs.
 * `now` is the lab clock's start: validity is 10 years from the day before. `listen` (serve --listen) is one more name
 * the certificate and the CA's name constraints carry; a folder whose certificate lacks it is issued again.
 */
export async function ensureLabTls(dir: string, keys: KeyFactory, now: number, opts: { listen?: string | null } = {}): Promise<LabTls> {
  const folder = join(dir, 'tls');
  const path = (f: keyof typeof FILES) => join(folder, FILES[f]);
  const names = labNames(opts.listen);
  const stored = (f: keyof typeof FILES): KeyPair | null => {
    if (!existsSync(path(f))) return null;
    const privateKey = createPrivateKey(readFileSync(path(f), 'utf8'));
    return { privateKey, publicKey: createPublicKey(privateKey) };
  };
  let keptCa: string | null = null;
  if (existsSync(path('ca')) && existsSync(path('cert')) && existsSync(path('key'))) {
    const kept = { caPem: readFileSync(path('ca'), 'utf8'), certPem: readFileSync(path('cert'), 'utf8'), keyPem: readFileSync(path('key'), 'utf8') };
    const leaf = new X509Certificate(kept.certPem);
    if (names.ips.every((ip) => leaf.checkIP(ip)) && names.dns.every((d) => leaf.checkHost(d))) return kept;
    // A new --listen name: the CA handed out before stays when its name constraints already permit the name.
    if (existsSync(path('caKey')) && caPermits(kept.caPem, opts.listen)) keptCa = kept.caPem;
  }
  // The folder's keys when it has them (a CA clients trust keeps its key), else the key factory's (seeded: the same).
  const caKeys = stored('caKey') ?? (await keys.rsa('lab-tls-ca'));
  const leafKeys = stored('key') ?? (await keys.rsa('lab-tls-server'));
  const notBefore = new Date(Math.floor(now / 86_400_000) * 86_400_000 - 86_400_000);
  const notAfter = new Date(notBefore.getTime() + 10 * 365 * 86_400_000);
  const caCrypto = await toCryptoKeys(caKeys);
  const leafCrypto = await toCryptoKeys(leafKeys);
  const caSpki = caKeys.publicKey.export({ type: 'spki', format: 'der' });
  const leafSpki = leafKeys.publicKey.export({ type: 'spki', format: 'der' });
  // Names beyond the loopback ones make other certificates, with their own serials (RFC 5280 §4.1.2.2: unique per issuer).
  const leafExtra = extraNames(opts.listen);
  const caExtra = opts.listen && !isLoopbackName(opts.listen) ? leafExtra : '';
  const caName = 'CN=Enrollscope Lab CA, O=Enrollscope';
  // RFC 5280 §4.2.1.9: a CA; pathLen 0 (it issues end-entity certificates only). §4.2.1.10: name constraints, critical.
  const ca = keptCa
    ? new x509.X509Certificate(keptCa)
    : await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serialOf(caExtra ? `ca ${caExtra}` : 'ca', caSpki),
        name: caName,
        notBefore,
        notAfter,
        signingAlgorithm: RSA_SHA256,
        keys: caCrypto,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          new x509.Extension('2.5.29.30', true, new Uint8Array(labNameConstraints(opts.listen))),
          await x509.SubjectKeyIdentifierExtension.create(caCrypto.publicKey),
        ],
      });
  // CA/B Baseline Requirements §7.1.2.7: serverAuth EKU and the names in subjectAltName (clients ignore the CN).
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serialOf(leafExtra ? `server ${leafExtra}` : 'server', leafSpki),
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
      new x509.SubjectAlternativeNameExtension([...names.ips.map((value) => ({ type: 'ip' as const, value })), ...names.dns.map((value) => ({ type: 'dns' as const, value }))], false),
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
