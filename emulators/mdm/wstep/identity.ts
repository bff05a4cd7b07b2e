import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { x509, toCryptoKeys, thumbprint, RSA_SHA256 } from '../../protocols/x509.js';
import type { MdmContext } from '../context.js';

/**
 * The WSTEP identity: the CA that signs device client certificates, and whose key signs STS and EUA tokens
 * (reference/fleet.md §1.1). Fleet reads it from config; the lab makes one per lab and keeps it in the DB.
 */
export interface WstepIdentity {
  cert: x509.X509Certificate;
  certDer: Buffer;
  certPem: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Upper-case hex SHA-1 of the DER (IdentityFingerprint). */
  fingerprint: string;
}

const cache = new WeakMap<MdmContext, { pem: string; identity: WstepIdentity }>();

/** Create the identity CA if this lab's DB has none; idempotent. */
export async function ensureIdentity(ctx: MdmContext): Promise<WstepIdentity> {
  const existing = ctx.store.read((db) => db.prepare(`SELECT 1 FROM lab_wstep_identity WHERE id = 1`).get());
  if (!existing) {
    const keys = await ctx.lab.keys.rsa('mdm-wstep-identity');
    const now = ctx.lab.clock.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=Fleet WSTEP Identity CA (Enrollscope lab), O=Enrollscope',
      notBefore: new Date(now - 24 * 3600_000),
      notAfter: new Date(now + 10 * 365 * 24 * 3600_000),
      signingAlgorithm: RSA_SHA256,
      keys: await toCryptoKeys(keys),
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      ],
    });
    const certPem = cert.toString('pem');
    const keyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    ctx.store.tx((db) =>
      db.prepare(`INSERT OR IGNORE INTO lab_wstep_identity(id, certificate_pem, private_key_pem) VALUES (1, ?, ?)`).run(certPem, keyPem),
    );
  }
  return loadIdentity(ctx);
}

/** The identity as stored now (step back may have replaced the DB, so the cache is keyed by the stored PEM). */
export function loadIdentity(ctx: MdmContext): WstepIdentity {
  const row = ctx.store.read(
    (db) => db.prepare(`SELECT certificate_pem, private_key_pem FROM lab_wstep_identity WHERE id = 1`).get() as
      | { certificate_pem: string; private_key_pem: string }
      | undefined,
  );
  if (!row) throw new Error('windows mdm identity keypair was not configured');
  const hit = cache.get(ctx);
  if (hit && hit.pem === row.certificate_pem) return hit.identity;
  const cert = new x509.X509Certificate(row.certificate_pem);
  const certDer = Buffer.from(cert.rawData);
  const privateKey = createPrivateKey(row.private_key_pem);
  const identity: WstepIdentity = {
    cert,
    certDer,
    certPem: row.certificate_pem,
    privateKey,
    publicKey: createPublicKey(privateKey),
    fingerprint: thumbprint(certDer),
  };
  cache.set(ctx, { pem: row.certificate_pem, identity });
  return identity;
}
