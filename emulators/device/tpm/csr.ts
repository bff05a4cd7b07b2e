import forge from 'node-forge';

const { asn1 } = forge;

/** sha256WithRSAEncryption: DRS join CSRs (reference/entra-mde2.md §3.2). */
export const OID_SHA256_RSA = '1.2.840.113549.1.1.11';
/** OIW sha1WithRSA 1.3.14.3.2.29: what a real Windows 10 MDM CSR is signed with (reference/fleet.md §7.3 capture). */
export const OID_OIW_SHA1_RSA = '1.3.14.3.2.29';
const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const OID_CN = '2.5.4.3';

export interface CsrExtension {
  oid: string;
  /** The extension's extnValue bytes, as is (Windows puts raw ASCII + NUL in 1.3.6.1.4.1.311.66.1.0). */
  value: Buffer;
  critical?: boolean;
}

export interface CsrSpec {
  /** The CN exactly as it goes on the wire, a PrintableString as Windows writes it (a trailing NUL included). */
  subjectCn: string;
  extensions?: CsrExtension[];
  signatureOid: typeof OID_SHA256_RSA | typeof OID_OIW_SHA1_RSA;
}

const bin = (b: Buffer) => b.toString('binary');
const der = (o: forge.asn1.Asn1): Buffer => Buffer.from(asn1.toDer(o).getBytes(), 'binary');
const seq = (v: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, v);
const oid = (o: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(o).getBytes());
const nul = () => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '');

/** The signature algorithm the CSR names for a given hash (RSASSA-PKCS1-v1_5 either way). */
export function hashFor(signatureOid: CsrSpec['signatureOid']): 'sha1' | 'sha256' {
  return signatureOid === OID_OIW_SHA1_RSA ? 'sha1' : 'sha256';
}

/**
 * A PKCS#10 CertificationRequest (RFC 2986) built byte by byte, so that it can take Windows' own shape (a CN that
 * is not a valid PrintableString, a raw-bytes extension, the OIW signature OID) which the X.509 libraries refuse
 * to write. `sign` gets the DER CertificationRequestInfo and must return the PKCS#1 v1.5 signature: the TPM.
 */
export async function buildCsr(spkiDer: Buffer, spec: CsrSpec, sign: (tbs: Buffer) => Promise<Buffer>): Promise<Buffer> {
  const subject = seq([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
      seq([oid(OID_CN), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.PRINTABLESTRING, false, spec.subjectCn)]),
    ]),
  ]);
  const attrs: forge.asn1.Asn1[] = [];
  if (spec.extensions?.length) {
    const exts = seq(
      spec.extensions.map((e) =>
        seq([
          oid(e.oid),
          ...(e.critical ? [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, '\xff')] : []),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bin(e.value)),
        ]),
      ),
    );
    attrs.push(seq([oid(OID_EXTENSION_REQUEST), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [exts])]));
  }
  const info = seq([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, '\x00'),
    subject,
    asn1.fromDer(bin(spkiDer)),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, attrs),
  ]);
  const tbs = der(info);
  const signature = await sign(tbs);
  return der(
    seq([
      asn1.fromDer(bin(tbs)),
      seq([oid(spec.signatureOid), nul()]),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\x00${bin(signature)}`),
    ]),
  );
}
