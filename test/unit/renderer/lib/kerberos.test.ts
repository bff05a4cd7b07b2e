import { describe, expect, it } from 'vitest';
import { decodeAsRep, kerberosOfBody } from '../../../../renderer/lib/kerberos';
import { prtReplyBody } from '../../../helpers/renderer/prt-reply';
import { encodeTicket } from '../../../../emulators/protocols/kerberos/asn1';

const CLOUD = 'KERBEROS.MICROSOFTONLINE.COM';

describe('the Tokens tab Kerberos decoder', () => {
  it('finds tgt_cloud in a PRT reply and decodes its AS-REP: pvno, msg-type, crealm, cname, ticket realm/sname, enc-part etype/kvno', () => {
    const view = kerberosOfBody(prtReplyBody())!;
    expect(view.tgts.map((t) => t.field)).toEqual(['tgt_cloud']);
    const [cloud] = view.tgts;
    expect(cloud!.problem).toBeNull();
    expect(cloud!.json).toMatchObject({ realm: CLOUD, keyType: 18, cn: 'alice@enrollscope.onmicrosoft.com' });
    expect(cloud!.asRep).toMatchObject({
      pvno: 5,
      msgType: 11,
      msgTypeName: 'KRB_AS_REP',
      crealm: CLOUD,
      cname: { type: 1, typeName: 'NT-PRINCIPAL', components: ['alice@enrollscope.onmicrosoft.com'], text: 'alice\\@enrollscope.onmicrosoft.com' },
      ticket: { tktVno: 5, realm: CLOUD, sname: { type: 2, typeName: 'NT-SRV-INST', text: `krbtgt/${CLOUD}` }, encPart: { etype: 18, etypeName: 'aes256-cts-hmac-sha1-96', kvno: 1 } },
      encPart: { etype: 18, kvno: null },
      padataTypes: [],
    });
    expect(cloud!.asRep!.encPart.cipherBytes).toBeGreaterThan(28);
    expect(cloud!.clientKeyHeader).toMatchObject({ alg: 'dir', enc: 'A256GCM' });
  });

  it('lists tgt_cloud, then tgt_ad when the reply has both, and splits kerberos_top_level_names', () => {
    const view = kerberosOfBody(prtReplyBody({ onPrem: true }))!;
    expect(view.tgts.map((t) => [t.field, t.asRep?.crealm])).toEqual([
      ['tgt_cloud', CLOUD],
      ['tgt_ad', 'CORP.ENROLLSCOPE.TEST'],
    ]);
    expect(view.topLevelNames).toEqual(['.windows.net', '.windows.net:1433', '.azure.net']);
  });

  it("says why a messageBuffer does not decode, and shows a TGT's own error", () => {
    const bad = kerberosOfBody(prtReplyBody({ messageBuffer: Buffer.from(encodeTicket({ tktVno: 5, realm: 'R', sname: { nameType: 2, nameString: ['krbtgt', 'R'] }, encPart: { etype: 18, cipher: Buffer.alloc(2) } })).toString('base64') }))!;
    expect(bad.tgts[0]!.asRep).toBeNull();
    expect(bad.tgts[0]!.problem).toMatch(/messageBuffer: not a KDC-REP: tag class 2 number 1/);
    const failed = kerberosOfBody(prtReplyBody({ error: 'AAD Cloud AP: no on-premises realm' }))!;
    expect(failed.tgts[0]!.problem).toBe('AAD Cloud AP: no on-premises realm');
  });

  it('is null for bodies without Kerberos parts: other JSON, XML, nothing', () => {
    expect(kerberosOfBody(JSON.stringify({ access_token: 'x' }))).toBeNull();
    expect(kerberosOfBody('<s:Envelope/>')).toBeNull();
    expect(kerberosOfBody(undefined)).toBeNull();
    expect(kerberosOfBody('{"tgt_cloud": ')).toBeNull();
  });

  it('refuses a KRB-ERROR and bytes that are not DER', () => {
    expect(() => decodeAsRep(new Uint8Array([0x7e, 0x02, 0x30, 0x00]))).toThrow(/KRB-ERROR/);
    expect(() => decodeAsRep(new Uint8Array([1, 2, 3]))).toThrow();
  });
});
