import { SWTPM_SCHEMA } from './schema.js';
import { createHash, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { Lab } from '../../lab/lab.js';
import type { Store } from '../../lab/store.js';
import type { StepKindId } from '../../protocols/steps.js';
import * as T from '../../protocols/tpm2.js';
import { bcryptRsaKeyBlob } from '../../protocols/bcrypt-blob.js';
import { decryptDirJwe, wrappedSessionKey } from '../../protocols/prt-kdf.js';
import { buildCsr, hashFor, type CsrSpec } from './csr.js';
import { describeKdfInput, hs256Segments, hs256WithDerivedKey, kdfContext, kdfFixedInput, replyCtx } from './derived-key.js';
import { startSwtpm, type SwtpmProcess } from './swtpm.js';
import { keyInfoOf, spkiKey, type KeyPurpose, type PublicFormat, type TpmKeyInfo } from './tpm.js';
import type { Tpm } from './backend.js';
import { publicKeyOfSpki } from '../../protocols/rsa-key-der.js';


const A = T.TPMA_OBJECT;
const RETRY = new Set<number>([T.TPM_RC.RETRY, 0x908, 0x90a]);

/**
 * The storage key template: hsm-crypto setup_owner_primary (tss.rs), an AES-128-CFB restricted decryption primary
 * under the owner hierarchy; the same template under the same owner seed gives the same key after every restart.
 * (hsm-crypto adds a subordinate storage key with an authValue under it; this lab parents keys on the primary.)
 */
const SRK_TEMPLATE: T.TpmtPublic = {
  type: 'symcipher', nameAlg: T.TPM_ALG.SHA256,
  attributes: A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.noDA | A.restricted | A.decrypt,
  authPolicy: Buffer.alloc(0), symmetric: { alg: T.TPM_ALG.AES, keyBits: 128, mode: T.TPM_ALG.CFB }, unique: Buffer.alloc(0),
};

/**
 * An RS256 key (hsm-crypto rs256_create): RSA-2048, sign and decrypt (the transport key also RSA-OAEP-decrypts the
 * session key), scheme NULL so the caller names RSASSA-SHA256, RSASSA-SHA1 or OAEP-SHA1 per command. Keys without
 * a PIN carry noDA; the Hello key is DA-protected, so wrong PINs count toward lockout (Part 1 §19.8).
 */
function rsaTemplate(daProtected: boolean): T.TpmtPublic {
  return {
    type: 'rsa', nameAlg: T.TPM_ALG.SHA256,
    attributes: A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.decrypt | A.sign | (daProtected ? 0 : A.noDA),
    authPolicy: Buffer.alloc(0), symmetric: { alg: T.TPM_ALG.NULL }, scheme: { alg: T.TPM_ALG.NULL }, keyBits: 2048, exponent: 0, unique: Buffer.alloc(0),
  };
}

/**
 * The PRT session key as an HMAC key: KEYEDHASH with scheme HMAC-SHA256 and `sign` (hsm-crypto hmac_s256_create's
 * template), but the key bytes given in inSensitive.data, so sensitiveDataOrigin is CLEAR (Part 3 §12.1.1: the TPM
 * refuses caller data with it SET; Part 1 §27.5.3.3). TPM2_HMAC then runs the KDF with it (Part 3 §15.5).
 * UNCONFIRMED: whether Windows' Platform Crypto Provider brings the key in this way or by TPM2_Import of a duplicate;
 * hsm-crypto itself seals the session key and unseals it per use (msoapxbc_rsa_yield_session_key).
 */
const SESSION_HMAC_TEMPLATE: T.TpmtPublic = {
  type: 'keyedhash', nameAlg: T.TPM_ALG.SHA256, attributes: A.fixedTPM | A.fixedParent | A.userWithAuth | A.noDA | A.sign,
  authPolicy: Buffer.alloc(0), scheme: { alg: T.TPM_ALG.HMAC, hash: T.TPM_ALG.SHA256 }, unique: Buffer.alloc(0),
};

/** The TPM2 catalog id of each command (emulators/protocols/steps.ts). */
const STEP: Record<T.CommandName, StepKindId> = {
  Startup: 'tpm2.startup', Shutdown: 'tpm2.shutdown', CreatePrimary: 'tpm2.create-primary', Create: 'tpm2.create', Load: 'tpm2.load',
  ReadPublic: 'tpm2.read-public', Unseal: 'tpm2.unseal', RSA_Decrypt: 'tpm2.rsa-decrypt', HMAC: 'tpm2.hmac', GetRandom: 'tpm2.get-random',
  Sign: 'tpm2.sign', Clear: 'tpm2.clear', DictionaryAttackLockReset: 'tpm2.da-lock-reset', DictionaryAttackParameters: 'tpm2.da-parameters',
  ContextSave: 'tpm2.context-save', ContextLoad: 'tpm2.context-load', FlushContext: 'tpm2.flush-context',
  StartAuthSession: 'tpm2.other', GetCapability: 'tpm2.other',
};

interface Row {
  handle: string;
  kind: string;
  purpose: string;
  parent: string | null;
  tpm2b_public: Buffer;
  tpm2b_private: Buffer;
  public_spki: Buffer | null;
}

const sha256Hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
/** The Hello key's authValue: SHA-256 of the PIN (a digest of nameAlg's size, Part 1 §19.6.4). UNCONFIRMED: the exact PIN-to-authValue derivation Windows' NGC uses. */
const pinAuth = (pin: string) => createHash('sha256').update(pin, 'utf8').digest();

/**
 * The device's TPM as swtpm: every operation is the TPM 2.0 commands hsm-crypto's tss.rs issues, each a `local`
 * step TPM ↔ device titled by the command (`TPM2_Load`, `TPM2_Sign`…) with the command and response decoded.
 * The storage key and each key are kept as saved contexts and ContextLoaded for one operation, flushed after it
 * (hsm-crypto execute_with_temporary_object_context); the PRT session key is used only through TPM2_HMAC.
 */
export class SwtpmTpm implements Tpm {
  readonly backend = 'swtpm' as const;
  /** The storage primary's saved context (hsm-crypto root_storage_key_load keeps StorageKey::Tpm { key_context }). */
  private srk: T.Context | null = null;
  /** Saved contexts of keys loaded once this power cycle (hsm-crypto rs256_load / hmac_s256_load → key_context). */
  private readonly contexts = new Map<string, T.Context>();

  private constructor(
    private readonly lab: Lab,
    private readonly store: Store,
    private proc: SwtpmProcess,
  ) {}

  /** Start swtpm with its state in `<data dir>/swtpm` and send TPM2_Startup(CLEAR). */
  static async start(lab: Lab, opts: { stateDir?: string } = {}): Promise<SwtpmTpm> {
    const store = lab.openStore('tpm', SWTPM_SCHEMA);
    const proc = await startSwtpm({ stateDir: opts.stateDir ?? join(lab.dataDir, 'swtpm') });
    const tpm = new SwtpmTpm(lab, store, proc);
    await tpm.startup();
    return tpm;
  }

  get process(): SwtpmProcess {
    return this.proc;
  }

  /** TPM2_Startup(CLEAR) (Part 3 §9.3); an already started TPM answers TPM_RC_INITIALIZE, which is fine. */
  private async startup(): Promise<void> {
    try {
      await this.run('Startup', T.startup(T.TPM_SU.CLEAR));
    } catch (e) {
      if (!(e instanceof T.TpmError && e.base === T.TPM_RC.INITIALIZE)) throw e;
    }
    this.forgetContexts();
  }

  /** A new power cycle or owner seed: the TSS's saved contexts go (a new TBS/abrmd process holds none). */
  private forgetContexts(): void {
    this.srk = null;
    this.contexts.clear();
  }

  /** Stop swtpm (TPM2_Shutdown(STATE) first, so its NVRAM is saved as a real TPM's is at power-off). */
  async stop(): Promise<void> {
    if (!this.proc.running) return;
    await this.proc.transmit(T.shutdown(T.TPM_SU.STATE)).catch(() => undefined);
    await this.proc.stop();
  }

  /** Stop and start swtpm again on the same state folder (a reboot): transient objects are gone, saved blobs remain. */
  async restart(): Promise<void> {
    const dir = this.proc.stateDir;
    await this.stop();
    this.proc = await startSwtpm({ stateDir: dir });
    await this.startup();
  }

  /** TPM2_Clear under the lockout hierarchy (Part 3 §24.6): a new storage seed, so every saved blob stops loading. */
  async clear(): Promise<void> {
    await this.run('Clear', T.clear(T.TPM_RH.LOCKOUT));
    this.forgetContexts();
  }

  /** TPM2_DictionaryAttackParameters (Part 3 §25.3): how many wrong auth values before lockout. */
  async setLockoutPolicy(maxTries: number, recoveryTime: number, lockoutRecovery: number): Promise<void> {
    await this.run('DictionaryAttackParameters', T.daParameters(maxTries, recoveryTime, lockoutRecovery));
  }

  /** TPM2_DictionaryAttackLockReset (Part 3 §25.2). */
  async resetLockout(): Promise<void> {
    await this.run('DictionaryAttackLockReset', T.daLockReset());
  }

  async createKey(purpose: KeyPurpose): Promise<TpmKeyInfo> {
    return this.op('tpm.create-key', `TPM: create RSA-2048 ${purpose} key (TPM2_Create under the SRK)`, { purpose, algorithm: 'RSA-2048' }, async () => {
      const handle = this.nextHandle(0x81000001);
      return this.insertRsa(handle, purpose, 'rsa-2048', await this.create(rsaTemplate(false)));
    }, (k) => ({ handle: k.handle, spkiSha256: k.spkiSha256 }));
  }

  keyInfo(handle: string): TpmKeyInfo {
    return keyInfoOf(handle, this.row(handle));
  }

  publicKey(handle: string): KeyObject {
    return spkiKey(this.keyInfo(handle).spki);
  }

  /** TPM2_ReadPublic of the loaded key: the public area the TPM itself reports. */
  async exportPublic(handle: string, format: PublicFormat): Promise<Buffer> {
    return this.op('tpm.read-public', `TPM: export public key ${handle} as ${format === 'spki' ? 'SPKI' : 'BCRYPT_RSAKEY_BLOB'}`, { handle, format }, async () => {
      const res = await this.withLoaded(handle, (h) => this.run('ReadPublic', T.readPublicCmd(h)));
      const spki = T.rsaPublicToSpki(res.params.outPublic as T.TpmtPublic);
      return format === 'spki' ? spki : bcryptRsaKeyBlob(publicKeyOfSpki(spki));
    }, (b) => ({ bytes: b.length }));
  }

  async sign(handle: string, data: Buffer, hash: 'sha256' | 'sha1' = 'sha256'): Promise<Buffer> {
    return this.op('tpm.sign', `TPM: sign with ${handle} (PKCS#1 v1.5 ${hash.toUpperCase()})`, { handle, hash, inputSha256: sha256Hex(data) }, () => this.signInside(handle, data, hash), (s) => ({ signatureBytes: s.length }));
  }

  async signJwt(handle: string, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    return this.op('tpm.sign-jwt', `TPM: sign JWT (RS256) with ${handle}`, { handle, header }, async () => {
      const sig = await this.signInside(handle, Buffer.from(input, 'ascii'), 'sha256');
      return `${input}.${sig.toString('base64url')}`;
    });
  }

  async createCsr(handle: string, spec: CsrSpec): Promise<Buffer> {
    return this.op('tpm.create-csr', `TPM: make CSR for ${handle}`, { handle, subjectCn: spec.subjectCn.replace(/\0/g, '\\0'), signatureOid: spec.signatureOid }, () =>
      buildCsr(this.keyInfo(handle).spki, spec, (tbs) => this.signInside(handle, tbs, hashFor(spec.signatureOid))),
    (csr) => ({ csrBytes: csr.length, csrSha256: sha256Hex(csr) }));
  }

  async decryptOaep(handle: string, ciphertext: Buffer, hash: 'sha1' | 'sha256' = 'sha1'): Promise<Buffer> {
    return this.op('tpm.rsa-oaep-decrypt', `TPM: RSA-OAEP decrypt with ${handle}`, { handle, hash, inputBytes: ciphertext.length }, () =>
      this.decryptInside(handle, ciphertext, hash),
    (p) => ({ outputBytes: p.length }));
  }

  /**
   * hsm-crypto msoapxbc_rsa_decipher_session_key: TPM2_RSA_Decrypt (OAEP-SHA1) with the transport key, truncate to
   * 32 bytes (libhimmelblau), then at once make it an HMAC key under the SRK (TPM2_Create, SESSION_HMAC_TEMPLATE):
   * only its TPM2B_PUBLIC/TPM2B_PRIVATE are kept, and every later use is TPM2_HMAC inside the TPM.
   */
  async unwrapSessionKey(transportHandle: string, sessionKeyJwe: string): Promise<string> {
    return this.op('tpm.unwrap-session-key', 'TPM: unwrap PRT session key (TPM2_RSA_Decrypt OAEP-SHA1), keep it as an HMAC key (TPM2_Create)', { parent: transportHandle }, async () => {
      const header = JSON.parse(Buffer.from(sessionKeyJwe.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg?: string };
      if (header.alg !== 'RSA-OAEP') throw new Error(`session_key_jwe alg ${String(header.alg)} is not RSA-OAEP`);
      const plain = await this.decryptInside(transportHandle, wrappedSessionKey(sessionKeyJwe), 'sha1');
      if (plain.length < 32) throw new Error('session key shorter than 32 bytes');
      const key = Buffer.from(plain.subarray(0, 32));
      plain.fill(0);
      try {
        const made = await this.create(SESSION_HMAC_TEMPLATE, { userAuth: Buffer.alloc(0), data: key });
        const handle = this.nextHandle(0x80000001);
        this.store.tx((db) =>
          db.prepare(`INSERT INTO swtpm_objects(handle, kind, purpose, parent, tpm2b_public, tpm2b_private, public_spki, created_at) VALUES (?, 'session-hmac-key', 'prt-session', ?, ?, ?, NULL, ?)`)
            .run(handle, transportHandle, T.marshalPublic2b(made.outPublic), made.outPrivate, this.lab.clock.date().toISOString()),
        );
        return handle;
      } finally {
        key.fill(0);
      }
    }, (h) => ({ sessionKeyHandle: h }));
  }

  /**
   * HS256 with a key derived from the session key (entra-mde2.md §6.5–§6.6): ctx from TPM2_GetRandom (24 bytes, as
   * Windows), the KDF's HMAC as TPM2_HMAC with the session key, the HS256 itself with the derived key in the device.
   */
  async sessionKeySignJwt(handle: string, payload: Record<string, unknown>, opts: { kdfVer?: 1 | 2 } = {}): Promise<string> {
    const kdfVer = opts.kdfVer ?? 2;
    return this.op('tpm.session-key-sign', `TPM: sign JWT with a key derived from the PRT session key (TPM2_HMAC KDFv${kdfVer}, HS256)`, { handle }, async () => {
      const rnd = await this.run('GetRandom', T.getRandom(24));
      const ctx = rnd.params.randomBytes as Buffer;
      const { h, p } = hs256Segments(payload, ctx, kdfVer);
      const derived = await this.deriveSessionKey(handle, kdfVer, ctx, Buffer.from(p, 'base64url'));
      try {
        return hs256WithDerivedKey(h, p, derived);
      } finally {
        derived.fill(0);
      }
    });
  }

  /** A session-key reply (§6.7): KDFv1 of its ctx by TPM2_HMAC, then AES-256 (CBC or GCM by IV length) with the derived key in the device. */
  async sessionKeyDecrypt(handle: string, jwe: string): Promise<string> {
    return this.op('tpm.session-key-decrypt', 'TPM: decrypt reply with a key derived from the PRT session key (TPM2_HMAC KDFv1, AES-256)', { handle, inputBytes: jwe.length }, async () => {
      const ctx = replyCtx(jwe);
      const derived = await this.deriveSessionKey(handle, 1, ctx);
      try {
        return decryptDirJwe(jwe, () => derived).toString('utf8');
      } finally {
        derived.fill(0);
      }
    }, (p) => ({ outputBytes: p.length }));
  }

  /**
   * The SP 800-108 KDF of the session key (one HMAC-SHA256 block) as TPM2_HMAC with the loaded session HMAC key
   * (Part 3 §15.5); the step shows the label and context decoded and the output only as "not shown".
   */
  async deriveSessionKey(handle: string, kdfVer: 1 | 2, ctx: Buffer, payloadBytes?: Buffer): Promise<Buffer> {
    const row = this.row(handle);
    if (row.kind !== 'session-hmac-key') throw new Error(`TPM object ${handle} is not a session key`);
    const context = kdfContext(kdfVer, ctx, payloadBytes);
    const res = await this.withLoaded(handle, (h) => this.run('HMAC', T.hmac(h, kdfFixedInput(context), T.TPM_ALG.SHA256), { sessionKey: handle, ...describeKdfInput(context, kdfVer, ctx) }));
    return res.params.outHMAC as Buffer;
  }

  /** The Windows Hello key: an RSA-2048 key whose authValue comes from the PIN, DA-protected (ms_hello_key_create). */
  async createHelloKey(pin: string): Promise<TpmKeyInfo> {
    if (!/^\d{4,127}$/.test(pin)) throw new Error('TPM: a Windows Hello PIN is 4 or more digits');
    return this.op('tpm.create-ngc-key', 'TPM: create RSA-2048 Windows Hello key, usable only with the PIN (authValue)', { purpose: 'ngc', algorithm: 'RSA-2048', auth: 'PIN' }, async () => {
      const handle = this.nextHandle(0x81000001);
      const auth = pinAuth(pin);
      try {
        return this.insertRsa(handle, 'ngc', 'rsa-2048-pin', await this.create(rsaTemplate(true), { userAuth: auth, data: Buffer.alloc(0) }));
      } finally {
        auth.fill(0);
      }
    }, (k) => ({ handle: k.handle, spkiSha256: k.spkiSha256 }));
  }

  /** TPM2_Sign with the PIN as the key's password authorization: a wrong one is TPM_RC_AUTH_FAIL, too many TPM_RC_LOCKOUT. */
  async signJwtWithPin(handle: string, pin: string, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    return this.op('tpm.ngc-sign', `TPM: sign JWT (RS256) with the Windows Hello key ${handle}, PIN-authorised`, { handle, header }, async () => {
      const row = this.row(handle);
      if (row.kind !== 'rsa-2048-pin') throw new Error(`TPM object ${handle} is not a Windows Hello key`);
      const sig = await this.signInside(handle, Buffer.from(input, 'ascii'), 'sha256', pinAuth(pin));
      return `${input}.${sig.toString('base64url')}`;
    });
  }

  objects(): { handle: string; kind: string; purpose: string; parent: string | null }[] {
    return this.store.read((db) => db.prepare(`SELECT handle, kind, purpose, parent FROM swtpm_objects ORDER BY rowid`).all() as { handle: string; kind: string; purpose: string; parent: string | null }[]);
  }

  get storeFile(): string {
    return this.store.file;
  }

  // ---- Inside ----

  /**
   * The owner-hierarchy storage primary, made once per TPM power cycle (TPM2_CreatePrimary, Part 3 §24.1), its
   * context saved (TPM2_ContextSave, §28.2) and the object flushed, as hsm-crypto root_storage_key_load does and as
   * TBS / tpm2-abrmd virtualise transient objects: TPM object memory holds only what one operation uses.
   */
  private async srkContext(): Promise<T.Context> {
    if (this.srk !== null) return this.srk;
    const res = await this.run('CreatePrimary', T.createPrimary(T.TPM_RH.OWNER, SRK_TEMPLATE));
    this.srk = await this.saveAndFlush(res.handles[0]!);
    return this.srk;
  }

  /** TPM2_ContextSave then TPM2_FlushContext (Part 3 §28.2, §28.4): the object lives on only as its saved context. */
  private async saveAndFlush(h: number): Promise<T.Context> {
    try {
      return (await this.run('ContextSave', T.contextSave(h))).params.context as T.Context;
    } finally {
      await this.run('FlushContext', T.flushContext(h));
    }
  }

  /** TPM2_ContextLoad a saved context, run `fn` on the handle, flush it (hsm-crypto execute_with_temporary_object_context). */
  private async withContext<R>(ctx: T.Context, fn: (h: number) => Promise<R>): Promise<R> {
    const h = (await this.run('ContextLoad', T.contextLoad(ctx))).handles[0]!;
    try {
      return await fn(h);
    } finally {
      await this.run('FlushContext', T.flushContext(h));
    }
  }

  private async create(template: T.TpmtPublic, sensitive?: T.SensitiveCreate): Promise<{ outPrivate: Buffer; outPublic: T.TpmtPublic }> {
    const res = await this.withContext(await this.srkContext(), (srk) => this.run('Create', T.create(srk, template, sensitive)));
    return { outPrivate: res.params.outPrivate as Buffer, outPublic: res.params.outPublic as T.TpmtPublic };
  }

  private insertRsa(handle: string, purpose: KeyPurpose, kind: string, made: { outPrivate: Buffer; outPublic: T.TpmtPublic }): TpmKeyInfo {
    const spki = T.rsaPublicToSpki(made.outPublic);
    this.store.tx((db) =>
      db.prepare(`INSERT INTO swtpm_objects(handle, kind, purpose, parent, tpm2b_public, tpm2b_private, public_spki, created_at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?)`)
        .run(handle, kind, purpose, T.marshalPublic2b(made.outPublic), made.outPrivate, spki, this.lab.clock.date().toISOString()),
    );
    return { handle, purpose, spki, spkiSha256: sha256Hex(spki) };
  }

  /**
   * A key's saved context: the first use this power cycle loads its blob under the SRK (ContextLoad SRK, Load,
   * flush SRK) and saves the key's context (hsm-crypto execute_key_load_to_context); later uses only ContextLoad it.
   */
  private async keyContext(handle: string): Promise<T.Context> {
    const cached = this.contexts.get(handle);
    if (cached) return cached;
    const row = this.row(handle);
    const loaded = await this.withContext(await this.srkContext(), (srk) => this.run('Load', T.load(srk, row.tpm2b_private, T.unmarshalPublic2b(row.tpm2b_public))));
    const ctx = await this.saveAndFlush(loaded.handles[0]!);
    this.contexts.set(handle, ctx);
    return ctx;
  }

  /** Run `fn` on the key loaded from its saved context, flushed after (execute_with_temporary_object_context). */
  private async withLoaded<R>(handle: string, fn: (h: number) => Promise<R>): Promise<R> {
    return this.withContext(await this.keyContext(handle), fn);
  }

  private async signInside(handle: string, data: Buffer, hash: 'sha256' | 'sha1', auth?: Buffer): Promise<Buffer> {
    const digest = createHash(hash).update(data).digest();
    try {
      const res = await this.withLoaded(handle, (h) => this.run('Sign', T.sign(h, digest, hash === 'sha1' ? T.TPM_ALG.SHA1 : T.TPM_ALG.SHA256, auth)));
      return (res.params.signature as T.Signature).sig;
    } finally {
      auth?.fill(0);
    }
  }

  private async decryptInside(handle: string, ciphertext: Buffer, hash: 'sha1' | 'sha256'): Promise<Buffer> {
    const res = await this.withLoaded(handle, (h) => this.run('RSA_Decrypt', T.rsaDecrypt(h, ciphertext, hash === 'sha1' ? T.TPM_ALG.SHA1 : T.TPM_ALG.SHA256)));
    return res.params.message as Buffer;
  }

  /**
   * One TPM command as a `local` step TPM ↔ device: its command code, handles, sessions and parameters decoded,
   * the raw bytes with secrets zeroed, the response code decoded. A non-zero TPM_RC fails the step with its name.
   */
  async run(name: T.CommandName, command: Buffer, meaning?: Record<string, unknown>): Promise<T.TpmResponse> {
    const decoded = T.unmarshalCommand(command);
    const def = T.COMMANDS[name];
    const code = T.TPM_CC[name];
    return this.lab.local(
      {
        // The device's TPM stack (TBS) sends the command and the TPM answers (TCG TPM 2.0 Part 3 §5: command/response).
        party: 'device', to: 'tpm', catalogId: STEP[name], title: `TPM2_${name}`,
        detail: { ...T.describeCommand(decoded), ...(meaning && { meaning }), spec: `TCG TPM 2.0 Library Part 3 §${def.section} TPM2_${name}`, commandBytes: T.redactCommand(command).toString('hex') },
      },
      async () => {
        let bytes = await this.proc.transmit(command);
        // TPM_RC_RETRY / TPM_RC_YIELDED / TPM_RC_TESTING: the TPM asks for the same command again (Part 2 §6.6.3), as a TSS does.
        for (let i = 0; i < 8 && RETRY.has(T.unmarshalResponse(code, bytes).rc); i++) bytes = await this.proc.transmit(command);
        const res = T.unmarshalResponse(code, bytes);
        if (res.rc !== 0) throw new T.TpmError(name, T.decodeRc(res.rc));
        return { res, bytes };
      },
      ({ res, bytes }) => ({ response: T.describeResponse(code, res), responseBytes: T.redactResponse(code, bytes).toString('hex') }),
    ).then((r) => r.res);
  }

  private row(handle: string): Row {
    const row = this.store.read((db) => db.prepare(`SELECT * FROM swtpm_objects WHERE handle = ?`).get(handle) as Row | undefined);
    if (!row) throw new Error(`TPM: no object ${handle}`);
    return row;
  }

  /** Handles numbered as the in-process TPM numbers them (persistent-style 0x81…, transient-style 0x80… for session keys). */
  private nextHandle(base: number): string {
    const n = this.store.read((db) => db.prepare(`SELECT COUNT(*) FROM swtpm_objects`).pluck().get() as number);
    return `0x${(base + n).toString(16)}`;
  }

  private op<R>(catalogId: StepKindId, title: string, detail: Record<string, unknown>, fn: () => Promise<R>, describe?: (r: R) => Record<string, unknown>): Promise<R> {
    return this.lab.local({ party: 'tpm', to: 'device', catalogId, title, detail: { operation: catalogId, backend: 'swtpm', ...detail } }, fn, describe);
  }
}

function b64url(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}
