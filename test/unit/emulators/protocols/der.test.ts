import { describe, it, expect } from 'vitest';
import { DerError, decodeOid, derOid, derSeq, derTime, derUint, readTlv, tlvChildren, tlvContent } from '../../../../emulators/protocols/der.js';

describe('DER writers', () => {
  it('writes INTEGERs minimally, with a 00 byte only before a high bit', () => {
    expect(derUint(1n).toString('hex')).toBe('020101');
    expect(derUint(128n).toString('hex')).toBe('02020080');
    expect(derUint(256n).toString('hex')).toBe('02020100');
  });

  it('writes UTCTime before 2050 and GeneralizedTime after', () => {
    expect(derTime(new Date('2026-01-15T09:00:00Z')).toString('latin1').slice(2)).toBe('260115090000Z');
    expect(derTime(new Date('2051-01-15T09:00:00Z'))[0]).toBe(0x18);
  });

  it('writes a long-form length once the content reaches 128 bytes', () => {
    expect(derSeq(Buffer.alloc(200)).subarray(0, 3).toString('hex')).toBe('3081c8');
  });
});

describe('DER reader', () => {
  it('reads back what the writers wrote: an OID inside a SEQUENCE', () => {
    const der = derSeq(derOid('1.2.840.113549.1.1.11'));
    const [oid] = tlvChildren(der, readTlv(der, 0));
    expect(decodeOid(tlvContent(der, oid!))).toBe('1.2.840.113549.1.1.11');
  });

  it('refuses a length that runs past the end of the bytes', () => {
    expect(() => readTlv(Buffer.from([0x30, 0x05, 0x00]), 0)).toThrow(DerError);
  });
});
