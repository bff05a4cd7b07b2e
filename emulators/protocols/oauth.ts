/**
 * OAuth 2.0 as Entra ID speaks it (RFC 6749, RFC 8628, entra-mde2.md §1.1, §5, §6): the well-known ids, grant
 * types, request forms and response shapes that both a client (the virtual device) and Entra use.
 */

/** entra-mde2.md §1.1 */
export const CLIENT_IDS = {
  /** Microsoft Authentication Broker: DRS join tokens, MDM enrollment tokens, PRT exchanges. */
  authBroker: '29d9ed98-a469-4536-ade2-f981bc1d605e',
  /** The client_id inside a PRT request (Windows logon / CloudAP); name UNCONFIRMED. */
  windowsSignIn: '38aa3b87-a06d-4817-b275-7a316988d93b',
  azureAdPowerShell: '1b730954-1685-4b74-9bfd-dac224a7b894',
  companyPortal: '9ba1a5c7-f17a-4de9-a1f1-6178c8d51223',
  companyPortalLinux: 'b743a22d-6705-4147-8670-d92fa515ee2b',
  azurePortal: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c',
  bulkPrt: 'b90d5b8f-5503-4153-b545-b31cecfaece2',
} as const;

/** entra-mde2.md §1.1, §3.1 */
export const RESOURCES = {
  drsAppId: '01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9',
  drs: 'urn:ms-drs:enterpriseregistration.windows.net',
  intuneEnrollmentAppId: 'd4ebce55-015a-49b5-a083-c84d1797ae8c',
  intuneEnrollment: 'https://enrollment.manage.microsoft.com/',
  intuneAppId: '0000000a-0000-0000-c000-000000000000',
  graphAppId: '00000003-0000-0000-c000-000000000000',
  graph: 'https://graph.microsoft.com',
  aadGraphAppId: '00000002-0000-0000-c000-000000000000',
  aadGraph: 'https://graph.windows.net',
} as const;

export const GRANT_TYPES = {
  password: 'password',
  refreshToken: 'refresh_token',
  deviceCode: 'urn:ietf:params:oauth:grant-type:device_code',
  /** v1 device-code polling as ROADtools sends it (the code in `code`). */
  deviceCodeV1: 'device_code',
  jwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  srvChallenge: 'srv_challenge',
  authorizationCode: 'authorization_code',
} as const;

/** Scopes that ask for tokens, not for a resource (OIDC and Entra's PRT scopes, §6.2). */
export const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email', 'aza', 'ugs']);

/** RFC 6749 §5.1 with Entra's additions (§5.1: v1 numbers as strings, `resource`, `client_info`). */
export interface TokenResponse {
  token_type: string;
  scope?: string;
  expires_in: number | string;
  ext_expires_in: number | string;
  expires_on?: string;
  not_before?: string;
  resource?: string;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
  foci?: string;
}

/** RFC 6749 §5.2 with Entra's `error_codes` (AADSTS numbers) and trace ids. */
export interface OAuthErrorResponse {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  suberror?: string;
  interval?: number;
}

/** RFC 8628 §3.2 as Entra answers (v1 says `verification_url`, v2 `verification_uri`: §5.3). */
export interface DeviceCodeResponse {
  device_code: string;
  user_code: string;
  verification_uri?: string;
  verification_url?: string;
  expires_in: number | string;
  interval: number | string;
  message: string;
}

/** srv_challenge reply (§6.1). */
export interface NonceResponse {
  Nonce: string;
}

/** PRT response (§6.3): plain JSON; `refresh_token` is the PRT. */
export interface PrtResponse {
  token_type: 'pop';
  expires_in: string;
  ext_expires_in: string;
  expires_on: string;
  refresh_token: string;
  refresh_token_expires_in: number;
  session_key_jwe: string;
  id_token: string;
  client_info: string;
  device_tenant_id: string;
  /** With `tgt=true`: each a JSON string (clientKey, keyType, messageBuffer, realm, sn, cn, ...), §6.3. */
  tgt_ad?: string;
  tgt_cloud?: string;
  kerberos_top_level_names?: string;
}

/** `client_info` = base64url (no padding) of {"uid": user object id, "utid": tenant id} (§5.1). */
export function clientInfo(uid: string, utid: string): string {
  return Buffer.from(JSON.stringify({ uid, utid })).toString('base64url');
}

/** A form body (application/x-www-form-urlencoded) as a plain record; the last value of a repeated name wins. */
export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

export function formBody(fields: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) p.set(k, v);
  return p.toString();
}

/**
 * The resource a v2 `scope` names (§5.2): the first non-OIDC scope, minus `/.default` or its permission part;
 * a bare permission (`User.Read`) is Graph's, as in Entra. Null when only OIDC scopes were asked.
 */
export function resourceOfScope(scope: string): string | null {
  for (const s of scope.split(/\s+/).filter(Boolean)) {
    if (OIDC_SCOPES.has(s)) continue;
    if (s.endsWith('/.default')) return s.slice(0, -'/.default'.length);
    const i = s.lastIndexOf('/');
    if (i < 0) return RESOURCES.graph;
    const head = s.slice(0, i);
    return head.endsWith(':/') ? s : head;
  }
  return null;
}
