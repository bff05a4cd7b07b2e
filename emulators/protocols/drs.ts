/**
 * The Device Registration Service (entra-mde2.md §2–§3, aad-join-spec "[MS-DRS]"): discovery, nonce and join
 * message shapes, the CSR subject Windows always sends, and the device-certificate extensions.
 */

/** Every join CSR carries this subject; the service mints the device id (§3.2, PROTOCOL.md). */
export const JOIN_CSR_CN = '7E980AD9-B86D-4306-9425-9AC066FB014A';

/** Issuer CN of device certificates (§3.4). */
export const DEVICE_CA_CN = 'MS-Organization-Access';
/** The device certificate's issuer as Entra writes it (entra-mde2.md corrections §8): Windows finds the cert by it. */
export const DEVICE_CA_DN = `CN=${DEVICE_CA_CN}, OU=82dbaca4-3e81-46ca-9c73-0950c1eaca97, DC=windows, DC=net`;

/** Private extensions of the device certificate (§3.4, AADInternals Parse-CertificateOIDs). */
export const DEVICE_CERT_OIDS = {
  deviceId: '1.2.840.113556.1.5.284.2',
  userObjectId: '1.2.840.113556.1.5.284.3',
  tenantId: '1.2.840.113556.1.5.284.5',
  joinType: '1.2.840.113556.1.5.284.7',
  tenantRegion: '1.2.840.113556.1.5.284.8',
} as const;

/** Optional CSR extension carrying the DRS nonce (§2.3). */
export const DRS_NONCE_CSR_OID = '1.2.840.113556.1.5.284.2.1';

/** §3.2 JoinType: 0 Entra joined, 4 registered, 6 hybrid, 8 joined (alt), 3 unknown. */
export type JoinType = 0 | 3 | 4 | 6 | 8;
export const JOIN_TYPES: readonly number[] = [0, 3, 4, 6, 8];

export interface DrsJoinRequest {
  CertificateRequest: { Type: 'pkcs10'; Data: string };
  TransportKey: string;
  TargetDomain: string;
  DeviceType: string;
  OSVersion: string;
  DeviceDisplayName: string;
  JoinType: number;
  Attributes?: Record<string, string>;
}

export interface DrsJoinResponse {
  Certificate: { Thumbprint: string; RawBody: string };
  User: { Upn: string };
  MembershipChanges?: { LocalSID: string; AddSIDs: string[] }[];
}

/** §2.3, spelling of `ReponseStatus` as in the spec sample. */
export interface DrsNonceResponse {
  ReponseStatus: { message: string; traceId: string; time: string };
  Value: string;
}

/** DRS errors: shape UNCONFIRMED (§3.3); this is the suggested {code, subcode, message, …} form. */
export interface DrsErrorResponse {
  code: string;
  subcode: string;
  message: string;
  operationId: string;
  requestId: string;
  time: string;
}

export interface DrsServiceBlock {
  ServiceVersion: string;
  [field: string]: string;
}

/** §2.2: the blocks a Windows client reads (the others are optional for clients). */
export interface DrsDiscovery {
  DiscoveryService: { DiscoveryEndpoint: string; ServiceVersion: string };
  DeviceRegistrationService: { RegistrationEndpoint: string; RegistrationResourceId: string; ServiceVersion: string };
  AuthenticationService: { OAuth2: { AuthCodeEndpoint: string; TokenEndpoint: string } };
  IdentityProviderService: { Federated: boolean; PassiveAuthEndpoint: string };
  DeviceJoinService: { JoinEndpoint: string; JoinResourceId: string; ServiceVersion: string };
  KeyProvisioningService: { KeyProvisionEndpoint: string; KeyProvisionResourceId: string; ServiceVersion: string };
  NonceService: { Endpoint: string; ResourceId: string; ServiceVersion: string };
  TenantInfo: { DisplayName: string; TenantId: string; TenantName: string };
}

/** .NET Guid.ToByteArray order: the first three groups little-endian, the rest as written (§3.4). */
export function guidToBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`not a GUID: ${guid}`);
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)]);
}

export function bytesToGuid(bytes: Buffer): string {
  if (bytes.length !== 16) throw new TypeError('a GUID is 16 bytes');
  const b = Buffer.concat([Buffer.from(bytes.subarray(0, 4)).reverse(), Buffer.from(bytes.subarray(4, 6)).reverse(), Buffer.from(bytes.subarray(6, 8)).reverse(), bytes.subarray(8)]);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** MS-KPP 3.1.5.1.1.1: the Windows Hello key, a base64 BCRYPT_RSAKEY_BLOB (libhimmelblau Services::provision_key). */
export interface KeyProvisionRequest {
  kngc: string;
}

/** MS-KPP 3.1.5.1.1.2: a server-generated key id and the UPN the key was written on (pctx only for AD). */
export interface KeyProvisionResponse {
  kid: string;
  upn: string;
  pctx?: string;
}
