import {
  APPLICATION,
  MSG_TYPE,
  NAME_TYPE,
  PVNO,
  decodeEncKdcRepPart,
  decodeEncTicketPart,
  decodeKdcRep,
  encodeEncKdcRepPart,
  encodeEncTicketPart,
  encodeKdcRep,
  type EncKdcRepPart,
  type EncTicketPart,
  type KdcRep,
  type PrincipalName,
} from './asn1.js';
import { ETYPE_AES256_CTS_HMAC_SHA1_96, KEY_USAGE, decrypt, encrypt } from './aes-cts-hmac-sha1.js';

/**
 * A KRB-AS-REP carrying a TGT (RFC 4120 §3.1.3): the ticket's EncTicketPart sealed under the realm's krbtgt key
 * (key usage 2), the EncASRepPart sealed under the client's key (key usage 3); both hold the same session key.
 * Keys are aes256-cts-hmac-sha1-96 (etype 18); the confounders are the caller's (the lab's ids).
 */

/** The TGS principal of a realm: krbtgt/REALM, name type NT-SRV-INST (RFC 4120 §7.3). */
export function krbtgt(realm: string): PrincipalName {
  return { nameType: NAME_TYPE.srvInst, nameString: ['krbtgt', realm] };
}

export interface TgtReplyInput {
  crealm: string;
  cname: PrincipalName;
  /** The key the enc-part is sealed with (the client's). */
  clientKey: Buffer;
  /** The realm's krbtgt key and its version number (the ticket's enc-part kvno). */
  kdcKey: Buffer;
  kdcKvno: number;
  /** The TGT session key (EncKDCRepPart.key = EncTicketPart.key). */
  sessionKey: Buffer;
  nonce: number;
  flags: number;
  authtime: Date;
  starttime: Date;
  endtime: Date;
  renewTill?: Date;
  /** Two 16-byte confounders: the ticket's, then the enc-part's. */
  confounders: [Buffer, Buffer];
}

/** Build and seal the AS-REP; DER bytes plus the two plaintext parts (for a view or a test). */
export function buildTgtReply(input: TgtReplyInput): { der: Buffer; encTicketPart: EncTicketPart; encAsRepPart: EncKdcRepPart } {
  const sname = krbtgt(input.crealm);
  const key = { keytype: ETYPE_AES256_CTS_HMAC_SHA1_96, keyvalue: input.sessionKey };
  const encTicketPart: EncTicketPart = {
    flags: input.flags,
    key,
    crealm: input.crealm,
    cname: input.cname,
    // No realm crossed (RFC 4120 §3.3.3.2): DOMAIN-X500-COMPRESS (type 1) with empty contents.
    transited: { trType: 1, contents: Buffer.alloc(0) },
    authtime: input.authtime,
    starttime: input.starttime,
    endtime: input.endtime,
    ...(input.renewTill && { renewTill: input.renewTill }),
  };
  const encAsRepPart: EncKdcRepPart = {
    key,
    // No last-request information (lr-type 0, RFC 4120 §5.4.2).
    lastReq: [{ lrType: 0, lrValue: input.authtime }],
    nonce: input.nonce,
    flags: input.flags,
    authtime: input.authtime,
    starttime: input.starttime,
    endtime: input.endtime,
    ...(input.renewTill && { renewTill: input.renewTill }),
    srealm: input.crealm,
    sname,
  };
  const rep: KdcRep = {
    pvno: PVNO,
    msgType: MSG_TYPE.asRep,
    crealm: input.crealm,
    cname: input.cname,
    ticket: {
      tktVno: PVNO,
      realm: input.crealm,
      sname,
      encPart: { etype: ETYPE_AES256_CTS_HMAC_SHA1_96, kvno: input.kdcKvno, cipher: encrypt(input.kdcKey, KEY_USAGE.ticket, encodeEncTicketPart(encTicketPart), input.confounders[0]) },
    },
    encPart: { etype: ETYPE_AES256_CTS_HMAC_SHA1_96, cipher: encrypt(input.clientKey, KEY_USAGE.asRepEncPart, encodeEncKdcRepPart(encAsRepPart, APPLICATION.encAsRepPart), input.confounders[1]) },
  };
  return { der: encodeKdcRep(rep), encTicketPart, encAsRepPart };
}

/** What a client does with the reply (libhimmelblau fetch_cloud_tgt → libkrimes decrypt_enc_kdc_rep): parse, open enc-part. */
export function openAsRep(der: Uint8Array, clientKey: Buffer): { rep: KdcRep; encPart: ReturnType<typeof decodeEncKdcRepPart> } {
  const rep = decodeKdcRep(der);
  if (rep.msgType !== MSG_TYPE.asRep) throw new Error(`not an AS-REP (msg-type ${rep.msgType})`);
  return { rep, encPart: decodeEncKdcRepPart(decrypt(clientKey, KEY_USAGE.asRepEncPart, rep.encPart.cipher)) };
}

/** What the KDC does when the TGT comes back in a TGS-REQ: open the ticket with its krbtgt key. */
export function openTicket(rep: KdcRep, kdcKey: Buffer): EncTicketPart {
  return decodeEncTicketPart(decrypt(kdcKey, KEY_USAGE.ticket, rep.ticket.encPart.cipher));
}
