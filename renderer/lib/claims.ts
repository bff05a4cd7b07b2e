/**
 * One line per JWT claim and header parameter saying what it means (RFC 7519 / 7515 / 7516, Microsoft identity
 * platform token reference, Fleet's EUA token). Shown beside each claim on the Tokens tab.
 */
const CLAIMS: Readonly<Record<string, string>> = {
  iss: 'Issuer: who minted the token (an Entra tenant, Fleet\'s WSTEP identity)',
  sub: 'Subject: the principal the token is about',
  aud: 'Audience: who must accept it (the MDM resource, Fleet\'s server URL)',
  exp: 'Expires at: reject the token after this time',
  nbf: 'Not before: reject the token before this time',
  iat: 'Issued at',
  jti: 'Token id: unique, lets a receiver refuse replays',
  tid: 'Tenant id: the Entra directory that issued the token',
  oid: 'Object id: the user\'s immutable id in the tenant',
  upn: 'User principal name: the user\'s sign-in name',
  unique_name: 'A human-readable name for the user (v1 tokens)',
  name: 'Display name of the user',
  email: 'Email address of the user',
  preferred_username: 'The user\'s sign-in name (v2 tokens)',
  given_name: 'First name',
  family_name: 'Last name',
  appid: 'Client (application) id that asked for the token (v1)',
  azp: 'Authorized party: client id that asked for the token (v2)',
  appidacr: 'How the client authenticated: 0 public, 1 secret, 2 certificate',
  azpacr: 'How the client authenticated: 0 public, 1 secret, 2 certificate',
  scp: 'Delegated scopes granted to the client',
  roles: 'Application roles granted',
  deviceid: 'Entra device id: the token was issued to a joined device (PRT-based)',
  device_id: 'MDM device id the EUA token was issued for (must match the enrolling device)',
  amr: 'Authentication methods used (pwd, mfa, rsa, ngcmfa…)',
  acr: 'Authentication context class',
  idp: 'Identity provider that authenticated the user',
  ver: 'Token format version (1.0 or 2.0)',
  auth_time: 'When the user last authenticated',
  nonce: 'Nonce from the request, binds the token to it',
  sid: 'Session id of the sign-in',
  uti: 'Token identifier (Entra internal)',
  rh: 'Refresh hint (Entra internal)',
  aio: 'Entra internal data',
  ipaddr: 'IP address the user authenticated from',
  wids: 'Directory roles of the user',
  onprem_sid: 'On-premises security identifier',
  request_nonce: 'Nonce Entra issued for this PRT request (MS-OAPXBC)',
  grant_type: 'OAuth grant type of the PRT request',
  client_id: 'OAuth client id',
  scope: 'Requested scopes',
  resource: 'Requested resource (v1 endpoint)',
  refresh_token: 'A refresh token (PRT) carried inside the request',
  win_ver: 'Windows version of the device',
  username: 'Username for a password grant',
  password: 'Password for a password grant (the lab\'s test user)',
  'x-client-platform': 'Client platform',
  session_key_jwe: 'The PRT session key, encrypted to the device\'s transport key',
  tenant_id: 'Entra tenant id',
  assertion: 'The Windows Hello assertion: a JWT signed by the user\'s Hello key around its own nonce',
  is_primary: 'The PRT cookie carries the primary refresh token (ROADtools, BrowserCore)',
  windows_api_version: 'Client API version ("2.0.1": it answers sso_nonce challenges, MS-OAPXBC 2.2.2)',
  ua_client_id: 'Client id of the user agent that sent the PRT cookie',
  ua_redirect_uri: 'Redirect URI of the user agent that sent the PRT cookie',
  x_client_platform: 'Platform the PRT cookie was made on',
};

const HEADERS: Readonly<Record<string, string>> = {
  alg: 'Signature (or key-management) algorithm',
  typ: 'Token type',
  kid: 'Key id: which of the issuer\'s keys signed it',
  x5t: 'SHA-1 thumbprint of the signing certificate',
  'x5t#S256': 'SHA-256 thumbprint of the signing certificate',
  x5c: 'The signing certificate chain',
  enc: 'Content encryption algorithm (JWE)',
  zip: 'Compression applied before encryption',
  cty: 'Content type of the payload',
  ctx: 'KDF context: mixed into the derived key (MS-OAPXBC)',
  kdf_ver: 'KDF version (1: SP800-108, 2: with the payload hash)',
  use: 'Key use: ngc = signed by a Windows Hello key (kid = base64 SHA-256 of its BCRYPT blob)',
};

/** Claims whose value is a NumericDate (seconds since the epoch). */
export const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time']);

export function claimMeaning(name: string): string | undefined {
  return CLAIMS[name] ?? (name.startsWith('xms_') ? 'Microsoft extension claim' : undefined);
}

export function headerMeaning(name: string): string | undefined {
  return HEADERS[name];
}

/** Render a claim's value: times as lab time with their distance from the check time. */
export function claimValue(name: string, value: unknown): string {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') return new Date(value * 1000).toISOString().replace('T', ' ').replace('.000Z', ' UTC');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export type ExpiryVerdict = 'valid' | 'expired' | 'not-yet-valid' | 'no-expiry';

/** Check a token's validity window against a clock reading (ms), as the recorder does at the step. */
export function expiryAt(payload: Record<string, unknown> | null, nowMs: number): ExpiryVerdict {
  if (!payload) return 'no-expiry';
  const now = nowMs / 1000;
  const nbf = typeof payload.nbf === 'number' ? payload.nbf : undefined;
  const exp = typeof payload.exp === 'number' ? payload.exp : undefined;
  if (nbf !== undefined && now < nbf) return 'not-yet-valid';
  if (exp === undefined) return 'no-expiry';
  return now >= exp ? 'expired' : 'valid';
}

/**
 * How a session-key-signed JWT (HS256 with `ctx`: the PRT cookie x-ms-RefreshTokenCredential, the PRT exchange
 * request) was keyed (MS-OAPXBC 3.1.5.2.1.3; entra-mde2.md §6.5): only the device's TPM and Entra hold the session
 * key, so the lab cannot check the signature but can say which derivation it used. Null for any other JWT.
 */
export function sessionKeySigning(header: Record<string, unknown>): { kdf: 1 | 2; ctxBytes: number; text: string } | null {
  if (header.alg !== 'HS256' || typeof header.ctx !== 'string') return null;
  const kdf = header.kdf_ver === 2 || header.kdf_ver === '2' ? 2 : 1;
  const b64 = header.ctx.replace(/=+$/, '');
  const ctxBytes = Math.floor((b64.length * 3) / 4);
  const context = kdf === 2 ? 'SHA256(ctx ‖ payload)' : 'ctx';
  return { kdf, ctxBytes, text: `Signed with the PRT session key, KDFv${kdf}: HMAC key = SP800-108(session key, "AzureAD-SecureConversation", ${context}); ctx ${ctxBytes} bytes` };
}
