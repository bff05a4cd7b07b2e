import { createPublicKey } from 'node:crypto';
import { spkiDer } from './rsa-key-der.js';

/**
 * # TPM 2.0 command interface codec
 *
 * The bytes a TPM 2.0 takes and gives (TCG TPM 2.0 Library, Part 2 "Structures" and Part 3 "Commands", Rev 1.59,
 * https://trustedcomputinggroup.org/resource/tpm-library-specification/). Every command is described once, as the
 * list of its handles and the fields of its parameter areas (COMMANDS below, each with its Part 3 section); one
 * interpreter marshals and unmarshals them, so the same description builds a command, decodes a captured one for
 * the timeline and reads the response. Builders (`startup`, `createPrimary`, …) are one function per command.
 *
 * Command: tag(u16) ‖ commandSize(u32) ‖ commandCode(u32) ‖ handles ‖ [authorizationSize(u32) ‖ sessions] ‖ params
 * Response: tag(u16) ‖ responseSize(u32) ‖ responseCode(u32) ‖ handles ‖ [parameterSize(u32)] ‖ params ‖ [sessions]
 * (Part 1 §18, Part 3 §5).
 */

// ---- Part 2 constants ----

/** TPM_ST (Part 2 §6.9). */
export const TPM_ST = { NO_SESSIONS: 0x8001, SESSIONS: 0x8002, CREATION: 0x8021, HASHCHECK: 0x8024 } as const;
/** TPM_RH / TPM_RS (Part 2 §7.4). */
export const TPM_RH = { OWNER: 0x40000001, NULL: 0x40000007, PW: 0x40000009, LOCKOUT: 0x4000000a, ENDORSEMENT: 0x4000000b, PLATFORM: 0x4000000c } as const;
/** TPM_ALG_ID (Part 2 §6.3). */
export const TPM_ALG = {
  RSA: 0x0001, SHA1: 0x0004, HMAC: 0x0005, AES: 0x0006, KEYEDHASH: 0x0008, XOR: 0x000a, SHA256: 0x000b, NULL: 0x0010,
  RSASSA: 0x0014, RSAES: 0x0015, RSAPSS: 0x0016, OAEP: 0x0017, SYMCIPHER: 0x0025, CFB: 0x0043,
} as const;
const ALG_NAMES = new Map<number, string>(Object.entries(TPM_ALG).map(([k, v]) => [v, `TPM_ALG_${k}`]));
export const algName = (a: number): string => ALG_NAMES.get(a) ?? `0x${a.toString(16).padStart(4, '0')}`;
/** TPM_SU (Part 2 §6.5). */
export const TPM_SU = { CLEAR: 0x0000, STATE: 0x0001 } as const;

/** TPMA_OBJECT bits (Part 2 §8.3). */
export const TPMA_OBJECT = {
  fixedTPM: 1 << 1, stClear: 1 << 2, fixedParent: 1 << 4, sensitiveDataOrigin: 1 << 5, userWithAuth: 1 << 6,
  adminWithPolicy: 1 << 7, noDA: 1 << 10, encryptedDuplication: 1 << 11, restricted: 1 << 16, decrypt: 1 << 17, sign: 1 << 18,
} as const;
export function objectAttributeNames(a: number): string[] {
  return Object.entries(TPMA_OBJECT).filter(([, bit]) => (a & bit) !== 0).map(([n]) => n);
}

/** TPM_CC (Part 2 §6.5.2) with the Part 3 section of each command this codec speaks. */
export const TPM_CC = {
  Clear: 0x126, CreatePrimary: 0x131, DictionaryAttackLockReset: 0x139, DictionaryAttackParameters: 0x13a,
  Startup: 0x144, Shutdown: 0x145, Create: 0x153, HMAC: 0x155, Load: 0x157, RSA_Decrypt: 0x159, Sign: 0x15d,
  Unseal: 0x15e, ContextLoad: 0x161, ContextSave: 0x162, FlushContext: 0x165, ReadPublic: 0x173,
  StartAuthSession: 0x176, GetCapability: 0x17a, GetRandom: 0x17b,
} as const;
export type CommandName = keyof typeof TPM_CC;

export const TPM_SPEC_URL = 'https://trustedcomputinggroup.org/resource/tpm-library-specification/';

// ---- Structures ----

/** TPMT_PUBLIC (Part 2 §12.2.4) of the three object types this lab makes. */
export type TpmtPublic =
  | { type: 'rsa'; nameAlg: number; attributes: number; authPolicy: Buffer; symmetric: SymDef; scheme: Scheme; keyBits: number; exponent: number; unique: Buffer }
  | { type: 'keyedhash'; nameAlg: number; attributes: number; authPolicy: Buffer; scheme: Scheme; unique: Buffer }
  | { type: 'symcipher'; nameAlg: number; attributes: number; authPolicy: Buffer; symmetric: SymDef; unique: Buffer };
/** TPMT_SYM_DEF_OBJECT (Part 2 §11.1.7): NULL, or algorithm + key bits + mode. */
export type SymDef = { alg: number; keyBits?: number; mode?: number };
/** A scheme with an optional hash (TPMT_RSA_SCHEME, TPMT_KEYEDHASH_SCHEME, TPMT_SIG_SCHEME, TPMT_RSA_DECRYPT). */
export type Scheme = { alg: number; hash?: number; kdf?: number };
/** TPMS_SENSITIVE_CREATE (Part 2 §11.1.15). */
export type SensitiveCreate = { userAuth: Buffer; data: Buffer };
/** TPMT_TK_* tickets (Part 2 §10.7). */
export type Ticket = { tag: number; hierarchy: number; digest: Buffer };
/** TPMT_SIGNATURE for RSASSA / RSAPSS (Part 2 §11.3.4). */
export type Signature = { alg: number; hash: number; sig: Buffer };
/** TPMS_CONTEXT (Part 2 §14.5). */
export type Context = { sequence: bigint; savedHandle: number; hierarchy: number; blob: Buffer };
/** TPML_PCR_SELECTION (Part 2 §10.9.7). */
export type PcrSelection = { hash: number; select: Buffer }[];
/** TPMS_AUTH_COMMAND / TPMS_AUTH_RESPONSE (Part 2 §10.13). */
export type AuthCommand = { handle: number; nonce: Buffer; attributes: number; hmac: Buffer };
export type AuthResponse = { nonce: Buffer; attributes: number; hmac: Buffer };

type FieldType = 'u8' | 'u16' | 'u32' | 'u64' | 'b2b' | 'public' | 'sensitiveCreate' | 'pcrSel' | 'ticket' | 'scheme' | 'signature' | 'context';
type Field = { name: string; type: FieldType; secret?: boolean };

export interface CommandDef {
  name: CommandName;
  /** Part 3 section (Rev 1.59). */
  section: string;
  handles: string[];
  /** How many of the handles take an authorization session (Part 3: the handles marked `@`). */
  authHandles: number;
  params: Field[];
  responseHandles: string[];
  response: Field[];
}

const f = (name: string, type: FieldType, secret?: boolean): Field => ({ name, type, ...(secret && { secret }) });

/** Each command: its Part 3 section, handle area and parameter areas. */
export const COMMANDS: Record<CommandName, CommandDef> = {
  Startup: { name: 'Startup', section: '9.3', handles: [], authHandles: 0, params: [f('startupType', 'u16')], responseHandles: [], response: [] },
  Shutdown: { name: 'Shutdown', section: '9.4', handles: [], authHandles: 0, params: [f('shutdownType', 'u16')], responseHandles: [], response: [] },
  Create: {
    name: 'Create', section: '12.1', handles: ['parentHandle'], authHandles: 1,
    params: [f('inSensitive', 'sensitiveCreate', true), f('inPublic', 'public'), f('outsideInfo', 'b2b'), f('creationPCR', 'pcrSel')],
    responseHandles: [],
    response: [f('outPrivate', 'b2b'), f('outPublic', 'public'), f('creationData', 'b2b'), f('creationHash', 'b2b'), f('creationTicket', 'ticket')],
  },
  Load: { name: 'Load', section: '12.2', handles: ['parentHandle'], authHandles: 1, params: [f('inPrivate', 'b2b'), f('inPublic', 'public')], responseHandles: ['objectHandle'], response: [f('name', 'b2b')] },
  ReadPublic: { name: 'ReadPublic', section: '12.4', handles: ['objectHandle'], authHandles: 0, params: [], responseHandles: [], response: [f('outPublic', 'public'), f('name', 'b2b'), f('qualifiedName', 'b2b')] },
  Unseal: { name: 'Unseal', section: '12.7', handles: ['itemHandle'], authHandles: 1, params: [], responseHandles: [], response: [f('outData', 'b2b', true)] },
  RSA_Decrypt: {
    name: 'RSA_Decrypt', section: '14.3', handles: ['keyHandle'], authHandles: 1,
    params: [f('cipherText', 'b2b'), f('inScheme', 'scheme'), f('label', 'b2b')], responseHandles: [], response: [f('message', 'b2b', true)],
  },
  HMAC: { name: 'HMAC', section: '15.5', handles: ['handle'], authHandles: 1, params: [f('buffer', 'b2b'), f('hashAlg', 'u16')], responseHandles: [], response: [f('outHMAC', 'b2b', true)] },
  GetRandom: { name: 'GetRandom', section: '16.1', handles: [], authHandles: 0, params: [f('bytesRequested', 'u16')], responseHandles: [], response: [f('randomBytes', 'b2b')] },
  Sign: {
    name: 'Sign', section: '20.2', handles: ['keyHandle'], authHandles: 1,
    params: [f('digest', 'b2b'), f('inScheme', 'scheme'), f('validation', 'ticket')], responseHandles: [], response: [f('signature', 'signature')],
  },
  CreatePrimary: {
    name: 'CreatePrimary', section: '24.1', handles: ['primaryHandle'], authHandles: 1,
    params: [f('inSensitive', 'sensitiveCreate', true), f('inPublic', 'public'), f('outsideInfo', 'b2b'), f('creationPCR', 'pcrSel')],
    responseHandles: ['objectHandle'],
    response: [f('outPublic', 'public'), f('creationData', 'b2b'), f('creationHash', 'b2b'), f('creationTicket', 'ticket'), f('name', 'b2b')],
  },
  Clear: { name: 'Clear', section: '24.6', handles: ['authHandle'], authHandles: 1, params: [], responseHandles: [], response: [] },
  DictionaryAttackLockReset: { name: 'DictionaryAttackLockReset', section: '25.2', handles: ['lockHandle'], authHandles: 1, params: [], responseHandles: [], response: [] },
  DictionaryAttackParameters: {
    name: 'DictionaryAttackParameters', section: '25.3', handles: ['lockHandle'], authHandles: 1,
    params: [f('newMaxTries', 'u32'), f('newRecoveryTime', 'u32'), f('lockoutRecovery', 'u32')], responseHandles: [], response: [],
  },
  ContextSave: { name: 'ContextSave', section: '28.2', handles: ['saveHandle'], authHandles: 0, params: [], responseHandles: [], response: [f('context', 'context')] },
  ContextLoad: { name: 'ContextLoad', section: '28.3', handles: [], authHandles: 0, params: [f('context', 'context')], responseHandles: ['loadedHandle'], response: [] },
  // flushHandle is a parameter, not a handle-area entry (Part 3 §28.4.2).
  FlushContext: { name: 'FlushContext', section: '28.4', handles: [], authHandles: 0, params: [f('flushHandle', 'u32')], responseHandles: [], response: [] },
  // Seen in tpm2-tools captures; their parameters are not decoded here (raw bytes).
  StartAuthSession: { name: 'StartAuthSession', section: '11.1', handles: ['tpmKey', 'bind'], authHandles: 0, params: [], responseHandles: ['sessionHandle'], response: [] },
  GetCapability: { name: 'GetCapability', section: '30.2', handles: [], authHandles: 0, params: [f('capability', 'u32'), f('property', 'u32'), f('propertyCount', 'u32')], responseHandles: [], response: [] },
};

const BY_CODE = new Map<number, CommandDef>(Object.values(COMMANDS).map((d) => [TPM_CC[d.name], d]));
export const commandByCode = (cc: number): CommandDef | undefined => BY_CODE.get(cc);

// ---- Writer / reader ----

class Writer {
  private parts: Buffer[] = [];
  u8(v: number) { this.parts.push(Buffer.from([v & 0xff])); }
  u16(v: number) { const b = Buffer.alloc(2); b.writeUInt16BE(v); this.parts.push(b); }
  u32(v: number) { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); this.parts.push(b); }
  u64(v: bigint) { const b = Buffer.alloc(8); b.writeBigUInt64BE(v); this.parts.push(b); }
  bytes(b: Buffer) { this.parts.push(b); }
  b2b(b: Buffer) { this.u16(b.length); this.parts.push(b); }
  /** A TPM2B around a structure (TPM2B_PUBLIC, TPM2B_SENSITIVE_CREATE). */
  sized(fn: (w: Writer) => void) { const w = new Writer(); fn(w); this.b2b(w.done()); }
  done(): Buffer { return Buffer.concat(this.parts); }
}

export class TpmDecodeError extends Error {}

class Reader {
  constructor(private readonly buf: Buffer, public pos = 0) {}
  private need(n: number) { if (this.pos + n > this.buf.length) throw new TpmDecodeError(`TPM structure truncated at byte ${this.pos} (needs ${n} more)`); }
  u8() { this.need(1); return this.buf.readUInt8(this.pos++); }
  u16() { this.need(2); const v = this.buf.readUInt16BE(this.pos); this.pos += 2; return v; }
  u32() { this.need(4); const v = this.buf.readUInt32BE(this.pos); this.pos += 4; return v; }
  u64() { this.need(8); const v = this.buf.readBigUInt64BE(this.pos); this.pos += 8; return v; }
  bytes(n: number) { this.need(n); const b = Buffer.from(this.buf.subarray(this.pos, this.pos + n)); this.pos += n; return b; }
  b2b() { return this.bytes(this.u16()); }
  sized<T>(fn: (r: Reader) => T): T {
    const inner = new Reader(this.b2b());
    const v = fn(inner);
    if (!inner.atEnd) throw new TpmDecodeError('TPM2B holds more than its structure');
    return v;
  }
  get atEnd() { return this.pos === this.buf.length; }
  rest() { return this.bytes(this.buf.length - this.pos); }
}

function writeSymDef(w: Writer, s: SymDef) {
  w.u16(s.alg);
  if (s.alg !== TPM_ALG.NULL) { w.u16(s.keyBits ?? 128); w.u16(s.mode ?? TPM_ALG.CFB); }
}
function readSymDef(r: Reader): SymDef {
  const alg = r.u16();
  return alg === TPM_ALG.NULL ? { alg } : { alg, keyBits: r.u16(), mode: r.u16() };
}
/** Schemes: NULL has no details; XOR has hash + kdf; the rest a hash (Part 2 §11.1.21, §11.2.4.2, §11.2.3). */
function writeScheme(w: Writer, s: Scheme) {
  w.u16(s.alg);
  if (s.alg === TPM_ALG.NULL || s.alg === TPM_ALG.RSAES) return;
  w.u16(s.hash ?? TPM_ALG.SHA256);
  if (s.alg === TPM_ALG.XOR) w.u16(s.kdf ?? TPM_ALG.NULL);
}
function readScheme(r: Reader): Scheme {
  const alg = r.u16();
  if (alg === TPM_ALG.NULL || alg === TPM_ALG.RSAES) return { alg };
  const hash = r.u16();
  return alg === TPM_ALG.XOR ? { alg, hash, kdf: r.u16() } : { alg, hash };
}

export function marshalPublic(p: TpmtPublic): Buffer {
  const w = new Writer();
  w.u16(p.type === 'rsa' ? TPM_ALG.RSA : p.type === 'keyedhash' ? TPM_ALG.KEYEDHASH : TPM_ALG.SYMCIPHER);
  w.u16(p.nameAlg);
  w.u32(p.attributes);
  w.b2b(p.authPolicy);
  if (p.type === 'rsa') { writeSymDef(w, p.symmetric); writeScheme(w, p.scheme); w.u16(p.keyBits); w.u32(p.exponent); }
  else if (p.type === 'keyedhash') writeScheme(w, p.scheme);
  else writeSymDef(w, p.symmetric);
  w.b2b(p.unique);
  return w.done();
}
function readPublic(r: Reader): TpmtPublic {
  const type = r.u16();
  const nameAlg = r.u16();
  const attributes = r.u32();
  const authPolicy = r.b2b();
  if (type === TPM_ALG.RSA) {
    const symmetric = readSymDef(r); const scheme = readScheme(r); const keyBits = r.u16(); const exponent = r.u32();
    return { type: 'rsa', nameAlg, attributes, authPolicy, symmetric, scheme, keyBits, exponent, unique: r.b2b() };
  }
  if (type === TPM_ALG.KEYEDHASH) { const scheme = readScheme(r); return { type: 'keyedhash', nameAlg, attributes, authPolicy, scheme, unique: r.b2b() }; }
  if (type === TPM_ALG.SYMCIPHER) { const symmetric = readSymDef(r); return { type: 'symcipher', nameAlg, attributes, authPolicy, symmetric, unique: r.b2b() }; }
  throw new TpmDecodeError(`TPMT_PUBLIC type ${algName(type)} is not one this codec reads`);
}
/** Read a TPM2B_PUBLIC blob (as stored by the device). */
export function unmarshalPublic2b(b: Buffer): TpmtPublic {
  const r = new Reader(b);
  const p = r.sized(readPublic);
  if (!r.atEnd) throw new TpmDecodeError('trailing bytes after TPM2B_PUBLIC');
  return p;
}
export function marshalPublic2b(p: TpmtPublic): Buffer {
  const w = new Writer(); w.b2b(marshalPublic(p)); return w.done();
}

type Value = number | bigint | Buffer | TpmtPublic | SensitiveCreate | PcrSelection | Ticket | Scheme | Signature | Context;
export type Params = Record<string, Value>;

function writeField(w: Writer, type: FieldType, v: Value) {
  switch (type) {
    case 'u8': return w.u8(v as number);
    case 'u16': return w.u16(v as number);
    case 'u32': return w.u32(v as number);
    case 'u64': return w.u64(v as bigint);
    case 'b2b': return w.b2b(v as Buffer);
    case 'public': return w.sized((x) => x.bytes(marshalPublic(v as TpmtPublic)));
    case 'sensitiveCreate': { const s = v as SensitiveCreate; return w.sized((x) => { x.b2b(s.userAuth); x.b2b(s.data); }); }
    case 'pcrSel': { const sel = v as PcrSelection; w.u32(sel.length); for (const s of sel) { w.u16(s.hash); w.u8(s.select.length); w.bytes(s.select); } return; }
    case 'ticket': { const t = v as Ticket; w.u16(t.tag); w.u32(t.hierarchy); return w.b2b(t.digest); }
    case 'scheme': return writeScheme(w, v as Scheme);
    case 'signature': { const s = v as Signature; w.u16(s.alg); w.u16(s.hash); return w.b2b(s.sig); }
    case 'context': { const c = v as Context; w.u64(c.sequence); w.u32(c.savedHandle); w.u32(c.hierarchy); return w.b2b(c.blob); }
  }
}
function readField(r: Reader, type: FieldType): Value {
  switch (type) {
    case 'u8': return r.u8();
    case 'u16': return r.u16();
    case 'u32': return r.u32();
    case 'u64': return r.u64();
    case 'b2b': return r.b2b();
    case 'public': return r.sized(readPublic);
    case 'sensitiveCreate': return r.sized((x) => ({ userAuth: x.b2b(), data: x.b2b() }));
    case 'pcrSel': { const n = r.u32(); const out: PcrSelection = []; for (let i = 0; i < n; i++) { const hash = r.u16(); out.push({ hash, select: r.bytes(r.u8()) }); } return out; }
    case 'ticket': return { tag: r.u16(), hierarchy: r.u32(), digest: r.b2b() };
    case 'scheme': return readScheme(r);
    case 'signature': {
      const alg = r.u16();
      if (alg !== TPM_ALG.RSASSA && alg !== TPM_ALG.RSAPSS) throw new TpmDecodeError(`TPMT_SIGNATURE ${algName(alg)} is not RSA`);
      return { alg, hash: r.u16(), sig: r.b2b() };
    }
    case 'context': return { sequence: r.u64(), savedHandle: r.u32(), hierarchy: r.u32(), blob: r.b2b() };
  }
}

// ---- Commands ----

export interface TpmCommand {
  tag: number;
  code: number;
  name: CommandName | null;
  handles: number[];
  sessions: AuthCommand[];
  params: Params;
  /** Parameter bytes this codec does not decode (commands outside COMMANDS' fields, encrypted first parameters). */
  rawParams?: Buffer;
}

/** A password authorization (TPM_RS_PW, Part 1 §19.6.8): the authValue in the hmac field, in the clear. */
export function passwordSession(auth: Buffer = Buffer.alloc(0)): AuthCommand {
  return { handle: TPM_RH.PW, nonce: Buffer.alloc(0), attributes: 0x01, hmac: auth };
}

export function marshalCommand(cmd: TpmCommand): Buffer {
  const def = commandByCode(cmd.code);
  const w = new Writer();
  for (const h of cmd.handles) w.u32(h);
  if (cmd.tag === TPM_ST.SESSIONS) {
    const a = new Writer();
    for (const s of cmd.sessions) { a.u32(s.handle); a.b2b(s.nonce); a.u8(s.attributes); a.b2b(s.hmac); }
    const auth = a.done();
    w.u32(auth.length); w.bytes(auth);
  }
  if (cmd.rawParams) w.bytes(cmd.rawParams);
  else for (const fld of def?.params ?? []) writeField(w, fld.type, cmd.params[fld.name] as Value);
  const body = w.done();
  const head = Buffer.alloc(10);
  head.writeUInt16BE(cmd.tag); head.writeUInt32BE(10 + body.length, 2); head.writeUInt32BE(cmd.code, 6);
  return Buffer.concat([head, body]);
}

/** Decode a command's bytes (the timeline's view of what the device sent; also the fixture round-trip). */
export function unmarshalCommand(bytes: Buffer): TpmCommand {
  const r = new Reader(bytes);
  const tag = r.u16(); const size = r.u32(); const code = r.u32();
  if (size !== bytes.length) throw new TpmDecodeError(`commandSize ${size} but ${bytes.length} bytes`);
  if (tag !== TPM_ST.NO_SESSIONS && tag !== TPM_ST.SESSIONS) throw new TpmDecodeError(`bad command tag 0x${tag.toString(16)}`);
  const def = commandByCode(code);
  if (!def) return { tag, code, name: null, handles: [], sessions: [], params: {}, rawParams: r.rest() };
  const handles = def.handles.map(() => r.u32());
  const sessions: AuthCommand[] = [];
  if (tag === TPM_ST.SESSIONS) {
    const end = r.u32() + r.pos;
    while (r.pos < end) sessions.push({ handle: r.u32(), nonce: r.b2b(), attributes: r.u8(), hmac: r.b2b() });
    if (r.pos !== end) throw new TpmDecodeError('authorizationSize does not match its sessions');
  }
  // A session with the decrypt attribute (0x20) encrypts the first parameter: keep such bytes raw.
  const encrypted = sessions.some((s) => (s.attributes & 0x20) !== 0);
  const start = r.pos;
  if (encrypted || def.params.length === 0 && !r.atEnd) return { tag, code, name: def.name, handles, sessions, params: {}, rawParams: r.rest() };
  try {
    const params: Params = {};
    for (const fld of def.params) params[fld.name] = readField(r, fld.type);
    if (!r.atEnd) throw new TpmDecodeError('trailing bytes after the parameters');
    return { tag, code, name: def.name, handles, sessions, params };
  } catch (e) {
    if (!(e instanceof TpmDecodeError)) throw e;
    r.pos = start;
    return { tag, code, name: def.name, handles, sessions, params: {}, rawParams: r.rest() };
  }
}

function command(name: CommandName, handles: number[], params: Params, sessions?: AuthCommand[]): Buffer {
  const def = COMMANDS[name];
  const s = def.authHandles > 0 ? (sessions ?? handles.slice(0, def.authHandles).map(() => passwordSession())) : [];
  return marshalCommand({ tag: s.length > 0 ? TPM_ST.SESSIONS : TPM_ST.NO_SESSIONS, code: TPM_CC[name], name, handles, sessions: s, params });
}

const NO_PCRS: PcrSelection = [];
const NULL_TICKET = (tag: number): Ticket => ({ tag, hierarchy: TPM_RH.NULL, digest: Buffer.alloc(0) });

/** TPM2_Startup (Part 3 §9.3). */
export const startup = (type: number = TPM_SU.CLEAR) => command('Startup', [], { startupType: type });
/** TPM2_Shutdown (Part 3 §9.4). */
export const shutdown = (type: number = TPM_SU.STATE) => command('Shutdown', [], { shutdownType: type });
/** TPM2_CreatePrimary (Part 3 §24.1): a primary object from the hierarchy's seed and this template. */
export const createPrimary = (hierarchy: number, inPublic: TpmtPublic, sensitive: SensitiveCreate = { userAuth: Buffer.alloc(0), data: Buffer.alloc(0) }, hierarchyAuth?: Buffer) =>
  command('CreatePrimary', [hierarchy], { inSensitive: sensitive, inPublic, outsideInfo: Buffer.alloc(0), creationPCR: NO_PCRS }, [passwordSession(hierarchyAuth)]);
/** TPM2_Create (Part 3 §12.1): an ordinary object under a loaded parent; returns its TPM2B_PRIVATE / TPM2B_PUBLIC. */
export const create = (parent: number, inPublic: TpmtPublic, sensitive: SensitiveCreate = { userAuth: Buffer.alloc(0), data: Buffer.alloc(0) }, parentAuth?: Buffer) =>
  command('Create', [parent], { inSensitive: sensitive, inPublic, outsideInfo: Buffer.alloc(0), creationPCR: NO_PCRS }, [passwordSession(parentAuth)]);
/** TPM2_Load (Part 3 §12.2): load a saved private/public pair under its parent. */
export const load = (parent: number, inPrivate: Buffer, inPublic: TpmtPublic, parentAuth?: Buffer) =>
  command('Load', [parent], { inPrivate, inPublic }, [passwordSession(parentAuth)]);
/** TPM2_ReadPublic (Part 3 §12.4). */
export const readPublicCmd = (handle: number) => command('ReadPublic', [handle], {});
/** TPM2_Unseal (Part 3 §12.7): the data of a sealed data object. */
export const unseal = (item: number, auth?: Buffer) => command('Unseal', [item], {}, [passwordSession(auth)]);
/** TPM2_RSA_Decrypt (Part 3 §14.3) with OAEP and the given hash (SHA-1 for JOSE RSA-OAEP), empty label. */
export const rsaDecrypt = (key: number, cipherText: Buffer, hash: number = TPM_ALG.SHA1, auth?: Buffer) =>
  command('RSA_Decrypt', [key], { cipherText, inScheme: { alg: TPM_ALG.OAEP, hash }, label: Buffer.alloc(0) }, [passwordSession(auth)]);
/** TPM2_HMAC (Part 3 §15.5) with a loaded HMAC key. */
export const hmac = (key: number, buffer: Buffer, hashAlg: number = TPM_ALG.SHA256, auth?: Buffer) =>
  command('HMAC', [key], { buffer, hashAlg }, [passwordSession(auth)]);
/** TPM2_GetRandom (Part 3 §16.1). */
export const getRandom = (bytesRequested: number) => command('GetRandom', [], { bytesRequested });
/** TPM2_Sign (Part 3 §20.2): RSASSA-PKCS1-v1_5 over a digest; a NULL hashcheck ticket suits an unrestricted key. */
export const sign = (key: number, digest: Buffer, hash: number = TPM_ALG.SHA256, auth?: Buffer) =>
  command('Sign', [key], { digest, inScheme: { alg: TPM_ALG.RSASSA, hash }, validation: NULL_TICKET(TPM_ST.HASHCHECK) }, [passwordSession(auth)]);
/** TPM2_Clear (Part 3 §24.6): new storage seed, every owner object gone. */
export const clear = (authHandle: number = TPM_RH.LOCKOUT, auth?: Buffer) => command('Clear', [authHandle], {}, [passwordSession(auth)]);
/** TPM2_DictionaryAttackLockReset (Part 3 §25.2). */
export const daLockReset = (auth?: Buffer) => command('DictionaryAttackLockReset', [TPM_RH.LOCKOUT], {}, [passwordSession(auth)]);
/** TPM2_DictionaryAttackParameters (Part 3 §25.3). */
export const daParameters = (newMaxTries: number, newRecoveryTime: number, lockoutRecovery: number, auth?: Buffer) =>
  command('DictionaryAttackParameters', [TPM_RH.LOCKOUT], { newMaxTries, newRecoveryTime, lockoutRecovery }, [passwordSession(auth)]);
/** TPM2_ContextSave (Part 3 §28.2). */
export const contextSave = (handle: number) => command('ContextSave', [handle], {});
/** TPM2_ContextLoad (Part 3 §28.3). */
export const contextLoad = (context: Context) => command('ContextLoad', [], { context });
/** TPM_CAP (Part 2 §6.12): TPM_CAP_HANDLES lists the handles of one type (property = the first handle, e.g. 0x80000000 transient). */
export const TPM_CAP = { HANDLES: 0x00000001 } as const;
/** TPM2_GetCapability (Part 3 §30.2); its response stays raw (rawParams): moreData, TPMS_CAPABILITY_DATA. */
export const getCapability = (capability: number, property: number, propertyCount: number) => command('GetCapability', [], { capability, property, propertyCount });
/** TPM2_FlushContext (Part 3 §28.4). */
export const flushContext = (handle: number) => command('FlushContext', [], { flushHandle: handle });

// ---- Responses ----

export interface TpmResponse {
  tag: number;
  rc: number;
  handles: number[];
  params: Params;
  sessions: AuthResponse[];
  rawParams?: Buffer;
}

/** Read a response to command `code` (Part 3 §5.x response layout). A non-zero rc has no body. */
export function unmarshalResponse(code: number, bytes: Buffer): TpmResponse {
  const r = new Reader(bytes);
  const tag = r.u16(); const size = r.u32(); const rc = r.u32();
  if (size !== bytes.length) throw new TpmDecodeError(`responseSize ${size} but ${bytes.length} bytes`);
  const def = commandByCode(code);
  if (rc !== 0 || !def) return { tag, rc, handles: [], params: {}, sessions: [], ...(!r.atEnd && { rawParams: r.rest() }) };
  const handles = def.responseHandles.map(() => r.u32());
  let paramEnd = bytes.length;
  if (tag === TPM_ST.SESSIONS) paramEnd = r.u32() + r.pos;
  const params: Params = {};
  let rawParams: Buffer | undefined;
  if (def.response.length === 0 && r.pos < paramEnd) rawParams = r.bytes(paramEnd - r.pos);
  else for (const fld of def.response) params[fld.name] = readField(r, fld.type);
  if (r.pos !== paramEnd) throw new TpmDecodeError('parameterSize does not match the parameters');
  const sessions: AuthResponse[] = [];
  while (!r.atEnd) sessions.push({ nonce: r.b2b(), attributes: r.u8(), hmac: r.b2b() });
  return { tag, rc, handles, params, sessions, ...(rawParams && { rawParams }) };
}

export function marshalResponse(code: number, res: TpmResponse): Buffer {
  const def = commandByCode(code);
  const w = new Writer();
  if (res.rc === 0 && def) {
    for (const h of res.handles) w.u32(h);
    const p = new Writer();
    if (res.rawParams) p.bytes(res.rawParams);
    else for (const fld of def.response) writeField(p, fld.type, res.params[fld.name] as Value);
    const params = p.done();
    if (res.tag === TPM_ST.SESSIONS) w.u32(params.length);
    w.bytes(params);
    for (const s of res.sessions) { w.b2b(s.nonce); w.u8(s.attributes); w.b2b(s.hmac); }
  } else if (res.rawParams) w.bytes(res.rawParams);
  const body = w.done();
  const head = Buffer.alloc(10);
  head.writeUInt16BE(res.tag); head.writeUInt32BE(10 + body.length, 2); head.writeUInt32BE(res.rc, 6);
  return Buffer.concat([head, body]);
}

// ---- Response codes (Part 2 §6.6) ----

const RC_VER1 = 0x100;
const RC_FMT1 = 0x080;
const RC_WARN = 0x900;
const FMT0: Record<number, string> = {
  0x000: 'INITIALIZE', 0x001: 'FAILURE', 0x003: 'SEQUENCE', 0x00b: 'PRIVATE', 0x019: 'HMAC', 0x020: 'DISABLED', 0x021: 'EXCLUSIVE',
  0x024: 'AUTH_TYPE', 0x025: 'AUTH_MISSING', 0x026: 'POLICY', 0x027: 'PCR', 0x028: 'PCR_CHANGED', 0x02d: 'UPGRADE',
  0x02e: 'TOO_MANY_CONTEXTS', 0x02f: 'AUTH_UNAVAILABLE', 0x030: 'REBOOT', 0x031: 'UNBALANCED', 0x042: 'COMMAND_SIZE',
  0x043: 'COMMAND_CODE', 0x044: 'AUTHSIZE', 0x045: 'AUTH_CONTEXT', 0x046: 'NV_RANGE', 0x047: 'NV_SIZE', 0x048: 'NV_LOCKED',
  0x049: 'NV_AUTHORIZATION', 0x04a: 'NV_UNINITIALIZED', 0x04b: 'NV_SPACE', 0x04c: 'NV_DEFINED', 0x050: 'BAD_CONTEXT',
  0x051: 'CPHASH', 0x052: 'PARENT', 0x053: 'NEEDS_TEST', 0x054: 'NO_RESULT', 0x055: 'SENSITIVE',
};
const WARN: Record<number, string> = {
  0x001: 'CONTEXT_GAP', 0x002: 'OBJECT_MEMORY', 0x003: 'SESSION_MEMORY', 0x004: 'MEMORY', 0x005: 'SESSION_HANDLES',
  0x006: 'OBJECT_HANDLES', 0x007: 'LOCALITY', 0x008: 'YIELDED', 0x009: 'CANCELED', 0x00a: 'TESTING', 0x020: 'NV_RATE',
  0x021: 'LOCKOUT', 0x022: 'RETRY', 0x023: 'NV_UNAVAILABLE',
};
const FMT1: Record<number, string> = {
  0x001: 'ASYMMETRIC', 0x002: 'ATTRIBUTES', 0x003: 'HASH', 0x004: 'VALUE', 0x005: 'HIERARCHY', 0x007: 'KEY_SIZE', 0x008: 'MGF',
  0x009: 'MODE', 0x00a: 'TYPE', 0x00b: 'HANDLE', 0x00c: 'KDF', 0x00d: 'RANGE', 0x00e: 'AUTH_FAIL', 0x00f: 'NONCE', 0x010: 'PP',
  0x012: 'SCHEME', 0x015: 'SIZE', 0x016: 'SYMMETRIC', 0x017: 'TAG', 0x018: 'SELECTOR', 0x01a: 'INSUFFICIENT', 0x01b: 'SIGNATURE',
  0x01c: 'KEY', 0x01d: 'POLICY_FAIL', 0x01f: 'INTEGRITY', 0x020: 'TICKET', 0x021: 'RESERVED_BITS', 0x022: 'BAD_AUTH',
  0x023: 'EXPIRED', 0x024: 'POLICY_CC', 0x025: 'BINDING', 0x026: 'CURVE', 0x027: 'ECC_POINT',
};

export interface DecodedRc {
  rc: number;
  hex: string;
  /** TPM_RC_SUCCESS, TPM_RC_LOCKOUT, TPM_RC_AUTH_FAIL… (the base code, without the number bits). */
  name: string;
  /** The base code (rc without parameter/handle/session bits): compare against TPM_RC values. */
  base: number;
  format: 'success' | 'format-zero' | 'format-one' | 'vendor' | 'tss';
  warning: boolean;
  parameter?: number;
  handle?: number;
  session?: number;
  /** "TPM_RC_AUTH_FAIL (session 1)". */
  text: string;
}

/** Base codes the device and the fault scenarios compare against. */
export const TPM_RC = {
  SUCCESS: 0, INITIALIZE: RC_VER1, AUTH_FAIL: RC_FMT1 + 0x00e, INTEGRITY: RC_FMT1 + 0x01f, HANDLE: RC_FMT1 + 0x00b,
  BAD_AUTH: RC_FMT1 + 0x022, LOCKOUT: RC_WARN + 0x021, OBJECT_MEMORY: RC_WARN + 0x002, RETRY: RC_WARN + 0x022,
} as const;

/** Decode a TPM_RC: format-one (bit 7) carries an error and a parameter/handle/session number, format-zero a version-1 error or warning (Part 2 §6.6.2). */
export function decodeRc(rc: number): DecodedRc {
  const hex = `0x${rc.toString(16).padStart(3, '0')}`;
  if (rc === 0) return { rc, hex, name: 'TPM_RC_SUCCESS', base: 0, format: 'success', warning: false, text: 'TPM_RC_SUCCESS' };
  if (rc >>> 16 !== 0) return { rc, hex: `0x${rc.toString(16).padStart(8, '0')}`, name: 'TSS error', base: rc, format: 'tss', warning: false, text: `TSS layer error 0x${rc.toString(16)}` };
  if (rc & RC_FMT1) {
    const err = rc & 0x3f;
    const name = `TPM_RC_${FMT1[err] ?? `0x${(RC_FMT1 + err).toString(16)}`}`;
    const n = (rc >> 8) & 0xf;
    const out: DecodedRc = { rc, hex, name, base: RC_FMT1 + err, format: 'format-one', warning: false, text: name };
    if (rc & 0x40) { out.parameter = n; out.text = `${name} (parameter ${n})`; }
    else if (n & 0x8) { out.session = n & 7; out.text = `${name} (session ${n & 7})`; }
    else if (n !== 0) { out.handle = n; out.text = `${name} (handle ${n})`; }
    return out;
  }
  if (rc & 0x400) return { rc, hex, name: 'TPM vendor error', base: rc, format: 'vendor', warning: false, text: `vendor-defined 0x${rc.toString(16)}` };
  if ((rc & RC_VER1) === 0) return { rc, hex, name: 'TPM 1.2 error', base: rc, format: 'format-zero', warning: false, text: `TPM 1.2 code 0x${rc.toString(16)}` };
  const warning = (rc & 0x800) !== 0;
  const name = `TPM_RC_${(warning ? WARN : FMT0)[rc & 0x7f] ?? `0x${rc.toString(16)}`}`;
  return { rc, hex, name, base: rc, format: 'format-zero', warning, text: name };
}

/** A TPM refused a command: carries the decoded response code. */
export class TpmError extends Error {
  constructor(readonly command: CommandName | string, readonly decoded: DecodedRc) {
    super(`TPM2_${command}: ${decoded.text} (${decoded.hex})`);
  }
  get base(): number {
    return this.decoded.base;
  }
}

// ---- For the timeline ----

/** A JSON-able view of a command or response (hex for bytes), with secret fields zeroed. */
export function describeCommand(cmd: TpmCommand): Record<string, unknown> {
  const def = cmd.name ? COMMANDS[cmd.name] : undefined;
  return {
    commandCode: `0x${cmd.code.toString(16).padStart(8, '0')} (TPM_CC_${cmd.name ?? '?'})`,
    tag: cmd.tag === TPM_ST.SESSIONS ? 'TPM_ST_SESSIONS' : 'TPM_ST_NO_SESSIONS',
    handles: Object.fromEntries(cmd.handles.map((h, i) => [def?.handles[i] ?? `handle${i}`, handleName(h)])),
    sessions: cmd.sessions.map((s) => ({ handle: handleName(s.handle), attributes: `0x${s.attributes.toString(16)}`, nonceBytes: s.nonce.length, hmac: s.hmac.length > 0 ? `(${s.hmac.length} bytes, not shown)` : '(empty)' })),
    parameters: describeParams(def?.params ?? [], cmd.params),
    ...(cmd.rawParams && { rawParameters: cmd.rawParams.toString('hex') }),
  };
}

export function describeResponse(code: number, res: TpmResponse): Record<string, unknown> {
  const def = commandByCode(code);
  return {
    responseCode: decodeRc(res.rc),
    handles: Object.fromEntries(res.handles.map((h, i) => [def?.responseHandles[i] ?? `handle${i}`, handleName(h)])),
    parameters: describeParams(def?.response ?? [], res.params),
  };
}

function describeParams(fields: Field[], params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const fld of fields) {
    const v = params[fld.name];
    if (v === undefined) continue;
    out[fld.name] = fld.secret ? secretView(fld.type, v) : view(v);
  }
  return out;
}

function secretView(type: FieldType, v: Value): unknown {
  if (type === 'sensitiveCreate') {
    const s = v as SensitiveCreate;
    return { userAuth: s.userAuth.length ? `(${s.userAuth.length} bytes, not shown)` : '(empty)', data: s.data.length ? `(${s.data.length} bytes, not shown)` : '(empty)' };
  }
  return Buffer.isBuffer(v) ? `(${v.length} bytes, not shown)` : '(not shown)';
}

function view(v: Value): unknown {
  if (Buffer.isBuffer(v)) return v.length > 64 ? `${v.subarray(0, 64).toString('hex')}… (${v.length} bytes)` : v.toString('hex');
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((s) => ({ hash: algName(s.hash), select: s.select.toString('hex') }));
  const o = v as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    if (k === 'attributes' && typeof x === 'number') out[k] = `0x${x.toString(16)} (${objectAttributeNames(x).join(' | ')})`;
    else if ((k === 'alg' || k === 'hash' || k === 'nameAlg' || k === 'mode' || k === 'kdf') && typeof x === 'number') out[k] = algName(x);
    else if (k === 'tag' && typeof x === 'number') out[k] = `0x${x.toString(16)}`;
    else if ((k === 'hierarchy' || k === 'savedHandle') && typeof x === 'number') out[k] = handleName(x);
    else out[k] = view(x as Value);
  }
  return out;
}

export function handleName(h: number): string {
  const names: Record<number, string> = { [TPM_RH.OWNER]: 'TPM_RH_OWNER', [TPM_RH.NULL]: 'TPM_RH_NULL', [TPM_RH.PW]: 'TPM_RS_PW', [TPM_RH.LOCKOUT]: 'TPM_RH_LOCKOUT', [TPM_RH.ENDORSEMENT]: 'TPM_RH_ENDORSEMENT', [TPM_RH.PLATFORM]: 'TPM_RH_PLATFORM' };
  return names[h] ?? `0x${h.toString(16).padStart(8, '0')}`;
}

/**
 * The bytes of a command as the timeline may show them: the password sessions' hmac (an authValue in the clear)
 * and the TPMS_SENSITIVE_CREATE (auth values, sealed data) zeroed, lengths kept.
 */
export function redactCommand(bytes: Buffer): Buffer {
  const cmd = unmarshalCommand(bytes);
  if (cmd.rawParams && cmd.name === null) return bytes;
  const zero = (b: Buffer) => Buffer.alloc(b.length);
  const sessions = cmd.sessions.map((s) => ({ ...s, hmac: zero(s.hmac) }));
  const params: Params = { ...cmd.params };
  const sc = params.inSensitive as SensitiveCreate | undefined;
  if (sc) params.inSensitive = { userAuth: zero(sc.userAuth), data: zero(sc.data) };
  return marshalCommand({ ...cmd, sessions, params });
}

/** Response bytes for the timeline: secret outputs (Unseal's data, RSA_Decrypt's message, HMAC) zeroed. */
export function redactResponse(code: number, bytes: Buffer): Buffer {
  const res = unmarshalResponse(code, bytes);
  const def = commandByCode(code);
  if (res.rc !== 0 || !def) return bytes;
  const params: Params = { ...res.params };
  for (const fld of def.response) if (fld.secret && Buffer.isBuffer(params[fld.name])) params[fld.name] = Buffer.alloc((params[fld.name] as Buffer).length);
  return marshalResponse(code, { ...res, params });
}

// ---- Templates and conversions ----

/** The RSA public key of a TPMT_PUBLIC as DER SubjectPublicKeyInfo (exponent 0 means 65537, Part 2 §12.2.3.5). */
export function rsaPublicToSpki(p: TpmtPublic): Buffer {
  if (p.type !== 'rsa') throw new Error('not an RSA public area');
  const e = p.exponent === 0 ? 65537 : p.exponent;
  const eb = Buffer.alloc(4); eb.writeUInt32BE(e);
  let i = 0; while (i < 3 && eb[i] === 0) i++;
  const key = createPublicKey({ key: { kty: 'RSA', n: p.unique.toString('base64url'), e: eb.subarray(i).toString('base64url') }, format: 'jwk' });
  return spkiDer(key);
}
