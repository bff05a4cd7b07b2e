import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { x509, toCryptoKeys, RSA_SHA256 } from '../protocols/x509.js';
import { DEVICE_CA_DN } from '../protocols/drs.js';
import type { EntraContext } from './context.js';
import { ETYPE_AES256_CTS_HMAC_SHA1_96, defaultSalt, stringToKey } from '../protocols/kerberos/aes-cts-hmac-sha1.js';
import { CLOUD_REALM } from '../protocols/kerberos/realms.js';

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
  // Entra's cloud KDC: the krbtgt key of KERBEROS.MICROSOFTONLINE.COM, for the tgt_cloud of PRT replies.
  ensureKdcKey(ctx, CLOUD_REALM, 'cloud');
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

/** A realm's krbtgt key, kept in the unlogged `kdc_keys` (schema.ts). */
export interface KdcKey {
  realm: string;
  kind: 'cloud' | 'onprem';
  kvno: number;
  etype: number;
  key: Buffer;
}

/**
 * Make a realm's krbtgt key if the tenant has none: aes256-cts-hmac-sha1-96 from a random password by the RFC 3962
 * string-to-key with the salt REALM + "krbtgt", as an AD domain derives its krbtgt account's AES key (RFC 4120 §4
 * default salt). The password is drawn from the lab's ids (a seeded run makes the same key) and never stored.
 */
export function ensureKdcKey(ctx: EntraContext, realm: string, kind: KdcKey['kind']): KdcKey {
  const have = loadKdcKey(ctx, kind);
  if (have && have.realm === realm) return have;
  const password = ctx.lab.ids.bytes(32).toString('base64');
  const key = stringToKey(password, defaultSalt(realm, ['krbtgt']));
  ctx.store.tx((db) => {
    if (have) {
      db.prepare(`DELETE FROM kdc_keys WHERE realm = ?`).run(have.realm);
      db.prepare(`DELETE FROM kerberos_realms WHERE realm = ?`).run(have.realm);
    }
    db.prepare(`INSERT INTO kerberos_realms(realm, kind, created_at) VALUES (?, ?, ?)`).run(realm, kind, ctx.iso());
    db.prepare(`INSERT INTO kdc_keys(realm, kvno, etype, key) VALUES (?, 1, ?, ?)`).run(realm, ETYPE_AES256_CTS_HMAC_SHA1_96, key);
  });
  return { realm, kind, kvno: 1, etype: ETYPE_AES256_CTS_HMAC_SHA1_96, key };
}

/** The krbtgt key of the tenant's realm of that kind, or undefined when the tenant has no such realm. */
export function loadKdcKey(ctx: EntraContext, kind: KdcKey['kind']): KdcKey | undefined {
  const row = ctx.store.read(
    (db) =>
      db.prepare(`SELECT r.realm, r.kind, k.kvno, k.etype, k.key FROM kerberos_realms r JOIN kdc_keys k ON k.realm = r.realm WHERE r.kind = ?`).get(kind) as
        | { realm: string; kind: KdcKey['kind']; kvno: number; etype: number; key: Buffer }
        | undefined,
  );
  return row ? { ...row, key: Buffer.from(row.key) } : undefined;
}
