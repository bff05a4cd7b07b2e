import { describe, expect, it } from 'vitest';
import { buildTgtReply, krbtgt, openAsRep, openTicket, type TgtReplyInput } from '../../../../../emulators/protocols/kerberos/as-rep.js';
import { IntegrityError } from '../../../../../emulators/protocols/kerberos/aes-cts-hmac-sha1.js';
import { NAME_TYPE, ticketFlags } from '../../../../../emulators/protocols/kerberos/asn1.js';

const REALM = 'KERBEROS.MICROSOFTONLINE.COM';
const input: TgtReplyInput = {
  crealm: REALM,
  cname: { nameType: NAME_TYPE.principal, nameString: ['alice@enrollscope.onmicrosoft.com'] },
  clientKey: Buffer.alloc(32, 1),
  kdcKey: Buffer.alloc(32, 2),
  kdcKvno: 1,
  sessionKey: Buffer.alloc(32, 3),
  nonce: 123456789,
  flags: ticketFlags(['forwardable', 'renewable', 'initial', 'preAuthent', 'nameCanonicalize']),
  authtime: new Date('2026-12-01T23:00:00Z'),
  starttime: new Date('2026-12-01T23:00:00Z'),
  endtime: new Date('2026-12-02T09:00:00Z'),
  renewTill: new Date('2026-12-08T23:00:00Z'),
  confounders: [Buffer.alloc(16, 4), Buffer.alloc(16, 5)],
};

describe('KRB-AS-REP with a TGT (RFC 4120 §3.1.3)', () => {
  it('the client opens enc-part with its key (usage 3) and finds the session key, krbtgt/REALM and the times', () => {
    const { der } = buildTgtReply(input);
    const { rep, encPart } = openAsRep(der, input.clientKey);
    expect(rep).toMatchObject({ pvno: 5, msgType: 11, crealm: REALM, cname: input.cname });
    expect(rep.ticket).toMatchObject({ tktVno: 5, realm: REALM, sname: krbtgt(REALM), encPart: { etype: 18, kvno: 1 } });
    expect(rep.encPart.etype).toBe(18);
    expect(encPart.application).toBe(25);
    expect(encPart.key.keyvalue.equals(input.sessionKey)).toBe(true);
    expect(encPart).toMatchObject({ nonce: 123456789, flags: 0x40e10000, srealm: REALM, sname: krbtgt(REALM), endtime: input.endtime, renewTill: input.renewTill });
  });

  it('the KDC opens the ticket with its krbtgt key (usage 2): the same session key and the client name', () => {
    const { der } = buildTgtReply(input);
    const { rep } = openAsRep(der, input.clientKey);
    const tkt = openTicket(rep, input.kdcKey);
    expect(tkt.key.keyvalue.equals(input.sessionKey)).toBe(true);
    expect(tkt).toMatchObject({ crealm: REALM, cname: input.cname, flags: 0x40e10000, transited: { trType: 1 } });
  });

  it('neither key opens the other part', () => {
    const { der } = buildTgtReply(input);
    expect(() => openAsRep(der, input.kdcKey)).toThrow(IntegrityError);
    const { rep } = openAsRep(der, input.clientKey);
    expect(() => openTicket(rep, input.clientKey)).toThrow(IntegrityError);
  });

  it('is deterministic for the same keys and confounders (a seeded lab run is byte-identical)', () => {
    expect(buildTgtReply(input).der.equals(buildTgtReply(input).der)).toBe(true);
    expect(buildTgtReply({ ...input, confounders: [Buffer.alloc(16, 4), Buffer.alloc(16, 6)] }).der.equals(buildTgtReply(input).der)).toBe(false);
  });
});
