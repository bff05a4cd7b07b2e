import { describe, expect, it } from 'vitest';
import {
  APPLICATION,
  KerberosDecodeError,
  NAME_TYPE,
  decodeEncKdcRepPart,
  decodeEncTicketPart,
  decodeKdcRep,
  decodeTicket,
  encodeEncKdcRepPart,
  encodeEncTicketPart,
  encodeKdcRep,
  encodeTicket,
  ticketFlagNames,
  ticketFlags,
  type EncKdcRepPart,
  type EncTicketPart,
  type KdcRep,
  type Ticket,
} from '../../../../../emulators/protocols/kerberos/asn1.js';

const REALM = 'KERBEROS.MICROSOFTONLINE.COM';
const t = (iso: string) => new Date(iso);

const ticket: Ticket = {
  tktVno: 5,
  realm: 'R',
  sname: { nameType: NAME_TYPE.srvInst, nameString: ['krbtgt', 'R'] },
  encPart: { etype: 18, kvno: 1, cipher: Buffer.from([1, 2]) },
};

const asRep: KdcRep = {
  pvno: 5,
  msgType: 11,
  crealm: REALM,
  cname: { nameType: NAME_TYPE.principal, nameString: ['alice@enrollscope.onmicrosoft.com'] },
  ticket: { ...ticket, realm: REALM, sname: { nameType: NAME_TYPE.srvInst, nameString: ['krbtgt', REALM] }, encPart: { etype: 18, kvno: 1, cipher: Buffer.alloc(200, 0xab) } },
  encPart: { etype: 18, cipher: Buffer.alloc(150, 0xcd) },
};

const encPart: EncKdcRepPart = {
  key: { keytype: 18, keyvalue: Buffer.alloc(32, 0x11) },
  lastReq: [{ lrType: 0, lrValue: t('2026-12-01T23:00:00Z') }],
  nonce: 0x7fffffff,
  flags: ticketFlags(['forwardable', 'renewable', 'initial', 'preAuthent', 'nameCanonicalize']),
  authtime: t('2026-12-01T23:00:00Z'),
  starttime: t('2026-12-01T23:00:00Z'),
  endtime: t('2026-12-02T09:00:00Z'),
  renewTill: t('2026-12-08T23:00:00Z'),
  srealm: REALM,
  sname: { nameType: NAME_TYPE.srvInst, nameString: ['krbtgt', REALM] },
};

describe('RFC 4120 §5 DER', () => {
  it('encodes a Ticket as [APPLICATION 1] with EXPLICIT context tags, byte for byte', () => {
    const expected =
      '6138' + '3036' + 'a003020105' + 'a1031b0152' + 'a216' + '3014' + 'a003020102' + 'a10d' + '300b' + '1b066b7262746774' + '1b0152' + 'a312' + '3010' + 'a003020112' + 'a103020101' + 'a20404020102';
    expect(encodeTicket(ticket).toString('hex')).toBe(expected);
    expect(decodeTicket(Buffer.from(expected, 'hex'))).toEqual(ticket);
  });

  it('writes TicketFlags as a 32-bit BIT STRING with bit 0 the most significant (0x40e10000: the flags of a Windows TGT)', () => {
    expect(encPart.flags).toBe(0x40e10000);
    expect(ticketFlagNames(0x40e10000)).toEqual(['forwardable', 'renewable', 'initial', 'preAuthent', 'nameCanonicalize']);
    expect(encodeEncKdcRepPart(encPart).includes(Buffer.from('a407030500' + '40e10000', 'hex'))).toBe(true);
  });

  it('writes KerberosTime as GeneralizedTime YYYYMMDDHHMMSSZ without fractions, even from a Date with milliseconds', () => {
    const withMs = { ...encPart, authtime: t('2026-12-01T23:00:00.789Z') };
    const der = encodeEncKdcRepPart(withMs);
    expect(der.includes(Buffer.concat([Buffer.from('180f', 'hex'), Buffer.from('20261201230000Z', 'ascii')]))).toBe(true);
    expect(decodeEncKdcRepPart(der).authtime.toISOString()).toBe('2026-12-01T23:00:00.000Z');
  });

  it('round-trips a KRB-AS-REP: decode(encode(x)) is x and encode(decode(bytes)) is bytes', () => {
    const der = encodeKdcRep(asRep);
    expect(der[0]).toBe(0x60 | APPLICATION.asRep);
    const back = decodeKdcRep(der);
    expect(back).toEqual(asRep);
    expect(encodeKdcRep(back).equals(der)).toBe(true);
  });

  it('round-trips EncASRepPart ([APPLICATION 25]) and accepts EncTGSRepPart ([APPLICATION 26]) in its place', () => {
    const der = encodeEncKdcRepPart(encPart);
    expect(der[0]).toBe(0x79);
    expect(decodeEncKdcRepPart(der)).toEqual({ ...encPart, application: 25 });
    expect(decodeEncKdcRepPart(encodeEncKdcRepPart(encPart, APPLICATION.encTgsRepPart)).application).toBe(26);
  });

  it('round-trips EncTicketPart ([APPLICATION 3]) with host addresses', () => {
    const part: EncTicketPart = {
      flags: encPart.flags,
      key: encPart.key,
      crealm: REALM,
      cname: asRep.cname,
      transited: { trType: 1, contents: Buffer.alloc(0) },
      authtime: encPart.authtime,
      endtime: encPart.endtime,
      caddr: [{ addrType: 2, address: Buffer.from([127, 0, 0, 1]) }],
    };
    const der = encodeEncTicketPart(part);
    expect(der[0]).toBe(0x63);
    expect(decodeEncTicketPart(der)).toEqual(part);
  });

  it('refuses what is not an AS-REP or TGS-REP: another application tag, trailing bytes, a msg-type that contradicts the tag', () => {
    expect(() => decodeKdcRep(encodeTicket(ticket))).toThrow(KerberosDecodeError);
    expect(() => decodeKdcRep(Buffer.concat([encodeKdcRep(asRep), Buffer.from([0])]))).toThrow(/after the message/);
    const lying = encodeKdcRep({ ...asRep, msgType: 13 });
    lying[0] = 0x6b;
    expect(() => decodeKdcRep(lying)).toThrow(/msg-type 13 under \[APPLICATION 11\]/);
    expect(() => decodeKdcRep(Buffer.from('not der'))).toThrow(KerberosDecodeError);
  });
});
