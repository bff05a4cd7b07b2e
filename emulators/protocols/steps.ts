/**
 * The step catalog: one entry per kind of protocol step the parties make (requests, and local TPM, device, user
 * and lab operations). The recorder stamps every step with its catalog id; step titles, the Spec tab, phase bands,
 * breakpoints, the outline and the tests read this table instead of tables of their own. Imports nothing, so the
 * renderer may import it too. Each `spec` names the public section the step belongs to; `client` and `server`
 * name the files (under emulators/) that implement it.
 */

/** The story's chapters, in order: the timeline draws them as bands. */
export const PHASES = {
  setup: 'Windows setup',
  signin: 'Entra sign-in',
  join: 'Entra join',
  prt: 'Primary Refresh Token',
  hello: 'Windows Hello for Business',
  enroll: 'MDM enrollment',
  omadm: 'OMA-DM management',
  msi: 'MSI install',
  orbit: 'Orbit enroll',
  reprompt: 'The second prompt',
  lab: 'Lab',
} as const;
export type PhaseId = keyof typeof PHASES;

/** A public specification section (Microsoft's open specifications, an RFC, Fleet's source, PRs and issues). */
export interface SpecRef {
  doc: string;
  section: string;
  title: string;
  url: string;
}

/** How a request recorded by a server (an outside client such as curl) is recognised as this kind of step. */
export interface HttpMatch {
  /** The server that receives it. */
  server: 'mdm' | 'entra';
  method: string;
  /** A regular expression (source) over the path, matched case-insensitively (Entra paths are, PROTOCOL.md). */
  path: string;
  /** The SOAP `a:Action` of the request, matched as a suffix. */
  soapAction?: string;
  /** The OAuth `grant_type` of a form body. */
  grant?: string;
  /** The OAuth `client_id` of a form body (who signs in: Fleet's SSO callback, not the device). */
  clientId?: string;
  /** For the jwt-bearer grant: whose key signed the `request` JWT (its header tells, PROTOCOL.md). */
  requestJwt?: 'device-key' | 'session-key';
  /** The `grant_type` inside the `request` JWT's payload (the user proof of a PRT request: password, Windows Hello…). */
  requestGrant?: string;
  /** A credential the request carries as a header or as a cookie of that name (PRT SSO: x-ms-RefreshTokenCredential). */
  credential?: string;
}

/** The WS-Addressing actions of a SOAP step's request and reply. */
export interface SoapActions {
  request: string;
  reply: string;
}

export interface StepKindDef {
  title: string;
  /** The chapter; null for steps that belong to whichever chapter they occur in (TPM operations). */
  phase: PhaseId | null;
  /** What happens and why, in one or two sentences. */
  summary: string;
  spec: SpecRef;
  /** The file that sends or performs it, under emulators/. */
  client: string | null;
  /** The file that answers it, under emulators/. */
  server: string | null;
  http?: HttpMatch;
  soap?: SoapActions;
}

const MDE2 = 'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-mde2';
const OAPXBC = 'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-oapxbc';
const MDM = 'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-mdm';
const FLEET = 'https://github.com/fleetdm/fleet';
const FLEET_SRC = `${FLEET}/blob/main`;
const HSM_CRYPTO = 'https://github.com/kanidm/hsm-crypto';
const CSP_MSI = 'https://learn.microsoft.com/en-us/windows/client-management/mdm/enterprisedesktopappmanagement-csp';

const TPM_TRAITS: SpecRef = { doc: 'kanidm/hsm-crypto', section: 'src/provider/mod.rs', title: 'The Tpm traits libhimmelblau relies on', url: `${HSM_CRYPTO}/blob/main/src/provider/mod.rs` };
const SESSION_KEY_KDF: SpecRef = { doc: 'MS-OAPXBC', section: '3.1.5.2.1.3', title: 'Processing Details (SP800-108 KDF, AzureAD-SecureConversation)', url: `${OAPXBC}/fa254670-3826-492e-834e-58f739081a55` };

const WHFB = 'https://learn.microsoft.com/en-us/windows/security/identity-protection/hello-for-business';
const WHFB_PROVISIONING: SpecRef = {
  doc: 'Windows Hello for Business',
  section: 'Provisioning for Microsoft Entra joined devices with managed authentication',
  title: 'How Windows Hello for Business provisioning works',
  url: `${WHFB}/how-it-works-provisioning#provisioning-for-microsoft-entra-joined-devices-with-managed-authentication`,
};
const WHFB_AUTHENTICATION: SpecRef = {
  doc: 'Windows Hello for Business',
  section: 'Microsoft Entra join authentication to Microsoft Entra ID',
  title: 'Windows Hello for Business authentication',
  url: `${WHFB}/how-it-works-authentication#microsoft-entra-join-authentication-to-microsoft-entra-id`,
};

const tpm = (title: string, summary: string, spec: SpecRef = TPM_TRAITS): StepKindDef => ({
  title,
  phase: null,
  summary,
  spec,
  client: 'device/tpm/tpm.ts',
  server: null,
});


const TPM2_SPEC = 'https://trustedcomputinggroup.org/resource/tpm-library-specification/';
/** One TPM 2.0 command sent to swtpm (TCG TPM 2.0 Library Part 3, Rev 1.59): a local step TPM ↔ device. */
const tpm2 = (command: string, section: string, summary: string): StepKindDef => ({
  title: `TPM2_${command}`,
  phase: null,
  summary,
  spec: { doc: 'TCG TPM 2.0 Library Part 3: Commands', section, title: `TPM2_${command}`, url: TPM2_SPEC },
  client: 'device/tpm/swtpm-tpm.ts',
  server: null,
});

export const STEP_KINDS = {
  // ---- Windows setup and the lab's own moves ----
  'device.setup': {
    title: 'Windows setup: the virtual hardware',
    phase: 'setup',
    summary: 'The virtual Windows device comes up in OOBE with its hardware identity (serial, model, HWDevID) and an empty TPM.',
    spec: { doc: 'Windows client management', section: 'Mobile device enrollment', title: 'How a Windows device enrolls', url: 'https://learn.microsoft.com/en-us/windows/client-management/mobile-device-enrollment' },
    client: 'device/index.ts',
    server: null,
  },
  'lab.clock-advance': {
    title: 'Time passes (the lab clock moves)',
    phase: 'lab',
    summary: 'The lab moves its clock forward, as if the device sat idle: tokens minted before now expire.',
    spec: { doc: 'Fleet', section: 'wstep.go NewEUAToken', title: 'The EUA token is valid for one hour', url: `${FLEET_SRC}/server/mdm/microsoft/wstep.go` },
    client: 'scenarios/twists.ts',
    server: null,
  },
  'lab.eua-tamper': {
    title: 'The lab changes the EUA token',
    phase: 'lab',
    summary: 'A scenario twist rewrites the EUA_TOKEN before orbit sends it (a claim changed, another key, an unknown device), so the server must refuse it.',
    spec: { doc: 'Fleet', section: 'orbit_eua_test.go TestProcessWindowsEUAToken', title: 'What the server must refuse', url: `${FLEET_SRC}/server/service/orbit_eua_test.go` },
    client: 'scenarios/twists.ts',
    server: null,
  },
  'lab.idp-account-seed': {
    title: 'Lab setup: Fleet already knows the user',
    phase: 'lab',
    summary: 'The lab writes an mdm_idp_accounts row as an earlier SSO would have, so the run shows that an existing name survives.',
    spec: { doc: 'Fleet', section: 'schema.sql mdm_idp_accounts', title: 'IdP accounts', url: `${FLEET_SRC}/server/datastore/mysql/schema.sql` },
    client: 'scenarios/idp-account-exists.ts',
    server: null,
  },
  'lab.manual-install': {
    title: 'An admin installs fleetd by hand',
    phase: 'lab',
    summary: 'Programmatic enrollment: orbit is installed before the device is MDM-enrolled, so it enrolls without an EUA token.',
    spec: { doc: 'Fleet', section: 'orbit.go', title: 'Orbit enrollment without MDM', url: `${FLEET_SRC}/server/service/orbit.go` },
    client: 'scenarios/programmatic.ts',
    server: null,
  },
  'console.queue-command': {
    title: 'Lab: a trainer queues a command for the device',
    phase: 'lab',
    summary: 'The trainer console adds a SyncML command to windows_mdm_commands and the device\'s queue; the next OMA-DM session delivers it.',
    spec: { doc: 'Fleet', section: 'microsoft_mdm.go', title: 'windows_mdm_commands / windows_mdm_command_queue', url: `${FLEET_SRC}/server/service/microsoft_mdm.go` },
    client: 'lab/fleet-client.ts',
    server: 'mdm/api/lab.ts',
  },
  'console.scim-user': {
    title: 'Lab: a SCIM user is provisioned',
    phase: 'lab',
    summary: 'The IdP provisions a user over SCIM (scim_users, scim_user_emails); orbit enroll later maps the host to it.',
    spec: { doc: 'Fleet', section: 'ee/server/scim', title: 'SCIM users', url: `${FLEET_SRC}/ee/server/scim/scim.go` },
    client: 'lab/fleet-client.ts',
    server: 'mdm/api/scim.ts',
  },

  // ---- Entra sign-in ----
  'oobe.signin-prompt': {
    title: 'OOBE: sign in with a work or school account',
    phase: 'signin',
    summary: 'Windows setup asks the user to authenticate to Entra ID: the first prompt of the run.',
    spec: { doc: 'Fleet', section: 'issue #40787', title: 'Windows enrollment: prompt end user authentication only once', url: `${FLEET}/issues/40787` },
    client: 'device/entra/oobe-signin.ts',
    server: null,
  },
  'entra.token.password': {
    title: 'Sign-in: password (ROPC)',
    phase: 'signin',
    summary: 'A client trades the user\'s name and password for tokens at the token endpoint (resource owner password credentials). For a user who must do MFA Entra answers AADSTS50076 and the grant ends there; Windows signs in on the login pages instead.',
    spec: { doc: 'RFC 6749', section: '4.3', title: 'Resource Owner Password Credentials Grant', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.3' },
    client: null,
    server: 'entra/signin.ts',
    http: { server: 'entra', method: 'POST', path: '/oauth2/(v2\\.0/)?token$', grant: 'password' },
  },
  'user.mfa-answer': {
    title: 'MFA: the user answers the push on the phone',
    phase: 'signin',
    summary: 'The user approves (or denies) the sign-in in Microsoft Authenticator, entering the number the sign-in page shows (the lab\'s sign-in requests are the phone).',
    spec: { doc: 'Microsoft Entra', section: 'Number matching in MFA push notifications', title: 'How number matching works', url: 'https://learn.microsoft.com/en-us/entra/identity/authentication/how-to-mfa-number-match' },
    client: 'entra/user-actions.ts',
    server: null,
  },
  'entra.devicecode': {
    title: 'Device code: start',
    phase: 'signin',
    summary: 'The device asks for a device code and a user code; the user will enter the code on another screen.',
    spec: { doc: 'RFC 8628', section: '3.1', title: 'Device Authorization Request', url: 'https://www.rfc-editor.org/rfc/rfc8628#section-3.1' },
    client: 'device/entra/oobe-signin.ts',
    server: 'entra/device-code.ts',
    http: { server: 'entra', method: 'POST', path: '/oauth2/(v2\\.0/)?devicecode$' },
  },
  'entra.token.device-code': {
    title: 'Device code: poll the token endpoint',
    phase: 'signin',
    summary: 'The device polls with the device code until the user has signed in (authorization_pending until then).',
    spec: { doc: 'RFC 8628', section: '3.4', title: 'Device Access Token Request', url: 'https://www.rfc-editor.org/rfc/rfc8628#section-3.4' },
    client: 'device/entra/oobe-signin.ts',
    server: 'entra/device-code.ts',
    http: { server: 'entra', method: 'POST', path: '/oauth2/(v2\\.0/)?token$', grant: 'device_code' },
  },
  'user.devicelogin': {
    title: 'Device code: the user signs in at the device-login page',
    phase: 'signin',
    summary: 'The user enters the user code on the device-login page and signs in (or declines).',
    spec: { doc: 'RFC 8628', section: '3.3', title: 'User Interaction', url: 'https://www.rfc-editor.org/rfc/rfc8628#section-3.3' },
    client: 'entra/user-actions.ts',
    server: 'entra/devicelogin.ts',
    http: { server: 'entra', method: 'GET|POST', path: '^/devicelogin$' },
  },
  'entra.authorize': {
    title: 'Authorize: sign-in request',
    phase: 'signin',
    summary: 'The client opens the authorization endpoint with its client id, redirect URI and what it wants; Entra signs the user in (silently with a PRT, or on the login pages) and sends a code to the redirect URI.',
    spec: { doc: 'RFC 6749', section: '4.1.1', title: 'Authorization Request', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1' },
    client: 'device/entra/web-signin.ts',
    server: 'entra/authorize/routes.ts',
    http: { server: 'entra', method: 'GET', path: '/oauth2/(v2\\.0/)?authorize$' },
  },
  'entra.token.auth-code': {
    title: 'Authorization code → tokens',
    phase: 'signin',
    summary: 'The client redeems the code from the redirect URI at the token endpoint, with the same redirect URI and its PKCE verifier.',
    spec: { doc: 'RFC 6749', section: '4.1.3', title: 'Access Token Request', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3' },
    client: 'device/entra/web-signin.ts',
    server: 'entra/authorize/codes.ts',
    http: { server: 'entra', method: 'POST', path: '/oauth2/(v2\\.0/)?token$', grant: 'authorization_code' },
  },
  'entra.login.credential-type': {
    title: 'Sign-in page: does the account exist? (GetCredentialType)',
    phase: 'signin',
    summary: 'The sign-in page sends the username with its flow token; Entra says whether the account exists here (IfExistsResult 0, or 1 unknown) and how it signs in (a password), so the page shows the password field next.',
    spec: { doc: 'libhimmelblau', section: 'src/auth.rs get_cred_type', title: 'GetCredentialType and CredType::account_exists', url: 'https://github.com/himmelblau-idm/libhimmelblau/blob/main/src/auth.rs' },
    client: 'device/entra/web-signin.ts',
    server: 'entra/authorize/credential-type.ts',
    http: { server: 'entra', method: 'POST', path: '/GetCredentialType$' },
  },
  'entra.login.credentials': {
    title: 'Sign-in page: post the password',
    phase: 'signin',
    summary: 'The page posts login, passwd, ctx, flowToken and canary. A wrong password is the page again with AADSTS50126; a user without MFA goes straight to the redirect URI with a code; an MFA user gets the "Approve sign in request" page.',
    spec: { doc: 'libhimmelblau', section: 'src/auth.rs handle_auth_config_req_internal', title: 'The credential POST to $Config.urlPost', url: 'https://github.com/himmelblau-idm/libhimmelblau/blob/main/src/auth.rs' },
    client: 'device/entra/web-signin.ts',
    server: 'entra/authorize/login.ts',
    http: { server: 'entra', method: 'POST', path: '^/[^/]+/login$' },
  },
  'entra.login.begin-auth': {
    title: 'MFA page: send the Authenticator push (BeginAuth)',
    phase: 'signin',
    summary: 'The MFA page asks Entra to push a sign-in request to the user\'s Authenticator; the answer carries the number to match (Entropy) that the page shows.',
    spec: { doc: 'Microsoft Entra', section: 'Number matching in MFA push notifications', title: 'The number on the sign-in screen', url: 'https://learn.microsoft.com/en-us/entra/identity/authentication/how-to-mfa-number-match' },
    client: 'device/entra/web-signin.ts',
    server: 'entra/authorize/sas.ts',
    http: { server: 'entra', method: 'POST', path: '/SAS/BeginAuth$' },
  },
  'entra.login.end-auth': {
    title: 'MFA page: has the user approved? (EndAuth poll)',
    phase: 'signin',
    summary: 'The page polls every iPollingInterval: AuthenticationPending (Retry) until the user answers the push; then Success with a new flow token, or PhoneAppDenied.',
    spec: { doc: 'libhimmelblau', section: 'src/auth.rs acquire_token_by_mfa_flow', title: 'EndAuth polling with x-ms-sessionId, x-ms-flowToken, x-ms-ctx', url: 'https://github.com/himmelblau-idm/libhimmelblau/blob/main/src/auth.rs' },
    client: 'device/entra/web-signin.ts',
    server: 'entra/authorize/sas.ts',
    http: { server: 'entra', method: 'GET|POST', path: '/SAS/EndAuth$' },
  },
  'entra.login.process-auth': {
    title: 'MFA page: finish the sign-in (ProcessAuth → code)',
    phase: 'signin',
    summary: 'With MFA verified the page posts ProcessAuth; Entra sends the browser to the redirect URI with an authorization code whose tokens carry amr pwd and mfa.',
    spec: { doc: 'Microsoft identity platform', section: 'Successful response', title: 'The authorization code at the redirect URI', url: 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#successful-response' },
    client: 'device/entra/web-signin.ts',
    server: 'entra/authorize/sas.ts',
    http: { server: 'entra', method: 'POST', path: '/SAS/ProcessAuth$' },
  },
  'device.wam.keep-refresh-token': {
    title: 'WAM: keep the refresh token',
    phase: 'signin',
    summary: 'The Web Account Manager stores the refresh token so the device can get tokens for other resources without asking the user again.',
    spec: { doc: 'Microsoft identity platform', section: 'Refresh tokens', title: 'Refresh tokens in the Microsoft identity platform', url: 'https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens' },
    client: 'device/entra/oobe-signin.ts',
    server: null,
  },

  // ---- Entra join (DRS) ----
  'entra.token.refresh': {
    title: 'Refresh token → DRS access token',
    phase: 'join',
    summary: 'The device redeems the refresh token for an access token to the Device Registration Service.',
    spec: { doc: 'RFC 6749', section: '6', title: 'Refreshing an Access Token', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-6' },
    client: 'device/entra/drs-join.ts',
    server: 'entra/signin.ts',
    http: { server: 'entra', method: 'POST', path: '/oauth2/(v2\\.0/)?token$', grant: 'refresh_token' },
  },
  'drs.discover': {
    title: 'DRS discovery',
    phase: 'join',
    summary: 'The device asks where the registration endpoints are for its tenant.',
    spec: { doc: 'MS-DVRD', section: '2.2.4.2', title: 'DeviceRegistrationService', url: 'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-dvrd/0352c222-715b-4744-be3f-d8b96ee2bee8' },
    client: 'device/entra/drs-join.ts',
    server: 'entra/drs/discovery.ts',
    http: { server: 'entra', method: 'GET', path: '/Discover$' },
  },
  'drs.nonce': {
    title: 'DRS nonce',
    phase: 'join',
    summary: 'A nonce from the registration service, for requests that must prove freshness.',
    spec: { doc: 'libhimmelblau', section: 'src/discovery.rs', title: 'The EnrollmentServer nonce', url: 'https://github.com/himmelblau-idm/libhimmelblau/blob/main/src/discovery.rs' },
    client: null,
    server: 'entra/routes.ts',
    http: { server: 'entra', method: 'GET|POST', path: '^/EnrollmentServer/nonce/' },
  },
  'drs.join': {
    title: 'DRS join (CSR + transport key)',
    phase: 'join',
    summary: 'The device sends a PKCS#10 CSR for its device key and its transport key as a BCRYPT_RSAKEY_BLOB; Entra mints the device id and returns the device certificate.',
    spec: { doc: 'MS-DVRJ', section: '3.1.5.1.1.1', title: 'Request Body', url: 'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-dvrj/e60e3298-f5bf-4203-97af-2082e08118cc' },
    client: 'device/entra/drs-join.ts',
    server: 'entra/drs/join.ts',
    http: { server: 'entra', method: 'POST', path: '^/EnrollmentServer/device/?$' },
  },
  'device.dsreg.store-cert': {
    title: 'dsreg: store the device certificate (My/System)',
    phase: 'join',
    summary: 'The device keeps the MS-Organization-Access certificate: from now on it is Entra joined.',
    spec: { doc: 'MS-DVRJ', section: '3.1.5.1.1.2', title: 'Response Body', url: 'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-dvrj/8425df3a-bc7e-43ad-b7c3-33225c72562e' },
    client: 'device/entra/drs-join.ts',
    server: null,
  },

  // ---- Primary Refresh Token ----
  'prt.nonce': {
    title: 'PRT nonce (srv_challenge)',
    phase: 'prt',
    summary: 'The device asks the token endpoint for a nonce to put in its device-signed PRT request.',
    spec: { doc: 'MS-OAPXBC', section: '3.1.5.1.1', title: 'POST (Request for Nonce)', url: `${OAPXBC}/451d1710-2428-4cec-9c6f-96c35d809d16` },
    client: 'device/entra/prt.ts',
    server: 'entra/prt/nonce.ts',
    http: { server: 'entra', method: 'POST', path: '/oauth2/(v2\\.0/)?token$', grant: 'srv_challenge' },
  },
  'prt.request': {
    title: 'CloudAP: PRT request with the password (device-key-signed JWT)',
    phase: 'prt',
    summary: 'At the Windows logon CloudAP signs a request with the device key (x5c = the device certificate, as an array) carrying the user\'s name and password (client 38aa3b87, scope openid aza ugs, tgt=true); Entra answers with the PRT and the session key encrypted to the transport key.',
    spec: { doc: 'MS-OAPXBC', section: '3.2.5.1.2', title: 'POST (Request for Primary Refresh Token)', url: `${OAPXBC}/2f16a468-32f0-420e-bfab-c63e611ce52c` },
    client: 'device/entra/prt.ts',
    server: 'entra/prt/request.ts',
    http: { server: 'entra', method: 'POST', path: '/oauth2/(v2\\.0/)?token$', grant: 'urn:ietf:params:oauth:grant-type:jwt-bearer', requestJwt: 'device-key' },
  },
  'device.cloudap.keep-prt': {
    title: 'CloudAP: keep the PRT (its session key stays in the TPM)',
    phase: 'prt',
    summary: 'CloudAP stores the PRT; the session key was unwrapped and sealed inside the TPM and never leaves it.',
    spec: { doc: 'MS-OAPXBC', section: '3.2.5.1.2.2', title: 'Response Body', url: `${OAPXBC}/d3f8893c-a715-412a-97d1-5ffed2c3b3d5` },
    client: 'device/entra/prt.ts',
    server: null,
  },
  'prt.exchange': {
    title: 'WAM: PRT → access token (session-key-signed)',
    phase: 'prt',
    summary: 'The Web Account Manager\'s AAD broker plugin signs a token request with a key derived from the PRT session key (KDFv2: over ctx and the payload) for a resource, here the MDM enrollment token with client 29d9ed98 and redirect ms-aadj-redir://auth/mdm; the reply is a JWE only the session key opens.',
    spec: { doc: 'MS-OAPXBC', section: '3.2.5.1.3', title: 'POST (Exchange Primary Refresh Token for Access Token)', url: `${OAPXBC}/a41f2243-01f0-40ed-8920-3306bd70b2f8` },
    client: 'device/entra/prt.ts',
    server: 'entra/prt/exchange.ts',
    http: { server: 'entra', method: 'POST', path: '/oauth2/(v2\\.0/)?token$', grant: 'urn:ietf:params:oauth:grant-type:jwt-bearer', requestJwt: 'session-key' },
  },
  'entra.authorize.prt-sso': {
    title: 'Authorize with the PRT (x-ms-RefreshTokenCredential)',
    phase: 'prt',
    summary: 'The client opens the authorization endpoint with the PRT cookie (an HS256 JWT under a key derived from the session key, carrying the PRT and a server nonce) and the device credential (signed by the device key); Entra signs the user in without a prompt and sends a code to the redirect URI, or sends the client back with a fresh sso_nonce.',
    spec: { doc: 'MS-OAPXBC', section: '3.1.5.2.1.3', title: 'Processing Details (x-ms-RefreshTokenCredential)', url: `${OAPXBC}/fa254670-3826-492e-834e-58f739081a55` },
    client: 'device/entra/prt-sso.ts',
    server: 'entra/authorize/sso.ts',
    http: { server: 'entra', method: 'GET', path: '/oauth2/(v2\\.0/)?authorize$', credential: 'x-ms-RefreshTokenCredential' },
  },
  // No `http` match: a request from outside is the plain authorization_code grant (entra.token.auth-code).
  'prt.sso.redeem-code': {
    title: 'PRT SSO: authorization code → tokens',
    phase: 'prt',
    summary: 'The client redeems the code that PRT SSO gave at the token endpoint, with the same client and redirect URI; the tokens carry the device id and the PRT\'s authentication methods (with rsa).',
    spec: { doc: 'RFC 6749', section: '4.1.3', title: 'Access Token Request', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3' },
    client: 'device/entra/prt-sso.ts',
    server: 'entra/authorize/codes.ts',
  },
  'device.wam.keep-mdm-token': {
    title: 'WAM: keep the MDM access token',
    phase: 'prt',
    summary: 'The access token for the MDM enrollment resource is kept for the enrollment client.',
    spec: { doc: 'MS-OAPXBC', section: '3.1.5.1.3', title: 'POST (Exchange Primary Refresh Token for Access Token)', url: `${OAPXBC}/06e2bf0d-8cea-4b11-ad78-d212330ebda9` },
    client: 'device/entra/prt.ts',
    server: null,
  },

  // ---- Windows Hello for Business ----
  'device.hello.pin-setup': {
    title: 'Windows Hello: the user sets up a PIN',
    phase: 'hello',
    summary: 'With a fresh MFA behind it (the OOBE sign-in, so no new MFA prompt), Windows asks the user to create a Windows Hello PIN; the PIN will unlock a new key in the TPM.',
    spec: WHFB_PROVISIONING,
    client: 'device/entra/hello.ts',
    server: null,
  },
  'drs.key-provision': {
    title: 'DRS: register the Windows Hello key (kngc)',
    phase: 'hello',
    summary: 'The device posts the new key\'s public half as a BCRYPT_RSAKEY_BLOB (kngc) with an access token for DRS that carries its deviceid and MFA; Entra writes the key on the user and device pair and answers with a key id and the UPN.',
    spec: WHFB_PROVISIONING,
    client: 'device/entra/hello.ts',
    server: 'entra/drs/key.ts',
    http: { server: 'entra', method: 'POST', path: '^/EnrollmentServer/key/?$' },
  },
  'device.hello.keep-key': {
    title: 'Windows Hello: keep the key (its kid)',
    phase: 'hello',
    summary: 'Windows keeps the Hello container: the TPM key handle and its kid, the base64 SHA-256 of the key blob that later sign-ins name in their assertion.',
    spec: WHFB_PROVISIONING,
    client: 'device/entra/hello.ts',
    server: null,
  },
  'user.hello-pin': {
    title: 'Lock screen: the user signs in with the Windows Hello PIN',
    phase: 'hello',
    summary: 'The user enters the PIN instead of the password; it unlocks the Hello key inside the TPM, and CloudAP signs Entra\'s nonce with it.',
    spec: WHFB_AUTHENTICATION,
    client: 'device/entra/hello.ts',
    server: null,
  },
  'prt.request.hello': {
    title: 'PRT request with Windows Hello (NGC-signed assertion)',
    phase: 'prt',
    summary: 'The device-key-signed PRT request carries, instead of a password, an assertion signed by the Hello key (header kid and use ngc) around a nonce; Entra checks it with the registered key and answers with a PRT whose amr says MFA.',
    spec: WHFB_AUTHENTICATION,
    client: 'device/entra/hello.ts',
    server: 'entra/prt/ngc.ts',
    http: { server: 'entra', method: 'POST', path: '/oauth2/(v2\\.0/)?token$', grant: 'urn:ietf:params:oauth:grant-type:jwt-bearer', requestJwt: 'device-key', requestGrant: 'urn:ietf:params:oauth:grant-type:jwt-bearer' },
  },
  'entra.openid-configuration': {
    title: 'OpenID provider metadata',
    phase: null,
    summary: 'The tenant\'s OpenID Connect metadata: issuer, endpoints, the JWKS URI.',
    spec: { doc: 'OpenID Connect Discovery 1.0', section: '4', title: 'Obtaining OpenID Provider Configuration Information', url: 'https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig' },
    client: null,
    server: 'entra/oidc.ts',
    http: { server: 'entra', method: 'GET', path: '/\\.well-known/openid-configuration$' },
  },
  'entra.jwks': {
    title: 'JWKS: Entra\'s signing keys',
    phase: null,
    summary: 'The public keys that verify Entra\'s tokens; Fleet fetches them to check the enrollment token.',
    spec: { doc: 'RFC 7517', section: '5', title: 'JWK Set Format', url: 'https://www.rfc-editor.org/rfc/rfc7517#section-5' },
    client: 'mdm/wstep/azure.ts',
    server: 'entra/oidc.ts',
    http: { server: 'entra', method: 'GET', path: '/discovery/(v2\\.0/)?keys$' },
  },
  'entra.logout': {
    title: 'Sign out (end_session_endpoint)',
    phase: null,
    summary: 'The browser\'s session at Entra ends: its session cookies are cleared and the user is sent back to the app\'s post-logout URI, or shown the signed-out page. Tokens already issued stay valid.',
    spec: { doc: 'OpenID Connect RP-Initiated Logout 1.0', section: '2', title: 'RP-Initiated Logout', url: 'https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout' },
    client: null,
    server: 'entra/logout.ts',
    http: { server: 'entra', method: 'GET|POST', path: '/oauth2/(v2\\.0/)?logout$' },
  },
  'entra.userinfo': {
    title: 'UserInfo (the user\'s claims for a Graph token)',
    phase: null,
    summary: 'A client presents an access token for Microsoft Graph and gets the signed-in user\'s claims (sub, name, given and family name, email); any other token is 401 with WWW-Authenticate.',
    spec: { doc: 'OpenID Connect Core 1.0', section: '5.3', title: 'UserInfo Endpoint', url: 'https://openid.net/specs/openid-connect-core-1_0.html#UserInfo' },
    client: null,
    server: 'entra/userinfo.ts',
    http: { server: 'entra', method: 'GET|POST', path: '/openid/userinfo$' },
  },
  'entra.wsfed': {
    title: 'WS-Federation passive endpoint',
    phase: null,
    summary: 'DRS discovery\'s PassiveAuthEndpoint: wsignout1.0 signs the browser out; wsignin1.0 needs a relying party the tenant federates, which the lab\'s tenant has none of, so it ends on Entra\'s error page.',
    spec: { doc: 'WS-Federation 1.2', section: '13.2', title: 'Web (Passive) Requestors: parameters', url: 'https://docs.oasis-open.org/wsfed/federation/v1.2/os/ws-federation-1.2-spec-os.html' },
    client: null,
    server: 'entra/wsfed.ts',
    http: { server: 'entra', method: 'GET|POST', path: '/wsfed$' },
  },
  'drs.registration': {
    title: 'DRS RegistrationEndpoint (workplace join, MS-DVRE)',
    phase: 'join',
    summary: 'The WS-Trust workplace-join service of Windows 8.1 that discovery still advertises; Windows 10+ joins through the join endpoint, and the lab answers its SOAP faults.',
    spec: { doc: 'MS-DVRD', section: '2.2.4.2', title: 'DeviceRegistrationService (RegistrationEndpoint)', url: 'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-dvrd/0352c222-715b-4744-be3f-d8b96ee2bee8' },
    client: null,
    server: 'entra/drs/registration.ts',
    http: { server: 'entra', method: 'GET|POST', path: '^/EnrollmentServer/DeviceEnrollmentWebService\\.svc$' },
  },

  // ---- MDM enrollment (MS-MDE2) ----
  'mde2.discovery-probe': {
    title: 'GET Discovery (probe)',
    phase: 'enroll',
    summary: 'Windows first sends a bare GET to the discovery URL to see that it answers, then POSTs Discover.',
    spec: { doc: 'Windows client management', section: 'Discovery service', title: 'On-premises authentication device enrollment', url: 'https://learn.microsoft.com/en-us/windows/client-management/on-premise-authentication-device-enrollment' },
    client: 'device/mdm/mde2-enroll.ts',
    server: 'mdm/enrollment/routes.ts',
    http: { server: 'mdm', method: 'GET', path: '^/(EnrollmentServer/Discovery\\.svc|api/mdm/microsoft/discovery)$' },
  },
  'mde2.discover': {
    title: 'MS-MDE2 Discover',
    phase: 'enroll',
    summary: 'The device asks which authentication policy the server wants and where the policy and enrollment services are.',
    spec: { doc: 'MS-MDE2', section: '3.1.4.1', title: 'Discover', url: `${MDE2}/a54a8fbe-f99f-4e8d-83bf-4a7b3c495372` },
    client: 'device/mdm/mde2-enroll.ts',
    server: 'mdm/enrollment/discovery.ts',
    http: { server: 'mdm', method: 'POST', path: '^/(EnrollmentServer/Discovery\\.svc|api/mdm/microsoft/discovery)$' },
    soap: { request: 'http://schemas.microsoft.com/windows/management/2012/01/enrollment/IDiscoveryService/Discover', reply: 'http://schemas.microsoft.com/windows/management/2012/01/enrollment/IDiscoveryService/DiscoverResponse' },
  },
  'mde2.get-policies': {
    title: 'MS-XCEP GetPolicies',
    phase: 'enroll',
    summary: 'The device asks for the certificate enrollment policy: key length, hash, template.',
    spec: { doc: 'MS-MDE2', section: '3.3.4.1.1.1', title: 'GetPolicies', url: `${MDE2}/02b080e4-d1d8-4e0c-af14-b77931cec404` },
    client: 'device/mdm/mde2-enroll.ts',
    server: 'mdm/enrollment/policy.ts',
    http: { server: 'mdm', method: 'POST', path: '^/api/mdm/microsoft/policy$' },
    soap: { request: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy/IPolicy/GetPolicies', reply: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy/IPolicy/GetPoliciesResponse' },
  },
  'mde2.rst': {
    title: 'MS-WSTEP RequestSecurityToken',
    phase: 'enroll',
    summary: 'The device sends its CSR with the Entra access token; the server checks the token, issues the client certificate and answers with the wap-provisioningdoc.',
    spec: { doc: 'MS-MDE2', section: '3.4.4.1.1.1', title: 'RequestSecurityToken', url: `${MDE2}/6ba9c509-8bce-4899-85b2-8c3d41f8f845` },
    client: 'device/mdm/mde2-enroll.ts',
    server: 'mdm/enrollment/enroll.ts',
    http: { server: 'mdm', method: 'POST', path: '^/api/mdm/microsoft/enroll$' },
    soap: { request: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RST/wstep', reply: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RSTRC/wstep' },
  },
  'mde2.install-provisioning-doc': {
    title: 'Install the wap-provisioningdoc (certificates, DMAcc, DMClient)',
    phase: 'enroll',
    summary: 'The device installs the certificates and configures its OMA-DM account (DMAcc) and DM client from the provisioning doc.',
    spec: { doc: 'MS-MDE2', section: '2.2.9.1', title: 'XML Provisioning Schema', url: `${MDE2}/35e1aca6-1b8a-48ba-bbc0-23af5d46907a` },
    client: 'device/mdm/mde2-enroll.ts',
    server: null,
  },
  'mde2.auth-page': {
    title: 'STS authentication page',
    phase: 'enroll',
    summary: 'The federated-authentication page Fleet serves to mint an STS token (non-Entra enrollments).',
    spec: { doc: 'MS-MDE2', section: '3.2', title: 'Interaction with Security Token Service (STS)', url: `${MDE2}/27ed8c2c-0140-41ce-b2fa-c3d1a793ab4a` },
    client: null,
    server: 'mdm/enrollment/pages.ts',
    http: { server: 'mdm', method: 'GET', path: '^/api/mdm/microsoft/auth$' },
  },
  'mde2.tos': {
    title: 'Terms of use page',
    phase: 'enroll',
    summary: 'The terms-of-use page Windows shows during Entra-joined enrollment.',
    spec: { doc: 'Fleet', section: 'microsoft_mdm.go', title: 'Microsoft MDM terms of use endpoint', url: `${FLEET_SRC}/server/service/microsoft_mdm.go` },
    client: null,
    server: 'mdm/enrollment/pages.ts',
    http: { server: 'mdm', method: 'GET', path: '^/api/mdm/microsoft/tos$' },
  },

  // ---- OMA-DM management ----
  'omadm.message': {
    title: 'OMA-DM message',
    phase: 'omadm',
    summary: 'A SyncML package of a management session: the device\'s Alerts, Statuses and Results; the server\'s commands (Get, Add, Exec...).',
    spec: { doc: 'MS-MDM', section: '2.2.2', title: 'SyncML Message', url: `${MDM}/221ba29e-f0da-4b04-af9e-42f8631aea68` },
    client: 'device/mdm/omadm.ts',
    server: 'mdm/management/session.ts',
    http: { server: 'mdm', method: 'POST', path: '^/api/mdm/microsoft/management$' },
  },
  'omadm.challenged': {
    title: 'OMA-DM: challenged, keep NextNonce for the digest',
    phase: 'omadm',
    summary: 'The server asked for credentials (Status 407 with a NextNonce); the device answers with an MD5 digest of its name, secret and nonce.',
    spec: { doc: 'Windows client management', section: 'OMA DM protocol support', title: 'SyncML authentication (MD5 digest, NextNonce)', url: 'https://learn.microsoft.com/en-us/windows/client-management/oma-dm-protocol-support' },
    client: 'device/mdm/omadm.ts',
    server: null,
  },
  'omadm.run-commands': {
    title: 'OMA-DM: run the server\'s commands',
    phase: 'omadm',
    summary: 'The device runs the commands against its CSP tree and keeps their Statuses and Results for the next message.',
    spec: { doc: 'MS-MDM', section: '2.2.4.3', title: 'SyncBody', url: `${MDM}/295d8a3b-768f-4191-8179-ccd4aee0535b` },
    client: 'device/mdm/omadm.ts',
    server: null,
  },
  'omadm.session-end': {
    title: 'OMA-DM: the server has nothing more',
    phase: 'omadm',
    summary: 'The server answered with only Statuses: the session ends.',
    spec: { doc: 'MS-MDM', section: '2.2.6.1', title: 'Status', url: `${MDM}/36b1a4d9-fd93-48ce-b865-6a9d396c52a4` },
    client: 'device/mdm/omadm.ts',
    server: null,
  },

  // ---- MSI install ----
  'msi.download': {
    title: 'MSI download',
    phase: 'msi',
    summary: 'The device downloads the MSI named in the MsiInstallJob (BITS).',
    spec: { doc: 'EnterpriseDesktopAppManagement CSP', section: 'MSI/{ProductID}/DownloadInstall', title: 'MSI install job', url: CSP_MSI },
    client: 'device/mdm/msi.ts',
    server: 'mdm/management/fleetd-base.ts',
    http: { server: 'mdm', method: 'GET', path: '\\.msi$|/stable/meta\\.json$' },
  },
  'msi.download-failed': {
    title: 'MSI download failed',
    phase: 'msi',
    summary: 'The download did not succeed; the job reports a failure status.',
    spec: { doc: 'EnterpriseDesktopAppManagement CSP', section: 'MSI/{ProductID}/Status', title: 'MSI install job status', url: CSP_MSI },
    client: 'device/mdm/msi.ts',
    server: null,
  },
  'msi.hash-mismatch': {
    title: 'MSI hash mismatch: not installed',
    phase: 'msi',
    summary: 'The downloaded file\'s SHA-256 is not the FileHash of the job: Windows refuses to install it.',
    spec: { doc: 'EnterpriseDesktopAppManagement CSP', section: 'MSI/{ProductID}/DownloadInstall', title: 'MsiInstallJob FileHash', url: CSP_MSI },
    client: 'device/mdm/msi.ts',
    server: null,
  },
  'msi.install': {
    title: 'msiexec: install the MSI',
    phase: 'msi',
    summary: 'msiexec runs with the job\'s command line; Fleet\'s fleetd MSI passes FLEET_URL, FLEET_SECRET and EUA_TOKEN on to orbit.',
    spec: { doc: 'Fleet', section: 'PR #43295', title: 'EUA_TOKEN on the fleetd MSI command line', url: `${FLEET}/pull/43295` },
    client: 'device/mdm/msi.ts',
    server: null,
  },

  // ---- Orbit enroll ----
  'orbit.start': {
    title: 'orbit starts',
    phase: 'orbit',
    summary: 'The fleetd service starts orbit with the properties the MSI got (FLEET_URL, FLEET_SECRET and, from orbit 1.55, EUA_TOKEN).',
    spec: { doc: 'Fleet', section: 'PR #43295', title: 'The fleetd MSI passes its properties to orbit', url: `${FLEET}/pull/43295` },
    client: 'orbit/index.ts',
    server: null,
  },
  'orbit.enroll': {
    title: 'orbit enroll',
    phase: 'orbit',
    summary: 'Orbit enrolls with the enroll secret and its hardware ids, and the eua_token when it has one; Fleet answers with a node key or END_USER_AUTH_REQUIRED.',
    spec: { doc: 'Fleet', section: 'server/service/orbit.go EnrollOrbit', title: 'EnrollOrbit and processWindowsEUAToken', url: `${FLEET_SRC}/server/service/orbit.go` },
    client: 'orbit/index.ts',
    server: 'mdm/orbit/enroll.ts',
    http: { server: 'mdm', method: 'POST', path: '^/api/fleet/orbit/enroll$' },
  },
  'orbit.keep-node-key': {
    title: 'orbit keeps its node key',
    phase: 'orbit',
    summary: 'Orbit writes the node key it was given (secret-orbit-node-key.txt) and uses it for every later call.',
    spec: { doc: 'Fleet', section: 'server/fleet/orbit.go', title: 'EnrollOrbitResponse', url: `${FLEET_SRC}/server/fleet/orbit.go` },
    client: 'orbit/index.ts',
    server: null,
  },
  'orbit.config': {
    title: 'orbit config',
    phase: 'orbit',
    summary: 'Orbit fetches its configuration with the node key (notifications, extensions, update channels).',
    spec: { doc: 'Fleet', section: 'server/service/orbit.go', title: 'GetOrbitConfig', url: `${FLEET_SRC}/server/service/orbit.go` },
    client: 'orbit/index.ts',
    server: 'mdm/orbit/config.ts',
    http: { server: 'mdm', method: 'POST', path: '^/api/fleet/orbit/config$' },
  },
  'orbit.keep-config': {
    title: 'orbit keeps its config',
    phase: 'orbit',
    summary: 'Orbit keeps the configuration it got.',
    spec: { doc: 'Fleet', section: 'server/service/orbit.go', title: 'GetOrbitConfig', url: `${FLEET_SRC}/server/service/orbit.go` },
    client: 'orbit/index.ts',
    server: null,
  },

  // ---- The second prompt ----
  'orbit.sso-prompt': {
    title: 'orbit opens the SSO page: the user must sign in again',
    phase: 'reprompt',
    summary: 'Fleet refused the enroll with END_USER_AUTH_REQUIRED, so orbit opens /mdm/sso in a browser: the user authenticates a second time (the double-auth bug).',
    spec: { doc: 'Fleet', section: 'client/orbit_client.go', title: 'On END_USER_AUTH_REQUIRED orbit opens the SSO window and retries', url: `${FLEET_SRC}/client/orbit_client.go` },
    client: 'orbit/index.ts',
    server: null,
  },
  'sso.page': {
    title: 'Browser: open /mdm/sso',
    phase: 'reprompt',
    summary: 'The browser loads Fleet\'s end-user authentication page.',
    spec: { doc: 'Fleet', section: 'ee/server/service/mdm.go', title: 'MDM SSO: InitiateMDMSSO and MDMSSOCallback', url: `${FLEET_SRC}/ee/server/service/mdm.go` },
    client: 'orbit/sso.ts',
    server: 'mdm/sso/routes.ts',
    http: { server: 'mdm', method: 'GET', path: '^/mdm/sso$' },
  },
  'sso.start': {
    title: 'Browser: start SSO',
    phase: 'reprompt',
    summary: 'The page asks Fleet to start an SSO session (setup_experience) and gets the IdP URL.',
    spec: { doc: 'Fleet', section: 'server/service/handler.go', title: 'POST /api/latest/fleet/mdm/sso', url: `${FLEET_SRC}/server/service/handler.go` },
    client: 'orbit/sso.ts',
    server: 'mdm/sso/routes.ts',
    http: { server: 'mdm', method: 'POST', path: '^/api/latest/fleet/mdm/sso$' },
  },
  'sso.idp-page': {
    title: 'Browser: IdP sign-in page',
    phase: 'reprompt',
    summary: 'The identity provider\'s sign-in page.',
    spec: { doc: 'Fleet', section: 'ee/server/service/mdm.go', title: 'MDM SSO: InitiateMDMSSO and MDMSSOCallback', url: `${FLEET_SRC}/ee/server/service/mdm.go` },
    client: 'orbit/sso.ts',
    server: 'mdm/sso/routes.ts',
    http: { server: 'mdm', method: 'GET', path: '^/mdm/sso/idp$' },
  },
  'sso.callback': {
    title: 'Browser: sign in (SSO callback)',
    phase: 'reprompt',
    summary: 'The sign-in returns to Fleet\'s callback; Fleet links the host to the IdP account so orbit\'s next enroll succeeds.',
    spec: { doc: 'Fleet', section: 'server/service/handler.go', title: 'POST /api/v1/fleet/mdm/sso/callback', url: `${FLEET_SRC}/server/service/handler.go` },
    client: 'orbit/sso.ts',
    server: 'mdm/sso/routes.ts',
    http: { server: 'mdm', method: 'POST', path: '^/api/v1/fleet/mdm/sso/callback$' },
  },
  'sso.idp-signin': {
    title: 'SSO callback: sign the user in at the IdP',
    phase: 'reprompt',
    summary: 'Fleet\'s callback checks the user\'s credentials with the identity provider (here Entra, by password).',
    spec: { doc: 'RFC 6749', section: '4.3', title: 'Resource Owner Password Credentials Grant', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.3' },
    client: 'mdm/sso/idp.ts',
    server: 'entra/signin.ts',
    // The client the callback signs in with (Azure AD PowerShell, mdm/sso/idp.ts): an external MDM's call is told from the device's ROPC by it.
    http: { server: 'entra', method: 'POST', path: '/oauth2/(v2\\.0/)?token$', grant: 'password', clientId: '1b730954-1685-4b74-9bfd-dac224a7b894' },
  },

  // ---- TPM operations (local steps of the device's TPM) ----
  'tpm.create-key': tpm('TPM: create a key', 'The TPM makes an RSA-2048 key pair; the private key never leaves it (sealed under the SRK).'),
  'tpm.read-public': tpm('TPM: export a public key', 'The TPM gives out the public half of a key (SPKI or BCRYPT_RSAKEY_BLOB).'),
  'tpm.sign': tpm('TPM: sign', 'The TPM signs data with a key it holds (PKCS#1 v1.5).'),
  'tpm.sign-jwt': tpm('TPM: sign a JWT', 'The TPM signs a JWT (RS256) with a key it holds.'),
  'tpm.create-csr': tpm('TPM: make a CSR', 'The TPM signs a PKCS#10 certificate request for one of its keys.'),
  'tpm.rsa-oaep-decrypt': tpm('TPM: RSA-OAEP decrypt', 'The TPM decrypts with a key it holds.'),
  'tpm.unwrap-session-key': tpm('TPM: unwrap the PRT session key', 'The TPM decrypts the session key (RSA-OAEP with the transport key) and keeps it (the in-process TPM seals it; swtpm holds it as an HMAC key used only by TPM2_HMAC): the session key never leaves the TPM.'),
  'tpm.session-key-sign': tpm('TPM: sign with the PRT session key', 'The TPM derives a signing key from the session key (KDF over ctx) and signs the request (HS256).', SESSION_KEY_KDF),
  'tpm.create-ngc-key': tpm('TPM: create the Windows Hello key (PIN-protected)', 'The TPM makes an RSA-2048 key sealed under a key derived from the PIN: it can only be used with the PIN (ms_hello_key_create).'),
  'tpm.ngc-sign': tpm('TPM: sign with the Windows Hello key (PIN)', 'The PIN unlocks the Hello key inside the TPM, which signs the NGC assertion (RS256); a wrong PIN is refused.'),
  'tpm.session-key-decrypt': tpm('TPM: decrypt with the PRT session key', 'The TPM derives the key from the session key and decrypts Entra\'s JWE reply.', SESSION_KEY_KDF),

  // ---- TPM 2.0 commands to swtpm (issue 17) ----
  'tpm.backend': { ...tpm('TPM: which TPM this device has', 'The run says which TPM backs the device: swtpm (libtpms, over the TPM 2.0 command interface) or the in-process software TPM, and why.'), client: 'device/tpm/backend.ts' },
  'tpm2.startup': tpm2('Startup', '9.3', 'The TPM is started after power-on (TPM_SU_CLEAR): transient objects and sessions are gone.'),
  'tpm2.shutdown': tpm2('Shutdown', '9.4', 'The TPM saves its state before power-off (TPM_SU_STATE).'),
  'tpm2.create-primary': tpm2('CreatePrimary', '24.1', 'The storage root key is derived from the owner hierarchy\'s seed and a template (hsm-crypto setup_owner_primary): the same after every restart, new after a TPM clear.'),
  'tpm2.create': tpm2('Create', '12.1', 'The TPM makes a key (or seals data) under the storage key and returns its public area and its private area encrypted under the parent: the device keeps only these blobs.'),
  'tpm2.load': tpm2('Load', '12.2', 'A saved TPM2B_PRIVATE/TPM2B_PUBLIC pair is loaded under its parent; the TPM checks its integrity (a blob from before a clear no longer loads).'),
  'tpm2.read-public': tpm2('ReadPublic', '12.4', 'The TPM reports a loaded object\'s public area and name.'),
  'tpm2.unseal': tpm2('Unseal', '12.7', 'The TPM returns the data of a sealed data object (the lab\'s swtpm backend no longer unseals the PRT session key: it is used through TPM2_HMAC).'),
  'tpm2.rsa-decrypt': tpm2('RSA_Decrypt', '14.3', 'RSA-OAEP decryption inside the TPM (SHA-1 for JOSE RSA-OAEP: the PRT session key).'),
  'tpm2.hmac': tpm2('HMAC', '15.5', 'An HMAC computed inside the TPM with a loaded HMAC key: the PRT session key\'s SP 800-108 KDF block (label AzureAD-SecureConversation, the request\'s context), whose output is the derived per-request key.'),
  'tpm2.get-random': tpm2('GetRandom', '16.1', 'Random bytes from the TPM\'s RNG.'),
  'tpm2.sign': tpm2('Sign', '20.2', 'RSASSA-PKCS1-v1_5 over a digest inside the TPM, authorised by the key\'s authValue (empty, or the PIN for the Hello key).'),
  'tpm2.clear': tpm2('Clear', '24.6', 'The owner hierarchy is reset with a new storage seed: every key made under the old SRK is lost.'),
  'tpm2.da-lock-reset': tpm2('DictionaryAttackLockReset', '25.2', 'The lockout hierarchy clears the failed-authorization count.'),
  'tpm2.da-parameters': tpm2('DictionaryAttackParameters', '25.3', 'How many wrong authorizations put the TPM in lockout, and how long it takes to recover.'),
  'tpm2.context-save': tpm2('ContextSave', '28.2', 'A loaded object\'s context is saved out of the TPM (hsm-crypto keeps loaded keys this way).'),
  'tpm2.context-load': tpm2('ContextLoad', '28.3', 'A saved context is loaded back for one operation and flushed after it (hsm-crypto execute_with_temporary_object_context; TBS / tpm2-abrmd do the same for every transient object).'),
  'tpm2.flush-context': tpm2('FlushContext', '28.4', 'A transient object is flushed from TPM memory after use (hsm-crypto execute_with_temporary_object).'),
  'tpm.windows-error': { ...tpm('Windows: the TPM\'s error as Windows surfaces it', 'The TPM refused a command; TBS hands its TPM_RC up as an HRESULT (0x80280000 | TPM_RC, the TPM_20_E_* codes) and the Platform Crypto Provider maps it for the caller.', { doc: 'Win32 COM error codes', section: 'TPM, PLA, FVE', title: 'COM Error Codes (TPM, PLA, FVE)', url: 'https://learn.microsoft.com/en-us/windows/win32/com/com-error-codes-6' }), client: 'scenarios/tpm-common.ts' },
  'tpm2.other': tpm2('(other command)', '5', 'A TPM 2.0 command this lab does not decode.'),

  // ---- The agent's timeline: host deletion, orbit's self-update (issue 13) ----
  'fleet.host-delete': {
    title: 'Admin: delete the host (DELETE /api/v1/fleet/hosts/:id)',
    phase: 'lab',
    summary: 'An admin deletes the host in Fleet. Fleet removes the hosts row and its host_id tables but keeps the Windows MDM enrollment and the IdP link; orbit\'s node key stops working.',
    spec: { doc: 'Fleet', section: 'server/datastore/mysql/hosts.go DeleteHost', title: 'DeleteHost and its hostRefs', url: `${FLEET_SRC}/server/datastore/mysql/hosts.go` },
    client: 'scenarios/host-deleted-reenroll.ts',
    server: 'mdm/api/host-delete.ts',
    http: { server: 'mdm', method: 'DELETE', path: '^/api/(v1|latest)/fleet/hosts/[^/]+$' },
  },
  'orbit.adopt-delivered-secret': {
    title: 'orbit adopts the enroll secret Fleet MDM delivered',
    phase: 'orbit',
    summary: 'Before an enroll attempt orbit reads HKLM\\SOFTWARE\\FleetDM\\Orbit\\EnrollSecret (the ADMX-backed policy Fleet pushed), moves the secret into its keystore and clears the value, so its presence keeps meaning "a secret is waiting".',
    spec: { doc: 'Fleet', section: 'orbit/pkg/profiles', title: 'GetEnrollSecret / ClearEnrollSecret (mdmEnrollSecretRefresher)', url: `${FLEET}/tree/main/orbit/pkg/profiles` },
    client: 'orbit/windows-host.ts',
    server: null,
  },
  'orbit.mdm-sync': {
    title: 'orbit asks Windows for an MDM check-in',
    phase: 'orbit',
    summary: 'An enroll Fleet refused makes orbit trigger a Windows MDM sync (at most every 5 min), so that Fleet can push it a fresh one-time enroll secret in that session.',
    spec: { doc: 'Fleet', section: 'orbit/pkg/update', title: 'TriggerWindowsMDMSync (throttledMDMSync)', url: `${FLEET}/tree/main/orbit/pkg/update` },
    client: 'orbit/windows-host.ts',
    server: null,
  },
  'orbit.update': {
    title: 'orbit updates itself (TUF) and restarts',
    phase: 'orbit',
    summary: 'Orbit\'s updater fetched a newer orbit target from the TUF server, replaced its executable and exited; the fleetd service starts the new version with the same service arguments and environment.',
    spec: { doc: 'Fleet', section: 'orbit/cmd/orbit/orbit.go', title: 'The update runner ("exiting due to successful early update")', url: `${FLEET_SRC}/orbit/cmd/orbit/orbit.go` },
    client: 'orbit/index.ts',
    server: null,
  },

  // ---- Requests from outside the lab that match no protocol step ----
  'http.other': {
    title: 'Request outside the catalog',
    phase: null,
    summary: 'A request an outside client sent that is none of the protocol steps above; the server answered it as its routes do.',
    spec: { doc: 'Fleet', section: 'server/service/handler.go', title: 'Fleet\'s routes', url: `${FLEET_SRC}/server/service/handler.go` },
    client: null,
    server: null,
  },
  // ---- Fleet's REST API, as an admin's client (curl, fleetctl) reads it ----
  'fleet.rest-api': {
    title: "Fleet REST API (hosts, activities)",
    phase: null,
    summary: 'An admin client reads what Fleet shows: a host with its mdm and end users, its device_mapping, the activity feed (Bearer API token).',
    spec: { doc: 'Fleet', section: 'server/service/hosts.go', title: 'getHostEndpoint, listHostsEndpoint, listHostDeviceMappingEndpoint; ListActivities', url: `${FLEET_SRC}/server/service/hosts.go` },
    client: null,
    server: 'mdm/api/routes.ts',
    http: { server: 'mdm', method: 'GET', path: '^/api/(v1|latest)/fleet/(hosts|activities)(/|\\?|$)' },
  },

  // ---- The Autopilot setup experience (Fleet's ESP hold) ----
  'orbit.setup-experience-init': {
    title: 'orbit starts the setup experience',
    phase: 'orbit',
    summary: 'Orbit calls setup_experience/init: Fleet enqueues the software marked "install during setup" for this host (setup_experience_status_results, pending).',
    spec: { doc: 'Fleet', section: 'server/service/setup_experience.go', title: 'SetupExperienceInit: enqueuing the setup experience items', url: `${FLEET_SRC}/server/service/setup_experience.go` },
    client: 'orbit/setup-experience.ts',
    server: 'mdm/orbit/setup-experience-routes.ts',
    http: { server: 'mdm', method: 'POST', path: '^/api/fleet/orbit/setup_experience/init$' },
  },
  'orbit.setup-experience-status': {
    title: 'orbit polls the setup experience status',
    phase: 'orbit',
    summary: 'Orbit asks how the setup experience stands (every 30 s); Fleet answers with each item\'s status and queues the next install (SetupExperienceNextStep).',
    spec: { doc: 'Fleet', section: 'server/service/setup_experience.go', title: 'GetOrbitSetupExperienceStatus', url: `${FLEET_SRC}/server/service/setup_experience.go` },
    client: 'orbit/setup-experience.ts',
    server: 'mdm/orbit/setup-experience-routes.ts',
    http: { server: 'mdm', method: 'POST', path: '^/api/fleet/orbit/setup_experience/status$' },
  },
  'orbit.run-installer': {
    title: 'orbit runs a setup experience installer',
    phase: 'orbit',
    summary: 'Orbit runs the install Fleet queued (pending_software_installer_ids in its config). A hung installer never reports a result: the item stays running and the ESP keeps holding.',
    spec: { doc: 'Fleet', section: 'orbit/pkg/installer', title: 'The software installer runner', url: `${FLEET_SRC}/orbit/pkg/installer/installer.go` },
    client: 'orbit/setup-experience.ts',
    server: null,
  },
  'orbit.software-install-result': {
    title: 'orbit reports the install result',
    phase: 'orbit',
    summary: 'Orbit posts the installer\'s exit code and output; Fleet marks the setup experience item success (exit 0) or failure.',
    spec: { doc: 'Fleet', section: 'server/service/orbit.go', title: 'SaveHostSoftwareInstallResult', url: `${FLEET_SRC}/server/service/orbit.go` },
    client: 'orbit/setup-experience.ts',
    server: 'mdm/orbit/setup-experience-routes.ts',
    http: { server: 'mdm', method: 'POST', path: '^/api/fleet/orbit/software_install/result$' },
  },
  'lab.setup-software-seed': {
    title: 'Lab setup: software to install during setup',
    phase: 'lab',
    summary: 'The admin uploads a Windows installer and marks it "install during setup": Fleet\'s ESP then holds the device until it is done, or 3 hours pass.',
    spec: { doc: 'Fleet', section: 'Windows & Linux setup experience', title: 'Install software during setup', url: `${FLEET_SRC}/articles/windows-linux-setup-experience.md` },
    client: 'scenarios/esp-timeout.ts',
    server: 'mdm/store/setup-experience.ts',
  },
  'device.esp': {
    title: 'Windows: the Enrollment Status Page',
    phase: 'omadm',
    summary: 'The ESP as the FirstSyncStatus nodes drive it: shown while the server holds, released on ServerHasFinishedProvisioning, failed when TimeOutUntilSyncFailure runs out (CustomErrorText, the BlockInStatusPage buttons).',
    spec: { doc: 'DMClient CSP', section: 'Provider/{ProviderID}/FirstSyncStatus', title: 'FirstSyncStatus (the Enrollment Status Page)', url: 'https://learn.microsoft.com/en-us/windows/client-management/mdm/dmclient-csp' },
    client: 'device/csp/esp.ts',
    server: 'mdm/management/esp.ts',
  },
} as const satisfies Record<string, StepKindDef>;

export type StepKindId = keyof typeof STEP_KINDS;
export type StepKind = StepKindDef & { id: StepKindId };

export const STEP_KIND_IDS = Object.keys(STEP_KINDS) as StepKindId[];

export function isStepKindId(id: string): id is StepKindId {
  return Object.prototype.hasOwnProperty.call(STEP_KINDS, id);
}

/** The catalog entry of a step kind. */
export function stepKind(id: StepKindId): StepKind {
  return { id, ...(STEP_KINDS[id] as StepKindDef) };
}
