/**
 * Entra's own state (DESIGN.md: no state outside SQLite). Times are ISO-8601 text from the lab clock, so they
 * read well in the DB view and compare as text. `signing_keys` and `session_keys` hold secrets: the lab opens
 * them unlogged so that their rows never appear as step changes.
 */
export const ENTRA_SCHEMA = `
CREATE TABLE IF NOT EXISTS tenant (
  id TEXT PRIMARY KEY,
  domain TEXT NOT NULL,
  display_name TEXT NOT NULL,
  region TEXT NOT NULL DEFAULT 'NA',
  created_at TEXT NOT NULL
);
-- Lab users: the lab prints their passwords (serve --json), so they are kept as typed.
CREATE TABLE IF NOT EXISTS users (
  object_id TEXT PRIMARY KEY,
  upn TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password TEXT NOT NULL,
  display_name TEXT NOT NULL,
  given_name TEXT,
  family_name TEXT,
  puid TEXT NOT NULL,
  mfa_required INTEGER NOT NULL DEFAULT 0,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);
-- Service principals: public clients that may sign users in, and resources tokens are minted for.
CREATE TABLE IF NOT EXISTS applications (
  app_id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  public_client INTEGER NOT NULL DEFAULT 0,
  identifier_uris TEXT NOT NULL DEFAULT '[]',
  scp TEXT,
  -- The tenant's MDM application: every http(s) resource no other app claims resolves to it (the MDM server URL).
  mdm_catch_all INTEGER NOT NULL DEFAULT 0,
  -- The app manifest's accessTokenAcceptedVersion (Microsoft identity platform "access token versions"): NULL or 1
  -- gives v1 access tokens from either endpoint, 2 gives v2; the token's shape follows the resource, not the endpoint.
  access_token_version INTEGER CHECK (access_token_version IN (1, 2))
);
CREATE TABLE IF NOT EXISTS devices (
  device_id TEXT PRIMARY KEY,
  object_id TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  device_type TEXT NOT NULL,
  os_version TEXT NOT NULL,
  join_type INTEGER NOT NULL,
  target_domain TEXT,
  owner_object_id TEXT NOT NULL REFERENCES users(object_id),
  owner_upn TEXT NOT NULL,
  transport_key TEXT NOT NULL,
  device_key_sha256 TEXT NOT NULL,
  cert_thumbprint TEXT NOT NULL,
  cert_serial TEXT NOT NULL,
  cert_der TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);
-- Refresh tokens and PRTs: opaque dotted strings; a PRT is bound to a device and a session key.
CREATE TABLE IF NOT EXISTS refresh_tokens (
  id TEXT PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('rt', 'prt')),
  user_object_id TEXT NOT NULL REFERENCES users(object_id),
  client_id TEXT NOT NULL,
  device_id TEXT REFERENCES devices(device_id),
  amr TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  parent_id TEXT,
  revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS session_keys (
  prt_id TEXT PRIMARY KEY REFERENCES refresh_tokens(id),
  session_key BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS nonces (
  nonce TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('prt', 'drs')),
  tenant_alias TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
-- Device code (RFC 8628) and MFA requests share the polling life cycle: pending → approved|denied → redeemed.
CREATE TABLE IF NOT EXISTS device_codes (
  device_code TEXT PRIMARY KEY,
  user_code TEXT NOT NULL UNIQUE,
  client_id TEXT NOT NULL,
  resource TEXT,
  scope TEXT,
  version TEXT NOT NULL,
  poll_interval INTEGER NOT NULL,
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_poll_at TEXT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'redeemed')),
  user_object_id TEXT REFERENCES users(object_id),
  decided_at TEXT
);
CREATE TABLE IF NOT EXISTS mfa_requests (
  id TEXT PRIMARY KEY,
  user_object_id TEXT NOT NULL REFERENCES users(object_id),
  client_id TEXT NOT NULL,
  resource TEXT,
  scope TEXT,
  version TEXT NOT NULL,
  entropy INTEGER NOT NULL,
  poll_interval INTEGER NOT NULL,
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_poll_at TEXT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'redeemed')),
  decided_at TEXT
);
-- Redirect URIs registered per public client (authorize/redirect-uris.ts): authorize refuses any other (AADSTS50011).
CREATE TABLE IF NOT EXISTS redirect_uris (
  app_id TEXT NOT NULL REFERENCES applications(app_id),
  uri TEXT NOT NULL,
  PRIMARY KEY (app_id, uri)
);
-- Authorization codes (RFC 6749 §4.1.2): single use, short-lived, bound to client, redirect URI and PKCE challenge.
CREATE TABLE IF NOT EXISTS authorization_codes (
  code TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  user_object_id TEXT NOT NULL REFERENCES users(object_id),
  version TEXT NOT NULL,
  resource TEXT,
  scope TEXT,
  amr TEXT NOT NULL,
  device_id TEXT,
  nonce TEXT,
  code_challenge TEXT,
  code_challenge_method TEXT,
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  redeemed_at TEXT
);
-- Directory roles activated in the tenant (Graph directoryRole): a per-tenant object id for a role template. Their
-- S-1-12-1 SIDs are what a join reply's MembershipChanges adds to the device's local Administrators.
CREATE TABLE IF NOT EXISTS directory_roles (
  object_id TEXT PRIMARY KEY,
  role_template_id TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS signing_keys (
  purpose TEXT PRIMARY KEY CHECK (purpose IN ('token', 'device-ca')),
  kid TEXT NOT NULL,
  certificate_pem TEXT NOT NULL,
  private_key_pem TEXT NOT NULL
);
-- Kerberos (the PRT reply's tgt_cloud / tgt_ad, libhimmelblau src/auth.rs, struct TGT): the realms the tenant's Entra KDC issues TGTs for, one of each kind at most. The
-- cloud realm KERBEROS.MICROSOFTONLINE.COM is always there; an on-premises AD realm (Cloud Kerberos Trust, Entra
-- holding the AzureADKerberos object's key) only when the lab tenant is given one. kdc_keys: each realm's krbtgt
-- key (aes256-cts-hmac-sha1-96), a secret kept unlogged like signing_keys.
CREATE TABLE IF NOT EXISTS kerberos_realms (
  realm TEXT PRIMARY KEY,
  kind TEXT NOT NULL UNIQUE CHECK (kind IN ('cloud', 'onprem')),
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS kdc_keys (
  realm TEXT PRIMARY KEY REFERENCES kerberos_realms(realm),
  kvno INTEGER NOT NULL,
  etype INTEGER NOT NULL,
  key BLOB NOT NULL
);
-- Windows Hello for Business keys, each on a user and device pair (MS-KPP 3.1.5.1.1.3). kid is what the NGC
-- assertion's header names: base64 SHA-256 of the BCRYPT_RSAKEY_BLOB (libhimmelblau build_jwt_by_hello_for_business_key,
-- ROADtools get_privkey_kid); key_id is the GUID the key provisioning reply calls kid (MS-KPP 3.1.5.1.1.2).
CREATE TABLE IF NOT EXISTS ngc_keys (
  kid TEXT PRIMARY KEY,
  key_id TEXT NOT NULL UNIQUE,
  user_object_id TEXT NOT NULL REFERENCES users(object_id),
  device_id TEXT NOT NULL REFERENCES devices(device_id),
  key_blob TEXT NOT NULL,
  created_at TEXT NOT NULL
);
-- The login pages' flow state (authorize/flow.ts): the flow token (sFT) rotates as the sign-in moves on, every later
-- step is bound to it; id is the page's sessionId and, for an MFA user, the id of its push in mfa_requests.
CREATE TABLE IF NOT EXISTS login_flows (
  id TEXT PRIMARY KEY,
  flow_token TEXT NOT NULL UNIQUE,
  ctx TEXT NOT NULL UNIQUE,
  canary TEXT NOT NULL,
  api_canary TEXT NOT NULL,
  request TEXT NOT NULL,
  stage TEXT NOT NULL CHECK (stage IN ('credentials', 'mfa', 'mfa-verified', 'done')),
  user_object_id TEXT REFERENCES users(object_id),
  mfa_request_id TEXT REFERENCES mfa_requests(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;

export const ENTRA_UNLOGGED = ['signing_keys', 'session_keys', 'kdc_keys'];
