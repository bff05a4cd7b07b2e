import * as asn1js from 'asn1js';

/**
 * The Kerberos TGTs of a PRT reply, decoded for the Tokens tab (entra-mde2.md §6.3): `tgt_cloud` / `tgt_ad` are JSON
 * strings (libhimmelblau `TGT`), their `messageBuffer` a base64 DER KRB-AS-REP (RFC 4120 §5.4.2). The renderer
 * reads only what is in the clear: the AS-REP's outer fields and the enc-parts' etype and kvno; the sealed parts
 * need the client key (behind the session key) or the KDC's key. Pure: no DOM, no host.
 */

/** Encryption types (RFC 3961 §8, RFC 3962, RFC 8009, RFC 4757). */
const ETYPES: Readonly<Record<number, string>> = {
  17: 'aes128-cts-hmac-sha1-96',
  18: 'aes256-cts-hmac-sha1-96',
  19: 'aes128-cts-hmac-sha256-128',
  20: 'aes256-cts-hmac-sha384-192',
  23: 'rc4-hmac',
};
/** Name types (RFC 4120 §6.2). */
const NAME_TYPES: Readonly<Record<number, string>> = { 0: 'NT-UNKNOWN', 1: 'NT-PRINCIPAL', 2: 'NT-SRV-INST', 3: 'NT-SRV-HST', 10: 'NT-ENTERPRISE' };
const MSG_TYPES: Readonly<Record<number, string>> = { 11: 'KRB_AS_REP', 13: 'KRB_TGS_REP', 30: 'KRB_ERROR' };

export const etypeName = (n: number): string => ETYPES[n] ?? `etype ${n}`;

export interface KrbName {
  type: number;
  typeName: string;
  components: string[];
  /** The RFC 1964 §2.1.1 text form: components joined by `/` (an `@` inside a component escaped). */
  text: string;
}
export interface KrbEncPart {
  etype: number;
  etypeName: string;
  kvno: number | null;
  cipherBytes: number;
}
export interface AsRepView {
  pvno: number;
  msgType: number;
  msgTypeName: string;
  crealm: string;
  cname: KrbName;
  ticket: { tktVno: number; realm: string; sname: KrbName; encPart: KrbEncPart };
  encPart: KrbEncPart;
  padataTypes: number[];
  bytes: number;
}

function children(b: asn1js.AsnType): asn1js.AsnType[] {
  const v = (b as asn1js.Constructed).valueBlock?.value;
  return Array.isArray(v) ? (v as asn1js.AsnType[]) : [];
}

function app(b: asn1js.AsnType | undefined, n: number): asn1js.AsnType {
  if (!b || b.idBlock.tagClass !== 2 || b.idBlock.tagNumber !== n) throw new Error(`expected [APPLICATION ${n}]${b ? `, found class ${b.idBlock.tagClass} tag ${b.idBlock.tagNumber}` : ''}`);
  const inner = children(b)[0];
  if (!inner) throw new Error(`[APPLICATION ${n}] is empty`);
  return inner;
}

/** Fields of a SEQUENCE of EXPLICIT [n] tags. */
function fields(b: asn1js.AsnType): Map<number, asn1js.AsnType> {
  const out = new Map<number, asn1js.AsnType>();
  for (const c of children(b)) {
    const inner = children(c)[0];
    if (c.idBlock.tagClass === 3 && inner) out.set(c.idBlock.tagNumber, inner);
  }
  return out;
}

function need(m: Map<number, asn1js.AsnType>, n: number, what: string): asn1js.AsnType {
  const v = m.get(n);
  if (!v) throw new Error(`${what}: field [${n}] missing`);
  return v;
}

function int(b: asn1js.AsnType, what: string): number {
  if (!(b instanceof asn1js.Integer)) throw new Error(`${what}: not an INTEGER`);
  const bytes = b.valueBlock.valueHexView;
  let v = 0;
  for (const x of bytes) v = v * 256 + x;
  // Two's complement for negative values (the MS name types are negative).
  return bytes.length > 0 && bytes[0]! & 0x80 ? v - 2 ** (8 * bytes.length) : v;
}

function str(b: asn1js.AsnType, what: string): string {
  if (!(b instanceof asn1js.GeneralString)) throw new Error(`${what}: not a KerberosString`);
  return b.valueBlock.value;
}

function name(b: asn1js.AsnType, what: string): KrbName {
  const f = fields(b);
  const type = int(need(f, 0, what), what);
  const components = children(need(f, 1, what)).map((c) => str(c, what));
  return { type, typeName: NAME_TYPES[type] ?? `name type ${type}`, components, text: components.map((c) => c.replace(/([/@\\])/g, '\\$1')).join('/') };
}

function encPart(b: asn1js.AsnType, what: string): KrbEncPart {
  const f = fields(b);
  const etype = int(need(f, 0, what), what);
  const kvno = f.get(1);
  const cipher = need(f, 2, what);
  if (!(cipher instanceof asn1js.OctetString)) throw new Error(`${what}: cipher is not an OCTET STRING`);
  return { etype, etypeName: etypeName(etype), kvno: kvno ? int(kvno, what) : null, cipherBytes: cipher.valueBlock.valueHexView.length };
}

/** Decode a KRB-AS-REP (or KRB-TGS-REP) to its clear fields; throws with a reason on anything else. */
export function decodeAsRep(bytes: Uint8Array): AsRepView {
  const { offset, result } = asn1js.fromBER(bytes);
  if (offset === -1 || result.error) throw new Error(`not DER: ${result.error || 'parse error'}`);
  const tag = result.idBlock.tagNumber;
  if (result.idBlock.tagClass !== 2 || (tag !== 11 && tag !== 13)) throw new Error(`not a KDC-REP: tag class ${result.idBlock.tagClass} number ${tag}${tag === 30 ? ' (a KRB-ERROR)' : ''}`);
  const f = fields(app(result, tag));
  const t = fields(app(need(f, 5, 'KDC-REP'), 1));
  const msgType = int(need(f, 1, 'msg-type'), 'msg-type');
  return {
    pvno: int(need(f, 0, 'pvno'), 'pvno'),
    msgType,
    msgTypeName: MSG_TYPES[msgType] ?? `message type ${msgType}`,
    crealm: str(need(f, 3, 'crealm'), 'crealm'),
    cname: name(need(f, 4, 'cname'), 'cname'),
    ticket: {
      tktVno: int(need(t, 0, 'tkt-vno'), 'tkt-vno'),
      realm: str(need(t, 1, 'ticket realm'), 'ticket realm'),
      sname: name(need(t, 2, 'ticket sname'), 'ticket sname'),
      encPart: encPart(need(t, 3, 'ticket enc-part'), 'ticket enc-part'),
    },
    encPart: encPart(need(f, 6, 'enc-part'), 'enc-part'),
    padataTypes: children(f.get(2) ?? new asn1js.Sequence()).map((p) => int(need(fields(p), 1, 'padata-type'), 'padata-type')),
    bytes: bytes.length,
  };
}

function base64Bytes(text: string): Uint8Array {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/').replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A TGT field of the reply: its JSON, the decoded AS-REP (or why not), and the clientKey JWE's header. */
export interface TgtView {
  field: 'tgt_cloud' | 'tgt_ad';
  json: Record<string, unknown>;
  asRep: AsRepView | null;
  /** Why messageBuffer did not decode, or the TGT's own `error`. */
  problem: string | null;
  clientKeyHeader: Record<string, unknown> | null;
}

export interface KerberosView {
  tgts: TgtView[];
  topLevelNames: string[] | null;
}

function jwtHeader(token: unknown): Record<string, unknown> | null {
  if (typeof token !== 'string' || !token.includes('.')) return null;
  try {
    const h = JSON.parse(new TextDecoder().decode(base64Bytes(token.split('.')[0]!))) as unknown;
    return h !== null && typeof h === 'object' && !Array.isArray(h) ? (h as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function tgtView(field: TgtView['field'], raw: unknown): TgtView | null {
  let json: unknown = raw;
  if (typeof raw === 'string') {
    try {
      json = JSON.parse(raw);
    } catch {
      return { field, json: { value: raw }, asRep: null, problem: 'not JSON', clientKeyHeader: null };
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  const obj = json as Record<string, unknown>;
  let asRep: AsRepView | null = null;
  let problem: string | null = typeof obj.error === 'string' && obj.error ? obj.error : null;
  if (typeof obj.messageBuffer === 'string' && obj.messageBuffer) {
    try {
      asRep = decodeAsRep(base64Bytes(obj.messageBuffer));
    } catch (e) {
      problem = `messageBuffer: ${(e as Error).message}`;
    }
  }
  return { field, json: obj, asRep, problem, clientKeyHeader: jwtHeader(obj.clientKey) };
}

/** The Kerberos parts of a JSON body (a PRT reply with `tgt=true`), or null when it has none. */
export function kerberosOfBody(body: string | undefined): KerberosView | null {
  if (!body || (!body.includes('tgt_') && !body.includes('kerberos_top_level_names'))) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const o = parsed as Record<string, unknown>;
  const tgts = (['tgt_cloud', 'tgt_ad'] as const).flatMap((k) => (o[k] === undefined ? [] : [tgtView(k, o[k])].filter((v): v is TgtView => v !== null)));
  const names = typeof o.kerberos_top_level_names === 'string' ? o.kerberos_top_level_names.split(',').map((s) => s.trim()).filter(Boolean) : null;
  return tgts.length === 0 && names === null ? null : { tgts, topLevelNames: names };
}
