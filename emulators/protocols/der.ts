/**
 * DER (X.690) as the PKCS#10 reader and the WSTEP CA need it: a reader of TLVs that keeps offsets into the original
 * bytes (so a signature can be checked over the exact bytes signed), and the few writers that build a certificate
 * synchronously. Only definite lengths up to 4 bytes and low tag numbers, which is all X.509 and PKCS#10 use.
 */

export class DerError extends Error {
  override name = 'DerError';
}

// ---------------------------------------------------------------------------------------------------------------
// DER reading

export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

export function readTlv(buf: Buffer, offset: number): Tlv {
  if (offset + 2 > buf.length) throw new DerError('asn1: truncated');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('asn1: high tag numbers are not supported');
  let len = buf[offset + 1]!;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > buf.length) throw new DerError('asn1: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) throw new DerError('asn1: truncated');
  return { tag, start: offset, contentStart: p, end: p + len };
}

export function tlvChildren(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let p = parent.contentStart;
  while (p < parent.end) {
    const t = readTlv(buf, p);
    if (t.end > parent.end) throw new DerError('asn1: child overruns its parent');
    out.push(t);
    p = t.end;
  }
  return out;
}

export function tlvBytes(buf: Buffer, t: Tlv): Buffer {
  return buf.subarray(t.start, t.end);
}

export function tlvContent(buf: Buffer, t: Tlv): Buffer {
  return buf.subarray(t.contentStart, t.end);
}

export function decodeOid(content: Buffer): string {
  if (content.length === 0) throw new DerError('asn1: empty OID');
  const parts: number[] = [];
  let v = 0;
  for (const b of content) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  const first = parts.shift()!;
  const a = first < 40 ? 0 : first < 80 ? 1 : 2;
  return [a, first - a * 40, ...parts].join('.');
}

// ---------------------------------------------------------------------------------------------------------------
// DER writing

export function derTlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

export const derSeq = (...c: Buffer[]) => derTlv(0x30, ...c);
export const derSet = (...c: Buffer[]) => derTlv(0x31, ...c);
export const derOctets = (b: Buffer) => derTlv(0x04, b);
export const derNull = () => Buffer.from([0x05, 0x00]);
export const derBool = (v: boolean) => derTlv(0x01, Buffer.from([v ? 0xff : 0x00]));
export const derExplicit = (n: number, ...c: Buffer[]) => derTlv(0xa0 | n, ...c);
export const derBitString = (bytes: Buffer, unusedBits = 0) => derTlv(0x03, Buffer.from([unusedBits]), bytes);

export function derOid(oid: string): Buffer {
  const p = oid.split('.').map(Number);
  const bytes: number[] = [p[0]! * 40 + p[1]!];
  for (const v of p.slice(2)) {
    const chunk: number[] = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) chunk.unshift((x & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return derTlv(0x06, Buffer.from(bytes));
}

/** A non-negative INTEGER from a bigint, minimal two's complement (a 00 byte only when the high bit is set). */
export function derUint(n: bigint): Buffer {
  let h = n.toString(16);
  if (h.length % 2) h = `0${h}`;
  return derUintBytes(Buffer.from(h, 'hex'));
}

/** An INTEGER of unsigned big-endian bytes: minimal, with a 00 byte when the high bit is set (X.690 §8.3.2). */
export function derUintBytes(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return derTlv(0x02, ...(v[0]! & 0x80 ? [Buffer.from([0]), v] : [v]));
}

/** X.509 Time: UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
export function derTime(d: Date): Buffer {
  const iso = d.toISOString();
  const y = d.getUTCFullYear();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  return y >= 1950 && y < 2050 ? derTlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'latin1')) : derTlv(0x18, Buffer.from(`${digits}Z`, 'latin1'));
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** A DirectoryString as Go writes one: PrintableString when it can, UTF8String otherwise. */
export function derDirectoryString(s: string): Buffer {
  return PRINTABLE.test(s) ? derTlv(0x13, Buffer.from(s, 'latin1')) : derTlv(0x0c, Buffer.from(s, 'utf8'));
}

/** The fields of a DER certificate's TBSCertificate (RFC 5280 §4.1), `version` absent for a v1 certificate. */
function tbsFields(certDer: Buffer): { fields: Tlv[]; offset: number } {
  const fields = tlvChildren(certDer, tlvChildren(certDer, readTlv(certDer, 0))[0]!);
  return { fields, offset: fields[0]!.tag === 0xa0 ? 1 : 0 };
}

/** A DER certificate's subject Name, byte for byte: the issuer field of what it signs. */
export function certSubjectDer(certDer: Buffer): Buffer {
  const { fields, offset } = tbsFields(certDer);
  return Buffer.from(tlvBytes(certDer, fields[offset + 4]!));
}

/** The subjectPublicKey bits of a DER certificate (RFC 5280 §4.2.1.2 method 1 hashes them for a key identifier). */
export function certPublicKeyBits(certDer: Buffer): Buffer {
  const { fields, offset } = tbsFields(certDer);
  const spki = tlvChildren(certDer, fields[offset + 5]!);
  return Buffer.from(tlvContent(certDer, spki[1]!).subarray(1));
}
