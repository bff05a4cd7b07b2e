import type { TgtJson as ServerTgt } from '../../emulators/entra/prt/tgt.js';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { tempLab } from '../helpers/lab.js';
import { devicesignedJwt, join, passwordPrtPayload, postForm, srvChallenge, alice, type EntraFixture, type JoinedDevice } from '../helpers/entra.js';
import { startEntraServer } from '../../emulators/entra/server.js';
import { loadKdcKey } from '../../emulators/entra/keys.js';
import { decryptWithSessionKey, unwrapSessionKeyJwe } from '../../emulators/protocols/prt-kdf.js';
import { openAsRep, openTicket } from '../../emulators/protocols/kerberos/as-rep.js';
import { IntegrityError } from '../../emulators/protocols/kerberos/aes-cts-hmac-sha1.js';
import { NAME_TYPE } from '../../emulators/protocols/kerberos/asn1.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';
import type { PrtResponse } from '../../emulators/protocols/oauth.js';

const CLOUD = 'KERBEROS.MICROSOFTONLINE.COM';
const ONPREM = 'CORP.ENROLLSCOPE.TEST';

async function entra(seed: string, onPremRealm?: string): Promise<EntraFixture> {
  const { lab, dispose } = tempLab({ seed });
  const server = await startEntraServer({ lab, ...(onPremRealm && { tenant: { onPremRealm } }) });
  return { lab, entra: server, dispose: async () => (await server.close(), dispose()) };
}

/** A PRT request as libhimmelblau's acquire_user_prt_jwt posts it (windows_api_version 2.0, x5c array); `tgt` as given. */
async function prtRequest(f: EntraFixture, device: JoinedDevice, tgt: string | undefined) {
  const request = await devicesignedJwt(device, passwordPrtPayload(f, await srvChallenge(f)), 'array');
  return postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`, {
    windows_api_version: '2.0',
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    request,
    client_info: '1',
    tgt,
  });
}

/** A TGT as the reply carries it; `error` is what a client must also read when Entra could not issue one. */
type TgtJson = ServerTgt & { error?: string };

async function prtWithTgt(f: EntraFixture, device: JoinedDevice, tgt = 'true') {
  const r = await prtRequest(f, device, tgt);
  expect(r.status).toBe(200);
  const prt = r.json<PrtResponse>();
  // The client's first step: unwrap the session key from session_key_jwe with its transport key.
  const sessionKey = unwrapSessionKeyJwe(prt.session_key_jwe, device.transportKey.privateKey);
  return { prt, sessionKey };
}

/** libhimmelblau TGT::derived_key: the clientKey JWE opened with the session key (decipher_prt_v2 form). */
function clientKeyOf(tgt: TgtJson, sessionKey: Buffer): Buffer {
  return decryptWithSessionKey(tgt.clientKey, sessionKey);
}

describe('libhimmelblau cloud TGT (fetch_cloud_tgt)', () => {
  let f: EntraFixture;
  let device: JoinedDevice;
  beforeAll(async () => {
    f = await entra('entra-tgt');
    device = await join(f);
  });
  afterAll(() => f.dispose());

  it('a PRT request with tgt=true returns tgt_cloud as a JSON string with the fields of libhimmelblau TGT', async () => {
    const { prt } = await prtWithTgt(f, device);
    expect(typeof prt.tgt_cloud).toBe('string');
    const tgt = JSON.parse(prt.tgt_cloud!) as TgtJson;
    expect(Object.keys(tgt)).toEqual(['clientKey', 'keyType', 'messageBuffer', 'realm', 'sn', 'cn', 'sessionKeyType', 'accountType']);
    expect(tgt).toMatchObject({ keyType: 18, sessionKeyType: 18, realm: CLOUD, sn: `krbtgt/${CLOUD}`, cn: alice(f).upn });
    expect(tgt.error).toBeUndefined();
  });

  it('messageBuffer is a DER KRB-AS-REP: pvno 5, msg-type 11, crealm and ticket realm KERBEROS.MICROSOFTONLINE.COM, cname the user', async () => {
    const { prt, sessionKey } = await prtWithTgt(f, device);
    const tgt = JSON.parse(prt.tgt_cloud!) as TgtJson;
    const { rep } = openAsRep(Buffer.from(tgt.messageBuffer, 'base64'), clientKeyOf(tgt, sessionKey));
    expect(rep).toMatchObject({ pvno: 5, msgType: 11, crealm: CLOUD, cname: { nameType: NAME_TYPE.principal, nameString: [alice(f).upn] } });
    expect(rep.ticket).toMatchObject({ tktVno: 5, realm: CLOUD, sname: { nameType: NAME_TYPE.srvInst, nameString: ['krbtgt', CLOUD] }, encPart: { etype: 18, kvno: 1 } });
    expect(rep.encPart.etype).toBe(18);
  });

  it('clientKey, decrypted with the session key the client unwrapped, is a 32-byte aes256 key that opens the enc-part (key usage 3)', async () => {
    const { prt, sessionKey } = await prtWithTgt(f, device);
    const tgt = JSON.parse(prt.tgt_cloud!) as TgtJson;
    expect(tgt.clientKey.split('.')).toHaveLength(5);
    const clientKey = clientKeyOf(tgt, sessionKey);
    expect(clientKey).toHaveLength(32);
    const { encPart } = openAsRep(Buffer.from(tgt.messageBuffer, 'base64'), clientKey);
    expect(encPart).toMatchObject({ application: 25, srealm: CLOUD, sname: { nameType: NAME_TYPE.srvInst, nameString: ['krbtgt', CLOUD] }, flags: 0x40e10000 });
    expect(encPart.key.keytype).toBe(18);
    expect(encPart.key.keyvalue).toHaveLength(32);
  });

  it("the ticket's times come from the lab clock: authtime now, 10 hours' life, renewable for 7 days", async () => {
    const { prt, sessionKey } = await prtWithTgt(f, device);
    const now = Math.floor(f.lab.clock.now() / 1000) * 1000;
    const tgt = JSON.parse(prt.tgt_cloud!) as TgtJson;
    const { encPart } = openAsRep(Buffer.from(tgt.messageBuffer, 'base64'), clientKeyOf(tgt, sessionKey));
    expect(encPart.authtime.getTime()).toBe(now);
    expect(encPart.starttime?.getTime()).toBe(now);
    expect(encPart.endtime.getTime()).toBe(now + 10 * 3600_000);
    expect(encPart.renewTill?.getTime()).toBe(now + 7 * 24 * 3600_000);
  });

  it("the ticket opens only with Entra's krbtgt key of the realm, and holds the session key the client got", async () => {
    const { prt, sessionKey } = await prtWithTgt(f, device);
    const tgt = JSON.parse(prt.tgt_cloud!) as TgtJson;
    const clientKey = clientKeyOf(tgt, sessionKey);
    const { rep, encPart } = openAsRep(Buffer.from(tgt.messageBuffer, 'base64'), clientKey);
    const kdc = loadKdcKey(f.entra.ctx, 'cloud')!;
    expect(kdc.realm).toBe(CLOUD);
    const ticket = openTicket(rep, kdc.key);
    expect(ticket.key.keyvalue.equals(encPart.key.keyvalue)).toBe(true);
    expect(ticket).toMatchObject({ crealm: CLOUD, cname: { nameString: [alice(f).upn] } });
    expect(() => openTicket(rep, clientKey)).toThrow(IntegrityError);
  });

  it('each reply has its own client key and session key', async () => {
    const a = await prtWithTgt(f, device);
    const b = await prtWithTgt(f, device);
    const ka = clientKeyOf(JSON.parse(a.prt.tgt_cloud!) as TgtJson, a.sessionKey);
    const kb = clientKeyOf(JSON.parse(b.prt.tgt_cloud!) as TgtJson, b.sessionKey);
    expect(ka.equals(kb)).toBe(false);
  });

  it('ROADtools writes tgt=True: the flag is read without regard to case', async () => {
    const { prt } = await prtWithTgt(f, device, 'True');
    expect(typeof prt.tgt_cloud).toBe('string');
  });

  it('kerberos_top_level_names is a string of host suffixes, and there is no tgt_ad without an on-premises realm', async () => {
    const { prt } = await prtWithTgt(f, device);
    expect(typeof prt.kerberos_top_level_names).toBe('string');
    expect(prt.kerberos_top_level_names).toContain('.windows.net');
    expect(prt).not.toHaveProperty('tgt_ad');
  });

  it.each([[undefined], ['false'], ['0']])('no TGT fields when tgt is %s', async (tgt) => {
    const r = await prtRequest(f, device, tgt);
    expect(r.status).toBe(200);
    const prt = r.json<PrtResponse>();
    expect(prt.refresh_token).toBeTruthy();
    for (const k of ['tgt_cloud', 'tgt_ad', 'kerberos_top_level_names']) expect(prt).not.toHaveProperty(k);
  });

  it('a refused PRT request with tgt=true (a nonce not issued) gets AADSTS and leaves the Entra DB unchanged', async () => {
    const before = f.entra.store.fileBytes();
    const request = await devicesignedJwt(device, passwordPrtPayload(f, 'AwABAAEAAAACAOz_BAD-NONCE'), 'array');
    const r = await postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`, { windows_api_version: '2.0', grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', request, client_info: '1', tgt: 'true' });
    expect(r.status).toBe(400);
    expect(r.json<{ error_codes: number[] }>().error_codes.length).toBeGreaterThan(0);
    expect(f.entra.store.fileBytes().equals(before)).toBe(true);
  });
});

describe('tgt_ad: the partial TGT of an on-premises realm (Cloud Kerberos Trust)', () => {
  let f: EntraFixture;
  let device: JoinedDevice;
  beforeAll(async () => {
    f = await entra('entra-tgt-onprem', ONPREM);
    device = await join(f);
  });
  afterAll(() => f.dispose());

  it('with the tenant option set, tgt_ad is an AS-REP in the AD realm for the user, opened by its own client key', async () => {
    const { prt, sessionKey } = await prtWithTgt(f, device);
    const ad = JSON.parse(prt.tgt_ad!) as TgtJson;
    const cloud = JSON.parse(prt.tgt_cloud!) as TgtJson;
    expect(ad).toMatchObject({ realm: ONPREM, sn: `krbtgt/${ONPREM}`, cn: 'alice', keyType: 18 });
    const adKey = clientKeyOf(ad, sessionKey);
    const { rep, encPart } = openAsRep(Buffer.from(ad.messageBuffer, 'base64'), adKey);
    expect(rep).toMatchObject({ crealm: ONPREM, cname: { nameType: NAME_TYPE.principal, nameString: ['alice'] }, ticket: { realm: ONPREM } });
    expect(encPart.srealm).toBe(ONPREM);
    expect(openTicket(rep, loadKdcKey(f.entra.ctx, 'onprem')!.key).crealm).toBe(ONPREM);
    // The two TGTs have separate client keys: one does not open the other.
    expect(() => openAsRep(Buffer.from(ad.messageBuffer, 'base64'), clientKeyOf(cloud, sessionKey))).toThrow(IntegrityError);
  });

  it('the realm row is a DB fact of the tenant; its krbtgt key is a secret kept out of the logged tables', () => {
    const rows = f.entra.store.read((db) => db.prepare(`SELECT realm, kind FROM kerberos_realms ORDER BY kind`).all());
    expect(rows).toEqual([
      { realm: CLOUD, kind: 'cloud' },
      { realm: ONPREM, kind: 'onprem' },
    ]);
  });
});

describe('seeded runs', () => {
  it('two labs with the same seed give byte-identical tgt_cloud', async () => {
    const out: string[] = [];
    for (let i = 0; i < 2; i++) {
      const f = await entra('entra-tgt-seeded');
      try {
        const device = await join(f);
        out.push((await prtWithTgt(f, device)).prt.tgt_cloud!);
      } finally {
        await f.dispose();
      }
    }
    expect(out[0]).toBe(out[1]);
  });
});
