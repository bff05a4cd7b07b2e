import { sign as cryptoSign, X509Certificate } from 'node:crypto';
import type { Db } from '../../lab/store.js';
import { thumbprint } from '../../protocols/x509.js';
import { OID, type ParsedCsr } from '../../protocols/pkcs10.js';
import {
  certSubjectDer,
  derBitString,
  derBool,
  derDirectoryString,
  derExplicit,
  derNull,
  derOctets,
  derOid,
  derSeq,
  derSet,
  derTime,
  derTlv,
  derUint,
  readTlv,
  tlvContent,
} from '../../protocols/der.js';
import type { WstepIdentity } from './identity.js';

/**
 * The WSTEP CA signing a device's CSR (Fleet's SignClientCSR / populateClientCert, fleet.md §1.5). Built with DER
 * writers and node's RSA signer so that it runs synchronously inside the enrollment's one store transaction: the
 * serial comes from `wstep_serials` in that transaction and the certificate lands in `wstep_certificates` there.
 */

/** syncml.PolicyCertRenewalPeriodInSecs: NotBefore is set this far in the past. */
export const CERT_RENEWAL_PERIOD_SECS = 15_552_000;
/** syncml.PolicyCertValidityPeriodInSecs: NotAfter = NotBefore + this. */
export const CERT_VALIDITY_PERIOD_SECS = 31_536_000;
/** syncml.DocProvisioningAppProviderID: the OU of every issued client certificate. */
export const CLIENT_CERT_OU = 'Fleet';

export interface IssuedClientCert {
  serial: number;
  der: Buffer;
  pem: string;
  /** Upper-case hex SHA-1 (CertFingerprintHexStr). */
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
}

/** The identity cert's SubjectKeyIdentifier, when it has one (Go copies it as the child's AuthorityKeyId). */
function subjectKeyId(identity: WstepIdentity): Buffer | null {
  const ext = identity.cert.getExtension('2.5.29.14');
  if (!ext) return null;
  const v = Buffer.from(ext.value);
  return Buffer.from(tlvContent(v, readTlv(v, 0)));
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return derSeq(derOid(oid), ...(critical ? [derBool(true)] : []), derOctets(value));
}

/**
 * Go's x509.CreateCertificate extension order: its own (KeyUsage, ExtKeyUsage, AuthorityKeyId) unless the template's
 * ExtraExtensions carry the same OID, then the ExtraExtensions (the CSR's extensions, copied as sent).
 */
function certExtensions(csr: ParsedCsr, identity: WstepIdentity): Buffer[] {
  const extra = new Set(csr.extensions.map((e) => e.oid));
  const own: Buffer[] = [];
  // KeyUsage digitalSignature | keyEncipherment (bits 0 and 2): BIT STRING 05 A0, critical as Go marks it.
  if (!extra.has(OID.keyUsage)) own.push(extension(OID.keyUsage, true, derBitString(Buffer.from([0xa0]), 5)));
  if (!extra.has(OID.extKeyUsage)) own.push(extension(OID.extKeyUsage, false, derSeq(derOid(OID.clientAuth))));
  const ski = subjectKeyId(identity);
  if (ski && !extra.has('2.5.29.35')) own.push(extension('2.5.29.35', false, derSeq(derTlv(0x80, ski))));
  return [...own, ...csr.extensions.map((e) => e.der)];
}

function pem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/**
 * Sign a verified CSR for `subjectCn` (Fleet passes HWDevID): subject OU=Fleet, CN=<subjectCn>, SHA256WithRSA by
 * the identity key, serial from `wstep_serials`, stored in `wstep_certificates` under name = the CN.
 * Must run inside `store.tx`.
 */
export function signClientCsr(db: Db, identity: WstepIdentity, csr: ParsedCsr, subjectCn: string, now: Date): IssuedClientCert {
  const nowIso = now.toISOString();
  const serial = Number(db.prepare(`INSERT INTO wstep_serials(created_at) VALUES (?)`).run(nowIso).lastInsertRowid);
  // Whole seconds, as X.509 times carry them.
  const nowSec = Math.floor(now.getTime() / 1000) * 1000;
  const notBefore = new Date(nowSec - CERT_RENEWAL_PERIOD_SECS * 1000);
  const notAfter = new Date(notBefore.getTime() + CERT_VALIDITY_PERIOD_SECS * 1000);
  // Go's pkix.Name order puts OU before CN.
  const subject = derSeq(
    derSet(derSeq(derOid(OID.organizationalUnit), derDirectoryString(CLIENT_CERT_OU))),
    derSet(derSeq(derOid(OID.commonName), derDirectoryString(subjectCn))),
  );
  const sigAlg = derSeq(derOid(OID.sha256WithRSA), derNull());
  const tbs = derSeq(
    derExplicit(0, derUint(2n)),
    derUint(BigInt(serial)),
    sigAlg,
    certSubjectDer(identity.certDer),
    derSeq(derTime(notBefore), derTime(notAfter)),
    subject,
    csr.spki,
    derExplicit(3, derSeq(...certExtensions(csr, identity))),
  );
  const signature = cryptoSign('sha256', tbs, identity.privateKey);
  const der = derSeq(tbs, sigAlg, derBitString(signature));
  // A last self-check with node's own X.509 parser: a certificate we cannot read back is never handed out.
  new X509Certificate(der);
  const certPem = pem(der);
  db.prepare(
    `INSERT INTO wstep_certificates(serial, name, not_valid_before, not_valid_after, certificate_pem, revoked, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 0, ?, ?)`,
  ).run(serial, subjectCn, notBefore.toISOString(), notAfter.toISOString(), certPem, nowIso, nowIso);
  return { serial, der, pem: certPem, fingerprint: thumbprint(der), notBefore, notAfter };
}

