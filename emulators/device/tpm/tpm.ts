import { createHash, hkdfSync, privateDecrypt, sign as rsaSign, constants, type KeyObject } from 'node:crypto';
import type { Lab } from '../../lab/lab.js';
import type { Store } from '../../lab/store.js';
import type { StepKindId } from '../../protocols/steps.js';
import { TPM_SCHEMA } from './schema.js';
import type { Tpm } from './backend.js';
import { loadOrCreateSrk } from './srk.js';
import { seal, unseal } from './seal.js';
import { buildCsr, hashFor, type CsrSpec } from './csr.js';
import { bcryptRsaKeyBlob } from '../../protocols/bcrypt-blob.js';
import { sessionKeyDecryptJwe, sessionKeySignJwt, unwrapSessionKeyJwe } from './session-key.js';
import { pkcs8Der, privateKeyOfPkcs8, publicKeyOfSpki, spkiDer } from '../../protocols/rsa-key-der.js';

/** What each key is for (reference/entra-mde2.md §10, §11.1). */
export type KeyPurpose = 'transport' | 'device' | 'mdm-client' | 'ngc';

/** A key's public face: everything the device may know about a TPM key. */
export interface TpmKeyInfo {
  handle: string;
  purpose: KeyPurpose;
  /** DER SubjectPublicKeyInfo. */
  spki: Buffer;
  /** Hex SHA-256 of the SPKI: how steps name the key. */
  spkiSha256: string;
}

export type PublicFormat = 'spki' | 'bcrypt';

/** The catalog id of each TPM operation this model performs (the `operation` of a step's detail). */
const OPERATION_STEP = {
  create: 'tpm.create-key',
  'read-public': 'tpm.read-public',
  sign: 'tpm.sign',
  'sign-jwt': 'tpm.sign-jwt',
  'create-csr': 'tpm.create-csr',
  'rsa-oaep-decrypt': 'tpm.rsa-oaep-decrypt',
  'unwrap-session-key': 'tpm.unwrap-session-key',
  'session-key-sign': 'tpm.session-key-sign',
  'session-key-decrypt': 'tpm.session-key-decrypt',
  'create-ngc-key': 'tpm.create-ngc-key',
  'ngc-sign': 'tpm.ngc-sign',
} as const satisfies Record<string, StepKindId>;
type Operation = keyof typeof OPERATION_STEP;

interface ObjectRow {
  handle: string;
  kind: string;
  purpose: string;
  parent: string | null;
  public_spki: Buffer | null;
  sealed: Buffer;
}

const sha256Hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A key's public facts from the row either backend keeps of it (the SPKI it read when the key was made). */
export function keyInfoOf(handle: string, row: { purpose: string; public_spki: Buffer | null }): TpmKeyInfo {
  if (!row.public_spki) throw new Error(`TPM object ${handle} has no public key`);
  return { handle, purpose: row.purpose as KeyPurpose, spki: row.public_spki, spkiSha256: sha256Hex(row.public_spki) };
}

export const spkiKey = (spki: Buffer): KeyObject => publicKeyOfSpki(spki);

/**
 * The virtual device's software TPM. Keys are created here and never leave in the clear: the DB holds them only
 * sealed under the storage root key (srk.ts), and every operation unseals inside one call, uses the key and lets
 * it go. No method returns private key material: callers get public keys, signatures, CSRs, handles, and the
 * plaintext of what a key decrypts (never the PRT session key itself, which only ever exists sealed or inside a
 * session-key operation). Every operation is a `local` step from the TPM to the device.
 */
export class SoftwareTpm implements Tpm {
  /** Objects loaded into the TPM (TPM2_Load), by persistent handle, with the sealed blob they were loaded from. */
  private readonly loaded = new Map<string, { sealed: Buffer; key: KeyObject }>();
  readonly backend = 'soft' as const;

  private constructor(
    private readonly lab: Lab,
    private readonly store: Store,
    private readonly srk: Buffer,
  ) {}

  /** The TPM of this lab's device: its own `tpm` store (tpm.sqlite) and the SRK file beside it. */
  static open(lab: Lab): SoftwareTpm {
    const store = lab.openStore('tpm', TPM_SCHEMA);
    return new SoftwareTpm(lab, store, loadOrCreateSrk(lab));
  }

  /** TPM2_Create: a fresh RSA-2048 key for `purpose`, persisted only as a sealed blob. */
  async createKey(purpose: KeyPurpose): Promise<TpmKeyInfo> {
    return this.op(`TPM: create RSA-2048 ${purpose} key`, { operation: 'create', purpose, algorithm: 'RSA-2048' }, async () => {
      const n = this.store.read((db) => db.prepare(`SELECT COUNT(*) FROM tpm_objects`).pluck().get() as number);
      // Persistent-object handles as a real TPM numbers them (0x81xxxxxx).
      const handle = `0x${(0x81000001 + n).toString(16)}`;
      const used = this.store.read((db) => db.prepare(`SELECT COUNT(*) FROM tpm_objects WHERE purpose = ?`).pluck().get(purpose) as number);
      const pair = await this.lab.keys.rsa(`device-tpm-${purpose}-${used + 1}`);
      const spki = spkiDer(pair.publicKey);
      const sealed = seal(this.srk, pkcs8Der(pair.privateKey), handle);
      this.store.tx((db) =>
        db
          .prepare(`INSERT INTO tpm_objects(handle, kind, purpose, parent, public_spki, sealed, created_at) VALUES (?, 'rsa-2048', ?, NULL, ?, ?, ?)`)
          .run(handle, purpose, spki, sealed, this.lab.clock.date().toISOString()),
      );
      // TPM2_CreateLoaded (TPM 2.0 Part 3 §12.9): the new object is loaded as it is created, so its first use does
      // not unseal the blob just sealed; privateKey() still unseals when the stored blob is not this one.
      this.loaded.set(handle, { sealed: Buffer.from(sealed), key: pair.privateKey });
      return { handle, purpose, spki, spkiSha256: sha256Hex(spki) };
    }, (k) => ({ handle: k.handle, spkiSha256: k.spkiSha256 }));
  }

  /** The public key of a TPM key (no step: reading public data is not a TPM command worth a step). */
  keyInfo(handle: string): TpmKeyInfo {
    return keyInfoOf(handle, this.row(handle));
  }

  publicKey(handle: string): KeyObject {
    return spkiKey(this.keyInfo(handle).spki);
  }

  /** TPM2_ReadPublic: the public key as SPKI DER or as a BCRYPT_RSAKEY_BLOB (entra-mde2.md §4). */
  async exportPublic(handle: string, format: PublicFormat): Promise<Buffer> {
    return this.op(`TPM: export public key ${handle} as ${format === 'spki' ? 'SPKI' : 'BCRYPT_RSAKEY_BLOB'}`, { operation: 'read-public', handle, format }, () => {
      const info = this.keyInfo(handle);
      return format === 'spki' ? info.spki : bcryptRsaKeyBlob(this.publicKey(handle));
    }, (b) => ({ bytes: b.length }));
  }

  /** TPM2_Sign: RSASSA-PKCS1-v1_5 over `data` with SHA-256 (RS256) or SHA-1 (the OIW MDM CSR). */
  async sign(handle: string, data: Buffer, hash: 'sha256' | 'sha1' = 'sha256'): Promise<Buffer> {
    return this.op(`TPM: sign with ${handle} (PKCS#1 v1.5 ${hash.toUpperCase()})`, { operation: 'sign', handle, hash, inputSha256: sha256Hex(data) }, () =>
      this.signInside(handle, data, hash),
    (s) => ({ signatureBytes: s.length }));
  }

  /** A compact RS256 JWS signed inside the TPM (the device-key-signed PRT request, MS-OAPXBC 3.2.5.1.2). */
  async signJwt(handle: string, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    return this.op(`TPM: sign JWT (RS256) with ${handle}`, { operation: 'sign-jwt', handle, header }, () => {
      const sig = this.signInside(handle, Buffer.from(input, 'ascii'), 'sha256');
      return `${input}.${sig.toString('base64url')}`;
    });
  }

  /** ms_device_enrolment_begin: a PKCS#10 CSR for a TPM key, signed inside (entra-mde2.md §3.2, §7.4). */
  async createCsr(handle: string, spec: CsrSpec): Promise<Buffer> {
    return this.op(`TPM: make CSR for ${handle}`, { operation: 'create-csr', handle, subjectCn: spec.subjectCn.replace(/\0/g, '\\0'), signatureOid: spec.signatureOid }, () =>
      buildCsr(this.keyInfo(handle).spki, spec, async (tbs) => this.signInside(handle, tbs, hashFor(spec.signatureOid))),
    (csr) => ({ csrBytes: csr.length, csrSha256: sha256Hex(csr) }));
  }

  /** TPM2_RSA_Decrypt with OAEP (SHA-1 as JOSE RSA-OAEP, or SHA-256): returns the plaintext. */
  async decryptOaep(handle: string, ciphertext: Buffer, hash: 'sha1' | 'sha256' = 'sha1'): Promise<Buffer> {
    return this.op(`TPM: RSA-OAEP decrypt with ${handle}`, { operation: 'rsa-oaep-decrypt', handle, hash, inputBytes: ciphertext.length }, () =>
      privateDecrypt({ key: this.privateKey(handle), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, ciphertext),
    (p) => ({ outputBytes: p.length }));
  }

  /**
   * msoapxbc_rsa_decipher_session_key: RSA-OAEP-SHA1-decrypt the encrypted-key part of `session_key_jwe` with the
   * transport key, keep 32 bytes and seal them at once (MS-OAPXBC 3.2.5.1.2.2, entra-mde2.md §6.4). Returns only
   * the handle of the sealed session key.
   */
  async unwrapSessionKey(transportHandle: string, sessionKeyJwe: string): Promise<string> {
    return this.op('TPM: unwrap PRT session key (RSA-OAEP with the transport key), seal it', { operation: 'unwrap-session-key', parent: transportHandle }, () => {
      const key = unwrapSessionKeyJwe(this.privateKey(transportHandle), sessionKeyJwe);
      const n = this.store.read((db) => db.prepare(`SELECT COUNT(*) FROM tpm_objects`).pluck().get() as number);
      // Transient-object handles for loaded secrets (0x80xxxxxx).
      const handle = `0x${(0x80000001 + n).toString(16)}`;
      const sealed = seal(this.srk, key, handle);
      key.fill(0);
      this.store.tx((db) =>
        db
          .prepare(`INSERT INTO tpm_objects(handle, kind, purpose, parent, public_spki, sealed, created_at) VALUES (?, 'session-key', 'prt-session', ?, NULL, ?, ?)`)
          .run(handle, transportHandle, sealed, this.lab.clock.date().toISOString()),
      );
      return handle;
    }, (h) => ({ sessionKeyHandle: h }));
  }

  /**
   * A JWT signed HS256 with a key derived from the session key (SP800-108 KDF; KDFv2 context = SHA256(ctx ‖
   * payload)); `ctx` is drawn from the lab ids (entra-mde2.md §6.5, §6.6). The session key stays inside.
   */
  async sessionKeySignJwt(handle: string, payload: Record<string, unknown>, opts: { kdfVer?: 1 | 2 } = {}): Promise<string> {
    const ctx = this.lab.ids.bytes(24);
    return this.op(`TPM: sign JWT with the PRT session key (HS256, KDFv${opts.kdfVer ?? 2})`, { operation: 'session-key-sign', handle, ctx: ctx.toString('base64') }, () =>
      this.withSessionKey(handle, (key) => sessionKeySignJwt(key, ctx, payload, opts.kdfVer ?? 2)),
    );
  }

  /** Decrypt a session-key JWE reply (alg dir; AES-256-CBC, or AES-GCM for a 12-byte IV) inside the TPM (§6.7). */
  async sessionKeyDecrypt(handle: string, jwe: string): Promise<string> {
    return this.op('TPM: decrypt reply with the PRT session key (KDFv1 + AES)', { operation: 'session-key-decrypt', handle, inputBytes: jwe.length }, () =>
      this.withSessionKey(handle, (key) => sessionKeyDecryptJwe(key, jwe)),
    (p) => ({ outputBytes: p.length }));
  }

  /**
   * ms_hello_key_create (kanidm hsm-crypto): the Windows Hello (NGC) key, RSA-2048, sealed under a storage key
   * derived from the SRK and the PIN, so that only the PIN makes it usable, as a TPM key's authValue does. The PIN
   * is neither stored nor recorded.
   */
  async createHelloKey(pin: string): Promise<TpmKeyInfo> {
    if (!/^\d{4,127}$/.test(pin)) throw new Error('TPM: a Windows Hello PIN is 4 or more digits');
    return this.op('TPM: create RSA-2048 Windows Hello key, usable only with the PIN', { operation: 'create-ngc-key', purpose: 'ngc', algorithm: 'RSA-2048', auth: 'PIN' }, async () => {
      const n = this.store.read((db) => db.prepare(`SELECT COUNT(*) FROM tpm_objects`).pluck().get() as number);
      const handle = `0x${(0x81000001 + n).toString(16)}`;
      const used = this.store.read((db) => db.prepare(`SELECT COUNT(*) FROM tpm_objects WHERE purpose = 'ngc'`).pluck().get() as number);
      const pair = await this.lab.keys.rsa(`device-tpm-ngc-${used + 1}`);
      const spki = spkiDer(pair.publicKey);
      const sealed = seal(this.pinKey(handle, pin), pkcs8Der(pair.privateKey), handle);
      this.store.tx((db) =>
        db
          .prepare(`INSERT INTO tpm_objects(handle, kind, purpose, parent, public_spki, sealed, created_at) VALUES (?, 'rsa-2048-pin', 'ngc', NULL, ?, ?, ?)`)
          .run(handle, spki, sealed, this.lab.clock.date().toISOString()),
      );
      return { handle, purpose: 'ngc' as const, spki, spkiSha256: sha256Hex(spki) };
    }, (k) => ({ handle: k.handle, spkiSha256: k.spkiSha256 }));
  }

  /** A compact RS256 JWS signed inside the TPM by the Windows Hello key, which the PIN unlocks for this one call. */
  async signJwtWithPin(handle: string, pin: string, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    return this.op(`TPM: sign JWT (RS256) with the Windows Hello key ${handle}, PIN-authorised`, { operation: 'ngc-sign', handle, header }, () => {
      const sig = rsaSign('sha256', Buffer.from(input, 'ascii'), { key: this.helloKey(handle, pin), padding: constants.RSA_PKCS1_PADDING });
      return `${input}.${sig.toString('base64url')}`;
    });
  }

  /** Handles of every object the TPM holds, with their purposes (public information). */
  objects(): { handle: string; kind: string; purpose: string; parent: string | null }[] {
    return this.store.read((db) => db.prepare(`SELECT handle, kind, purpose, parent FROM tpm_objects ORDER BY rowid`).all() as { handle: string; kind: string; purpose: string; parent: string | null }[]);
  }

  get storeFile(): string {
    return this.store.file;
  }

  private row(handle: string): ObjectRow {
    const row = this.store.read((db) => db.prepare(`SELECT * FROM tpm_objects WHERE handle = ?`).get(handle) as ObjectRow | undefined);
    if (!row) throw new Error(`TPM: no object ${handle}`);
    return row;
  }

  /** The storage key a Hello key is sealed under: HKDF-SHA256 of the SRK with the PIN, bound to the handle. */
  private pinKey(handle: string, pin: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.srk, Buffer.from(handle, 'utf8'), Buffer.from(`ngc-pin\0${pin}`, 'utf8'), 32));
  }

  /** Load a Hello key with its PIN for one operation; a wrong PIN fails the unseal (TPM_RC_AUTH_FAIL). */
  private helloKey(handle: string, pin: string): KeyObject {
    const row = this.row(handle);
    if (row.kind !== 'rsa-2048-pin') throw new Error(`TPM object ${handle} is not a Windows Hello key`);
    let der: Buffer;
    try {
      der = unseal(this.pinKey(handle, pin), row.sealed, handle);
    } catch {
      throw new Error(`TPM_RC_AUTH_FAIL: the PIN does not unlock ${handle}`);
    }
    try {
      return privateKeyOfPkcs8(der);
    } finally {
      der.fill(0);
    }
  }

  /** Load (unseal) a private key for the length of one operation. */
  private privateKey(handle: string): KeyObject {
    const row = this.row(handle);
    if (row.kind === 'rsa-2048-pin') throw new Error(`TPM object ${handle} is a Windows Hello key: it needs the PIN`);
    if (row.kind !== 'rsa-2048') throw new Error(`TPM object ${handle} is not an RSA key`);
    // TPM2_Load once, then the loaded object's handle is used (TPM 2.0 Part 3 §12.2): unsealed again only when the
    // stored blob is not the one loaded (a step back restored another DB).
    const loaded = this.loaded.get(handle);
    if (loaded && loaded.sealed.equals(row.sealed)) return loaded.key;
    const der = unseal(this.srk, row.sealed, handle);
    try {
      const key = privateKeyOfPkcs8(der);
      this.loaded.set(handle, { sealed: Buffer.from(row.sealed), key });
      return key;
    } finally {
      der.fill(0);
    }
  }

  private signInside(handle: string, data: Buffer, hash: 'sha256' | 'sha1'): Buffer {
    return rsaSign(hash, data, { key: this.privateKey(handle), padding: constants.RSA_PKCS1_PADDING });
  }

  private withSessionKey<T>(handle: string, fn: (key: Buffer) => T): T {
    const row = this.row(handle);
    if (row.kind !== 'session-key') throw new Error(`TPM object ${handle} is not a session key`);
    const key = unseal(this.srk, row.sealed, handle);
    try {
      return fn(key);
    } finally {
      key.fill(0);
    }
  }

  private op<T>(title: string, detail: { operation: Operation } & Record<string, unknown>, fn: () => T | Promise<T>, describe?: (r: T) => Record<string, unknown>): Promise<T> {
    return this.lab.local({ party: 'tpm', to: 'device', catalogId: OPERATION_STEP[detail.operation], title, detail }, fn, describe);
  }
}

function b64url(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}
