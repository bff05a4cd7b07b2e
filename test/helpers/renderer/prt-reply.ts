import { buildTgtReply } from '../../../emulators/protocols/kerberos/as-rep.js';
import { NAME_TYPE, ticketFlags } from '../../../emulators/protocols/kerberos/asn1.js';

/** A PRT reply body with tgt_cloud (and tgt_ad), its AS-REPs made by the emulator's own codec: renderer test data. */
export function prtReplyBody(opts: { onPrem?: boolean; messageBuffer?: string; error?: string } = {}): string {
  const tgt = (realm: string, cn: string) => {
    const { der } = buildTgtReply({
      crealm: realm,
      cname: { nameType: NAME_TYPE.principal, nameString: [cn] },
      clientKey: Buffer.alloc(32, 1),
      kdcKey: Buffer.alloc(32, 2),
      kdcKvno: 1,
      sessionKey: Buffer.alloc(32, 3),
      nonce: 42,
      flags: ticketFlags(['forwardable', 'renewable', 'initial', 'preAuthent', 'nameCanonicalize']),
      authtime: new Date('2026-12-01T23:00:00Z'),
      starttime: new Date('2026-12-01T23:00:00Z'),
      endtime: new Date('2026-12-02T09:00:00Z'),
      renewTill: new Date('2026-12-08T23:00:00Z'),
      confounders: [Buffer.alloc(16, 4), Buffer.alloc(16, 5)],
    });
    const header = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', ctx: 'c2Vzc2lvbi1jdHgtMjQtYnl0ZXMtZm9yLXQ=' })).toString('base64url');
    return JSON.stringify({
      clientKey: `${header}..AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB.`,
      keyType: 18,
      ...(opts.error && { error: opts.error }),
      messageBuffer: opts.messageBuffer ?? der.toString('base64'),
      realm,
      sn: `krbtgt/${realm}`,
      cn,
      sessionKeyType: 18,
      accountType: realm.startsWith('KERBEROS.') ? 1 : 2,
    });
  };
  return JSON.stringify({
    token_type: 'pop',
    refresh_token: 'prt',
    ...(opts.onPrem && { tgt_ad: tgt('CORP.ENROLLSCOPE.TEST', 'alice') }),
    tgt_cloud: tgt('KERBEROS.MICROSOFTONLINE.COM', 'alice@enrollscope.onmicrosoft.com'),
    kerberos_top_level_names: '.windows.net,.windows.net:1433,.azure.net',
  });
}
