import { encryptWithSessionKey } from '../../protocols/prt-kdf.js';
import { ETYPE_AES256_CTS_HMAC_SHA1_96 } from '../../protocols/kerberos/aes-cts-hmac-sha1.js';
import { NAME_TYPE, ticketFlags } from '../../protocols/kerberos/asn1.js';
import { buildTgtReply } from '../../protocols/kerberos/as-rep.js';
import { CLOUD_REALM, KERBEROS_TOP_LEVEL_NAMES } from '../../protocols/kerberos/realms.js';
import type { EntraContext } from '../context.js';
import type { UserRow } from '../directory.js';
import { ensureKdcKey, loadKdcKey, type KdcKey } from '../keys.js';

/**
 * The Kerberos TGTs of a PRT reply (entra-mde2.md §6.3): with `tgt=true` Entra adds `tgt_cloud` (realm
 * KERBEROS.MICROSOFTONLINE.COM), `tgt_ad` when the tenant has an on-premises realm (Cloud Kerberos Trust), and
 * `kerberos_top_level_names`. Each TGT is a JSON *string* (libhimmelblau `TGT`, read with decode_string_or_struct;
 * ROADtools json.loads): `messageBuffer` a base64 DER KRB-AS-REP whose enc-part opens with the client key
 * (aes256-cts-hmac-sha1-96, key usage 3; libhimmelblau fetch_cloud_tgt → libkrimes decrypt_enc_kdc_rep),
 * `clientKey` that key as a JWE under the PRT session key (the `dir`/ctx form libhimmelblau's
 * decipher_tgt_client_key opens with decipher_prt_v2, ROADtools with decrypt_auth_response), `keyType` its etype.
 */

/** The form field (MS-OAPXBC PRT request): libhimmelblau and AADInternals write `true`, ROADtools `True`. */
export function wantsTgt(form: Record<string, string | undefined>): boolean {
  return form.tgt?.toLowerCase() === 'true';
}

/** RFC 4120 flags Windows shows on a TGT (klist 0x40e10000): forwardable renewable initial pre_authent name_canonicalize. */
const TGT_FLAGS = ticketFlags(['forwardable', 'renewable', 'initial', 'preAuthent', 'nameCanonicalize']);
/** AD's default Kerberos policy: a user ticket lives 10 hours, renewable for 7 days (Microsoft Learn, "Maximum lifetime for user ticket"). */
const TGT_LIFETIME_S = 10 * 3600;
const TGT_RENEW_S = 7 * 24 * 3600;

/** The TGT JSON object, in libhimmelblau's `TGT` field names. `accountType` 1 cloud / 2 on-premises is UNCONFIRMED. */
export interface TgtJson {
  clientKey: string;
  keyType: number;
  messageBuffer: string;
  realm: string;
  sn: string;
  cn: string;
  sessionKeyType: number;
  accountType: number;
}

export interface PrtTgtFields {
  tgt_ad?: string;
  tgt_cloud: string;
  kerberos_top_level_names: string;
}

function tgtFor(ctx: EntraContext, kdc: KdcKey, clientName: string, sessionKey: Buffer): TgtJson {
  const { ids, clock } = ctx.lab;
  // KerberosTime has whole seconds (RFC 4120 §5.2.3).
  const now = Math.floor(clock.now() / 1000) * 1000;
  const clientKey = ids.bytes(32);
  const { der } = buildTgtReply({
    crealm: kdc.realm,
    // NT-PRINCIPAL, one component (libkrimes, which libhimmelblau parses with, takes principal names of that type).
    cname: { nameType: NAME_TYPE.principal, nameString: [clientName] },
    clientKey,
    kdcKey: kdc.key,
    kdcKvno: kdc.kvno,
    sessionKey: ids.bytes(32),
    // UInt32 on the wire; kept below 2^31 because libkrimes decodes the nonce as an i32.
    nonce: ids.bytes(4).readUInt32BE(0) >>> 1,
    flags: TGT_FLAGS,
    authtime: new Date(now),
    starttime: new Date(now),
    endtime: new Date(now + TGT_LIFETIME_S * 1000),
    renewTill: new Date(now + TGT_RENEW_S * 1000),
    confounders: [ids.bytes(16), ids.bytes(16)],
  });
  return {
    clientKey: encryptWithSessionKey(clientKey, sessionKey, { ctx: ids.bytes(24), iv: ids.bytes(16) }),
    keyType: ETYPE_AES256_CTS_HMAC_SHA1_96,
    messageBuffer: der.toString('base64'),
    realm: kdc.realm,
    sn: `krbtgt/${kdc.realm}`,
    cn: clientName,
    sessionKeyType: ETYPE_AES256_CTS_HMAC_SHA1_96,
    accountType: kdc.kind === 'cloud' ? 1 : 2,
  };
}

/**
 * The fields requestPrt adds for `tgt=true`. The cloud TGT names the user by UPN; the on-premises one by the
 * UPN's local part, the lab's stand-in for the synced sAMAccountName. Reads keys only: no DB change.
 */
export function prtTgtFields(ctx: EntraContext, user: UserRow, sessionKey: Buffer): PrtTgtFields {
  const cloud = loadKdcKey(ctx, 'cloud');
  if (!cloud) throw new Error('Entra cloud KDC key is missing');
  const onprem = loadKdcKey(ctx, 'onprem');
  const tgtAd = onprem ? JSON.stringify(tgtFor(ctx, onprem, user.upn.split('@')[0]!, sessionKey)) : undefined;
  const tgtCloud = JSON.stringify(tgtFor(ctx, cloud, user.upn, sessionKey));
  return { ...(tgtAd !== undefined && { tgt_ad: tgtAd }), tgt_cloud: tgtCloud, kerberos_top_level_names: KERBEROS_TOP_LEVEL_NAMES };
}

/** The lab tenant's on-premises realm (a tenant option; default none): an upper-case DNS name, or null to remove it. */
export function configureOnPremRealm(ctx: EntraContext, realm: string | null): void {
  if (realm === null) {
    const have = loadKdcKey(ctx, 'onprem');
    if (have)
      ctx.store.tx((db) => {
        db.prepare(`DELETE FROM kdc_keys WHERE realm = ?`).run(have.realm);
        db.prepare(`DELETE FROM kerberos_realms WHERE realm = ?`).run(have.realm);
      });
    return;
  }
  const name = realm.trim().toUpperCase();
  if (!/^[A-Z0-9-]+(\.[A-Z0-9-]+)+$/.test(name) || name === CLOUD_REALM) throw new RangeError(`not an on-premises AD realm: ${realm}`);
  ensureKdcKey(ctx, name, 'onprem');
}
