/**
 * Every route of the Entra ID server (token service, OIDC metadata, device code, DRS), in one table: the server
 * registers these paths and the clients (device, MDM's IdP sign-in, tests) build their URLs from them. It imports
 * nothing.
 *
 * Why here and not in `emulators/entra/paths.ts`: a path is a protocol fact both sides of the wire share, and parties
 * never import each other, so the table lives with the other shared protocol facts. `entra/` has no re-export of
 * it: a second name for the same table would only be one more place to look.
 *
 * Most paths sit under a tenant segment (a tenant id, a verified domain, `common` or `organizations`): the builders
 * take it, and the server registers them with `':tenant'` as the segment. `version` picks the v1 (`1.0`) or the v2
 * (`2.0`, `/v2.0` in the path) endpoint.
 */
export type EntraVersion = '1.0' | '2.0';

const v2 = (version: EntraVersion): string => (version === '2.0' ? '/v2.0' : '');

export const ENTRA_PATHS = {
  /** OpenID Connect Discovery 1.0 §4 (https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig): provider metadata. */
  openidConfiguration: (tenant: string, version: EntraVersion = '1.0') => `/${tenant}${v2(version)}/.well-known/openid-configuration`,
  /** The JWK Set of `jwks_uri` (RFC 7517 §5); Fleet fetches /common/discovery/v2.0/keys for Azure JWTs. */
  keys: (tenant: string, version: EntraVersion = '1.0') => `/${tenant}/discovery${v2(version)}/keys`,
  /** The token endpoint (RFC 6749 §3.2; MS-OAPXBC for the PRT grants). */
  token: (tenant: string, version: EntraVersion = '1.0') => `/${tenant}/oauth2${v2(version)}/token`,
  /** The device authorization endpoint (RFC 8628 §3.1). */
  deviceCode: (tenant: string, version: EntraVersion = '1.0') => `/${tenant}/oauth2${v2(version)}/devicecode`,
  /** The authorization endpoint (RFC 6749 §3.1; OIDC metadata authorization_endpoint, DRS AuthCodeEndpoint). */
  authorize: (tenant: string, version: EntraVersion = '1.0') => `/${tenant}/oauth2${v2(version)}/authorize`,
  /** The login pages' username lookup ($Config urlGetCredentialType; libhimmelblau `get_cred_type`), JSON. */
  getCredentialType: (tenant: string) => `/${tenant}/GetCredentialType`,
  /** The login page's credential POST ($Config urlPost of the username/password page). */
  login: (tenant: string) => `/${tenant}/login`,
  /** The MFA page's push start ($Config urlBeginAuth), JSON `Method: BeginAuth`. */
  sasBeginAuth: (tenant: string) => `/${tenant}/SAS/BeginAuth`,
  /** The MFA page's poll ($Config urlEndAuth): GET with x-ms-* headers (libhimmelblau) or POST JSON `Method: EndAuth`. */
  sasEndAuth: (tenant: string) => `/${tenant}/SAS/EndAuth`,
  /** The MFA page's form POST after EndAuth succeeded ($Config urlPost of the MFA page): the code to the redirect URI. */
  sasProcessAuth: (tenant: string) => `/${tenant}/SAS/ProcessAuth`,
  /** OIDC metadata end_session_endpoint (OIDC RP-Initiated Logout 1.0 §2): the browser session ends (entra/logout.ts). */
  logout: (tenant: string, version: EntraVersion = '1.0') => `/${tenant}/oauth2${v2(version)}/logout`,
  /** OIDC metadata userinfo_endpoint (OIDC Core §5.3): the user's claims for a Graph access token (entra/userinfo.ts). */
  userinfo: (tenant: string) => `/${tenant}/openid/userinfo`,
  /** The verification_uri of a device-code answer (RFC 8628 §3.3): the page where the user enters the code. */
  deviceLogin: '/devicelogin',
  /** DRS discovery (MS-DVRD: GET ?api-version=1.9). */
  drsDiscover: (tenant: string) => `/${tenant}/Discover`,
  /** DRS NonceService.Endpoint: GET or POST, answers a single-use nonce. */
  drsNonce: (tenant: string) => `/EnrollmentServer/nonce/${tenant}/`,
  /** DRS DeviceJoinService.JoinEndpoint (MS-DVRJ); Windows posts it with the trailing slash. */
  drsJoin: '/EnrollmentServer/device/',
  /** The same join endpoint without the trailing slash, which the server also accepts. */
  drsJoinNoSlash: '/EnrollmentServer/device',
  /** DRS DeviceRegistrationService.RegistrationEndpoint (MS-DVRE, workplace join): SOAP faults, the lab does no workplace join (entra/drs/registration.ts). */
  drsRegistration: '/EnrollmentServer/DeviceEnrollmentWebService.svc',
  /** DRS KeyProvisioningService.KeyProvisionEndpoint (MS-KPP 3.1.5.1.1): POST `{"kngc": …}` registers a Windows Hello key. */
  drsKeyProvision: '/EnrollmentServer/key/',
  /** The same key endpoint as MS-KPP writes it, without the trailing slash, which the server also accepts. */
  drsKeyProvisionNoSlash: '/EnrollmentServer/key',
  /** DRS IdentityProviderService.PassiveAuthEndpoint (WS-Federation 1.2 §13.2 passive requestor; entra/wsfed.ts). */
  wsfed: (tenant: string) => `/${tenant}/wsfed`,
} as const;
