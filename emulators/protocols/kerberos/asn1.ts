import * as asn1js from 'asn1js';

/**
 * The RFC 4120 §5 ASN.1 types of a KRB-AS-REP, as DER, built on asn1js: KDC-REP ([APPLICATION 11] for AS-REP),
 * Ticket ([APPLICATION 1]), EncTicketPart ([APPLICATION 3]), EncASRepPart ([APPLICATION 25]) / EncTGSRepPart
 * ([APPLICATION 26]), and the small types they are made of. Every SEQUENCE field is EXPLICIT-tagged
 * (`DEFINITIONS EXPLICIT TAGS`, RFC 4120 §5.2). Encode and decode are inverses: a decoded message encodes back
 * byte for byte.
 */

export const PVNO = 5;
export const MSG_TYPE = { asRep: 11, tgsRep: 13 } as const;
/** Name types (RFC 4120 §6.2). */
export const NAME_TYPE = { principal: 1, srvInst: 2, srvHst: 3, enterprise: 10 } as const;
/** Application tags (RFC 4120 §5.3, §5.4.2). */
export const APPLICATION = { ticket: 1, encTicketPart: 3, asRep: 11, tgsRep: 13, encAsRepPart: 25, encTgsRepPart: 26 } as const;

/** TicketFlags bit numbers (RFC 4120 §5.3; 15 name-canonicalize, RFC 6806 §5) as a 32-bit value, bit 0 = the MSB. */
export const TICKET_FLAGS = {
  forwardable: 1,
  forwarded: 2,
  proxiable: 3,
  proxy: 4,
  mayPostdate: 5,
  postdated: 6,
  invalid: 7,
  renewable: 8,
  initial: 9,
  preAuthent: 10,
  hwAuthent: 11,
  transitedPolicyChecked: 12,
  okAsDelegate: 13,
  nameCanonicalize: 15,
} as const;
export type TicketFlagName = keyof typeof TICKET_FLAGS;

export function ticketFlags(names: readonly TicketFlagName[]): number {
  return names.reduce((acc, n) => (acc | (1 << (31 - TICKET_FLAGS[n]))) >>> 0, 0);
}

export function ticketFlagNames(flags: number): TicketFlagName[] {
  return (Object.keys(TICKET_FLAGS) as TicketFlagName[]).filter((n) => (flags >>> (31 - TICKET_FLAGS[n])) & 1);
}

export interface PrincipalName {
  nameType: number;
  nameString: string[];
}
export interface EncryptionKey {
  keytype: number;
  keyvalue: Buffer;
}
export interface EncryptedData {
  etype: number;
  kvno?: number;
  cipher: Buffer;
}
export interface Ticket {
  tktVno: number;
  realm: string;
  sname: PrincipalName;
  encPart: EncryptedData;
}
export interface PaData {
  padataType: number;
  padataValue: Buffer;
}
export interface HostAddress {
  addrType: number;
  address: Buffer;
}
export interface LastReqEntry {
  lrType: number;
  lrValue: Date;
}
/** KDC-REP (RFC 4120 §5.4.2): AS-REP when msgType is 11 ([APPLICATION 11]), TGS-REP when 13. */
export interface KdcRep {
  pvno: number;
  msgType: number;
  padata?: PaData[];
  crealm: string;
  cname: PrincipalName;
  ticket: Ticket;
  encPart: EncryptedData;
}
/** EncKDCRepPart (RFC 4120 §5.4.2), sent as EncASRepPart [APPLICATION 25] in an AS-REP. */
export interface EncKdcRepPart {
  key: EncryptionKey;
  lastReq: LastReqEntry[];
  nonce: number;
  keyExpiration?: Date;
  flags: number;
  authtime: Date;
  starttime?: Date;
  endtime: Date;
  renewTill?: Date;
  srealm: string;
  sname: PrincipalName;
  caddr?: HostAddress[];
}
/** EncTicketPart (RFC 4120 §5.3), [APPLICATION 3]: what only the service (the KDC, for a TGT) can read. */
export interface EncTicketPart {
  flags: number;
  key: EncryptionKey;
  crealm: string;
  cname: PrincipalName;
  transited: { trType: number; contents: Buffer };
  authtime: Date;
  starttime?: Date;
  endtime: Date;
  renewTill?: Date;
  caddr?: HostAddress[];
}

export class KerberosDecodeError extends Error {}

// ---- encoding ----

type Block = asn1js.AsnType;

function tagged(tagClass: 2 | 3, tagNumber: number, inner: Block): asn1js.Constructed {
  return new asn1js.Constructed({ idBlock: { tagClass, tagNumber }, value: [inner] });
}

/** A SEQUENCE of EXPLICIT context tags [n]; undefined fields (OPTIONAL, absent) are left out. */
function seq(fields: readonly (readonly [number, Block | undefined])[]): asn1js.Sequence {
  return new asn1js.Sequence({ value: fields.filter((f): f is [number, Block] => f[1] !== undefined).map(([n, b]) => tagged(3, n, b)) });
}

/** INTEGER from its minimal two's-complement bytes (asn1js' number setter loses values from 2^31 up). */
function int(n: number): asn1js.Integer {
  if (!Number.isSafeInteger(n)) throw new RangeError(`INTEGER ${n} is not a safe integer`);
  const bytes: number[] = [];
  let v = BigInt(n);
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (!((v === 0n && (bytes[0]! & 0x80) === 0) || (v === -1n && (bytes[0]! & 0x80) !== 0)));
  return new asn1js.Integer({ valueHex: new Uint8Array(bytes) });
}
const octets = (b: Buffer) => new asn1js.OctetString({ valueHex: new Uint8Array(b) });
const kstring = (s: string) => new asn1js.GeneralString({ value: s });

/** KerberosTime (RFC 4120 §5.2.3): GeneralizedTime "YYYYMMDDHHMMSSZ", whole seconds, no fraction. */
function ktime(d: Date): asn1js.GeneralizedTime {
  return new asn1js.GeneralizedTime({ value: d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:T]/g, '') });
}

/** KerberosFlags (RFC 4120 §5.2.8): a BIT STRING of at least 32 bits, here exactly 32. */
function flagBits(flags: number): asn1js.BitString {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(flags >>> 0);
  return new asn1js.BitString({ valueHex: new Uint8Array(b), unusedBits: 0 });
}

function principalName(p: PrincipalName): asn1js.Sequence {
  return seq([
    [0, int(p.nameType)],
    [1, new asn1js.Sequence({ value: p.nameString.map(kstring) })],
  ]);
}

function encryptionKey(k: EncryptionKey): asn1js.Sequence {
  return seq([
    [0, int(k.keytype)],
    [1, octets(k.keyvalue)],
  ]);
}

function encryptedData(e: EncryptedData): asn1js.Sequence {
  return seq([
    [0, int(e.etype)],
    [1, e.kvno === undefined ? undefined : int(e.kvno)],
    [2, octets(e.cipher)],
  ]);
}

function hostAddresses(list: readonly HostAddress[] | undefined): asn1js.Sequence | undefined {
  if (!list) return undefined;
  return new asn1js.Sequence({ value: list.map((a) => seq([[0, int(a.addrType)], [1, octets(a.address)]])) });
}

function ticketBlock(t: Ticket): asn1js.Constructed {
  return tagged(
    2,
    APPLICATION.ticket,
    seq([
      [0, int(t.tktVno)],
      [1, kstring(t.realm)],
      [2, principalName(t.sname)],
      [3, encryptedData(t.encPart)],
    ]),
  );
}

const der = (b: Block): Buffer => Buffer.from(b.toBER(false));

export function encodeTicket(t: Ticket): Buffer {
  return der(ticketBlock(t));
}

/** KRB-AS-REP / KRB-TGS-REP: KDC-REP under [APPLICATION msgType]. */
export function encodeKdcRep(rep: KdcRep): Buffer {
  const body = seq([
    [0, int(rep.pvno)],
    [1, int(rep.msgType)],
    [2, rep.padata ? new asn1js.Sequence({ value: rep.padata.map((p) => seq([[1, int(p.padataType)], [2, octets(p.padataValue)]])) }) : undefined],
    [3, kstring(rep.crealm)],
    [4, principalName(rep.cname)],
    [5, ticketBlock(rep.ticket)],
    [6, encryptedData(rep.encPart)],
  ]);
  return der(tagged(2, rep.msgType, body));
}

/** EncASRepPart ([APPLICATION 25]) or EncTGSRepPart ([APPLICATION 26]) around EncKDCRepPart. */
export function encodeEncKdcRepPart(part: EncKdcRepPart, application: number = APPLICATION.encAsRepPart): Buffer {
  const body = seq([
    [0, encryptionKey(part.key)],
    [1, new asn1js.Sequence({ value: part.lastReq.map((lr) => seq([[0, int(lr.lrType)], [1, ktime(lr.lrValue)]])) })],
    [2, int(part.nonce)],
    [3, part.keyExpiration && ktime(part.keyExpiration)],
    [4, flagBits(part.flags)],
    [5, ktime(part.authtime)],
    [6, part.starttime && ktime(part.starttime)],
    [7, ktime(part.endtime)],
    [8, part.renewTill && ktime(part.renewTill)],
    [9, kstring(part.srealm)],
    [10, principalName(part.sname)],
    [11, hostAddresses(part.caddr)],
  ]);
  return der(tagged(2, application, body));
}

export function encodeEncTicketPart(part: EncTicketPart): Buffer {
  const body = seq([
    [0, flagBits(part.flags)],
    [1, encryptionKey(part.key)],
    [2, kstring(part.crealm)],
    [3, principalName(part.cname)],
    [4, seq([[0, int(part.transited.trType)], [1, octets(part.transited.contents)]])],
    [5, ktime(part.authtime)],
    [6, part.starttime && ktime(part.starttime)],
    [7, ktime(part.endtime)],
    [8, part.renewTill && ktime(part.renewTill)],
    [9, hostAddresses(part.caddr)],
  ]);
  return der(tagged(2, APPLICATION.encTicketPart, body));
}

// ---- decoding ----

function parse(bytes: Uint8Array): asn1js.AsnType {
  const { offset, result } = asn1js.fromBER(bytes);
  if (offset === -1 || result.error) throw new KerberosDecodeError(`not DER: ${result.error || 'parse error'}`);
  if (offset !== bytes.length) throw new KerberosDecodeError(`${bytes.length - offset} bytes after the message`);
  return result;
}

function children(b: asn1js.AsnType): asn1js.AsnType[] {
  const v = (b as asn1js.Constructed).valueBlock?.value;
  return Array.isArray(v) ? (v as asn1js.AsnType[]) : [];
}

/** The inner value of [APPLICATION n] (tag class 2). */
function application(b: asn1js.AsnType, n: number | readonly number[]): { tag: number; inner: asn1js.AsnType } {
  const { tagClass, tagNumber } = b.idBlock;
  const ok = Array.isArray(n) ? n.includes(tagNumber) : tagNumber === n;
  if (tagClass !== 2 || !ok) throw new KerberosDecodeError(`expected [APPLICATION ${Array.isArray(n) ? n.join('|') : n}], found tag class ${tagClass} number ${tagNumber}`);
  const inner = children(b)[0];
  if (!inner) throw new KerberosDecodeError(`[APPLICATION ${tagNumber}] is empty`);
  return { tag: tagNumber, inner };
}

/** A SEQUENCE of EXPLICIT [n] fields, by tag number. */
function fields(b: asn1js.AsnType, what: string): Map<number, asn1js.AsnType> {
  if (!(b instanceof asn1js.Sequence)) throw new KerberosDecodeError(`${what}: expected a SEQUENCE`);
  const out = new Map<number, asn1js.AsnType>();
  for (const c of children(b)) {
    if (c.idBlock.tagClass !== 3) throw new KerberosDecodeError(`${what}: a field without a context tag`);
    const inner = children(c)[0];
    if (inner) out.set(c.idBlock.tagNumber, inner);
  }
  return out;
}

function need(m: Map<number, asn1js.AsnType>, n: number, what: string): asn1js.AsnType {
  const v = m.get(n);
  if (!v) throw new KerberosDecodeError(`${what}: field [${n}] missing`);
  return v;
}

function asInt(b: asn1js.AsnType, what: string): number {
  if (!(b instanceof asn1js.Integer)) throw new KerberosDecodeError(`${what}: expected an INTEGER`);
  const bytes = b.valueBlock.valueHexView;
  if (bytes.length === 0 || bytes.length > 6) throw new KerberosDecodeError(`${what}: INTEGER of ${bytes.length} bytes`);
  const v = BigInt.asIntN(bytes.length * 8, bytes.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n));
  return Number(v);
}

function asOctets(b: asn1js.AsnType, what: string): Buffer {
  if (!(b instanceof asn1js.OctetString)) throw new KerberosDecodeError(`${what}: expected an OCTET STRING`);
  return Buffer.from(b.valueBlock.valueHexView);
}

function asString(b: asn1js.AsnType, what: string): string {
  if (!(b instanceof asn1js.GeneralString)) throw new KerberosDecodeError(`${what}: expected a KerberosString (GeneralString)`);
  return b.valueBlock.value;
}

function asTime(b: asn1js.AsnType, what: string): Date {
  if (!(b instanceof asn1js.GeneralizedTime)) throw new KerberosDecodeError(`${what}: expected a KerberosTime (GeneralizedTime)`);
  return b.toDate();
}

function asFlags(b: asn1js.AsnType, what: string): number {
  if (!(b instanceof asn1js.BitString)) throw new KerberosDecodeError(`${what}: expected a BIT STRING`);
  const bytes = Buffer.from(b.valueBlock.valueHexView);
  if (bytes.length < 4) throw new KerberosDecodeError(`${what}: KerberosFlags are at least 32 bits`);
  return bytes.readUInt32BE(0);
}

const opt = <T>(m: Map<number, asn1js.AsnType>, n: number, f: (b: asn1js.AsnType) => T): T | undefined => {
  const v = m.get(n);
  return v === undefined ? undefined : f(v);
};

function decodePrincipalName(b: asn1js.AsnType, what: string): PrincipalName {
  const f = fields(b, what);
  return { nameType: asInt(need(f, 0, what), `${what} name-type`), nameString: children(need(f, 1, what)).map((s) => asString(s, `${what} name-string`)) };
}

function decodeEncryptionKey(b: asn1js.AsnType): EncryptionKey {
  const f = fields(b, 'EncryptionKey');
  return { keytype: asInt(need(f, 0, 'EncryptionKey'), 'keytype'), keyvalue: asOctets(need(f, 1, 'EncryptionKey'), 'keyvalue') };
}

function decodeEncryptedData(b: asn1js.AsnType, what: string): EncryptedData {
  const f = fields(b, what);
  const kvno = opt(f, 1, (v) => asInt(v, `${what} kvno`));
  return { etype: asInt(need(f, 0, what), `${what} etype`), ...(kvno !== undefined && { kvno }), cipher: asOctets(need(f, 2, what), `${what} cipher`) };
}

function decodeHostAddresses(b: asn1js.AsnType): HostAddress[] {
  return children(b).map((a) => {
    const f = fields(a, 'HostAddress');
    return { addrType: asInt(need(f, 0, 'HostAddress'), 'addr-type'), address: asOctets(need(f, 1, 'HostAddress'), 'address') };
  });
}

function decodeTicketBlock(b: asn1js.AsnType): Ticket {
  const f = fields(application(b, APPLICATION.ticket).inner, 'Ticket');
  return {
    tktVno: asInt(need(f, 0, 'Ticket'), 'tkt-vno'),
    realm: asString(need(f, 1, 'Ticket'), 'Ticket realm'),
    sname: decodePrincipalName(need(f, 2, 'Ticket'), 'Ticket sname'),
    encPart: decodeEncryptedData(need(f, 3, 'Ticket'), 'Ticket enc-part'),
  };
}

export function decodeTicket(bytes: Uint8Array): Ticket {
  return decodeTicketBlock(parse(bytes));
}

/** A KRB-AS-REP or KRB-TGS-REP; throws KerberosDecodeError on anything else (a KRB-ERROR, bad DER). */
export function decodeKdcRep(bytes: Uint8Array): KdcRep {
  const { tag, inner } = application(parse(bytes), [APPLICATION.asRep, APPLICATION.tgsRep]);
  const f = fields(inner, 'KDC-REP');
  const msgType = asInt(need(f, 1, 'KDC-REP'), 'msg-type');
  if (msgType !== tag) throw new KerberosDecodeError(`msg-type ${msgType} under [APPLICATION ${tag}]`);
  const padata = opt(f, 2, (v) =>
    children(v).map((p) => {
      const pf = fields(p, 'PA-DATA');
      return { padataType: asInt(need(pf, 1, 'PA-DATA'), 'padata-type'), padataValue: asOctets(need(pf, 2, 'PA-DATA'), 'padata-value') };
    }),
  );
  return {
    pvno: asInt(need(f, 0, 'KDC-REP'), 'pvno'),
    msgType,
    ...(padata && { padata }),
    crealm: asString(need(f, 3, 'KDC-REP'), 'crealm'),
    cname: decodePrincipalName(need(f, 4, 'KDC-REP'), 'cname'),
    ticket: decodeTicketBlock(need(f, 5, 'KDC-REP')),
    encPart: decodeEncryptedData(need(f, 6, 'KDC-REP'), 'enc-part'),
  };
}

/** EncASRepPart or EncTGSRepPart (RFC 4120 §5.4.2 lets a client accept either tag in an AS-REP). */
export function decodeEncKdcRepPart(bytes: Uint8Array): EncKdcRepPart & { application: number } {
  const { tag, inner } = application(parse(bytes), [APPLICATION.encAsRepPart, APPLICATION.encTgsRepPart]);
  const f = fields(inner, 'EncKDCRepPart');
  const w = 'EncKDCRepPart';
  const keyExpiration = opt(f, 3, (v) => asTime(v, 'key-expiration'));
  const starttime = opt(f, 6, (v) => asTime(v, 'starttime'));
  const renewTill = opt(f, 8, (v) => asTime(v, 'renew-till'));
  const caddr = opt(f, 11, decodeHostAddresses);
  return {
    application: tag,
    key: decodeEncryptionKey(need(f, 0, w)),
    lastReq: children(need(f, 1, w)).map((lr) => {
      const lf = fields(lr, 'LastReq');
      return { lrType: asInt(need(lf, 0, 'LastReq'), 'lr-type'), lrValue: asTime(need(lf, 1, 'LastReq'), 'lr-value') };
    }),
    nonce: asInt(need(f, 2, w), 'nonce'),
    ...(keyExpiration && { keyExpiration }),
    flags: asFlags(need(f, 4, w), 'flags'),
    authtime: asTime(need(f, 5, w), 'authtime'),
    ...(starttime && { starttime }),
    endtime: asTime(need(f, 7, w), 'endtime'),
    ...(renewTill && { renewTill }),
    srealm: asString(need(f, 9, w), 'srealm'),
    sname: decodePrincipalName(need(f, 10, w), 'sname'),
    ...(caddr && { caddr }),
  };
}

export function decodeEncTicketPart(bytes: Uint8Array): EncTicketPart {
  const f = fields(application(parse(bytes), APPLICATION.encTicketPart).inner, 'EncTicketPart');
  const w = 'EncTicketPart';
  const tr = fields(need(f, 4, w), 'TransitedEncoding');
  const starttime = opt(f, 6, (v) => asTime(v, 'starttime'));
  const renewTill = opt(f, 8, (v) => asTime(v, 'renew-till'));
  const caddr = opt(f, 9, decodeHostAddresses);
  return {
    flags: asFlags(need(f, 0, w), 'flags'),
    key: decodeEncryptionKey(need(f, 1, w)),
    crealm: asString(need(f, 2, w), 'crealm'),
    cname: decodePrincipalName(need(f, 3, w), 'cname'),
    transited: { trType: asInt(need(tr, 0, 'TransitedEncoding'), 'tr-type'), contents: asOctets(need(tr, 1, 'TransitedEncoding'), 'contents') },
    authtime: asTime(need(f, 5, w), 'authtime'),
    ...(starttime && { starttime }),
    endtime: asTime(need(f, 7, w), 'endtime'),
    ...(renewTill && { renewTill }),
    ...(caddr && { caddr }),
  };
}
