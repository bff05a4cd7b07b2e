import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { x509, toCryptoKeys, RSA_SHA256 } from '../protocols/x509.js';
import { DEVICE_CA_DN } from '../protocols/drs.js';
import type { EntraContext } from './context.js';

/**
 * Entra's two keys, kept in the unlogged `signing_keys` table: the token signing key (its self-signed cert is
 * served in the JWKS, `kid` = `x5t` as Entra's), and the MS-Organization-Access CA that issues device
 * certificates (entra-mde2.md §3.4).
 */
export interface EntraKey {
  kid: string;
  cert: x509.X509Certificate;
  certDer: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

type Purpose = 'token' | 'device-ca';

const cache = new WeakMap<EntraContext, Map<Purpose, { pem: string; key: EntraKey }>>();

/** base64url SHA-1 of the DER certificate: Entra's `kid` and `x5t`. */
export function x5t(der: Buffer): string {
  return createHash('sha1').update(der).digest('base64url');
}

async function create(ctx: EntraContext, purpose: Purpose): Promise<void> {
  const keys = await ctx.lab.keys.rsa(purpose === 'token' ? 'entra-token-signing' : 'entra-ms-organization-access');
  const now = ctx.lab.clock.now();
  const name = purpose === 'token' ? 'CN=accounts.accesscontrol.windows.net' : DEVICE_CA_DN;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: ctx.lab.ids.hex(16).replace(/^[89a-f]/, '1'),
    name,
    notBefore: new Date(now - 24 * 3600_000),
    notAfter: new Date(now + 20 * 365 * 24 * 3600_000),
    signingAlgorithm: RSA_SHA256,
    keys: await toCryptoKeys(keys),
    extensions:
      purpose === 'device-ca'
        ? [
            new x509.BasicConstraintsExtension(true, 0, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          ]
        : [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  const der = Buffer.from(cert.rawData);
  ctx.store.tx((db) =>
    db
      .prepare(`INSERT OR IGNORE INTO signing_keys(purpose, kid, certificate_pem, private_key_pem) VALUES (?, ?, ?, ?)`)
      .run(purpose, x5t(der), cert.toString('pem'), keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
  );
}

export async function ensureKeys(ctx: EntraContext): Promise<{ token: EntraKey; ca: EntraKey }> {
  for (const p of ['token', 'device-ca'] as const) {
    if (!ctx.store.read((db) => db.prepare(`SELECT 1 FROM signing_keys WHERE purpose = ?`).get(p))) await create(ctx, p);
  }
  return { token: loadKey(ctx, 'token'), ca: loadKey(ctx, 'device-ca') };
}

/** The key as stored now (a step back may have replaced the DB: the cache is keyed by the stored PEM). */
export function loadKey(ctx: EntraContext, purpose: Purpose): EntraKey {
  const row = ctx.store.read(
    (db) => db.prepare(`SELECT kid, certificate_pem, private_key_pem FROM signing_keys WHERE purpose = ?`).get(purpose) as
      | { kid: string; certificate_pem: string; private_key_pem: string }
      | undefined,
  );
  if (!row) throw new Error(`Entra ${purpose} key is missing`);
  let byPurpose = cache.get(ctx);
  if (!byPurpose) cache.set(ctx, (byPurpose = new Map()));
  const hit = byPurpose.get(purpose);
  if (hit && hit.pem === row.certificate_pem) return hit.key;
  const cert = new x509.X509Certificate(row.certificate_pem);
  const privateKey = createPrivateKey(row.private_key_pem);
  const key: EntraKey = { kid: row.kid, cert, certDer: Buffer.from(cert.rawData), privateKey, publicKey: createPublicKey(privateKey) };
  byPurpose.set(purpose, { pem: row.certificate_pem, key });
  return key;
}
