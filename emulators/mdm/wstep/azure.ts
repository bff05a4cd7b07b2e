import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { JSONWebKeySet, JWTPayload } from 'jose';
import { JwtV4Error, parseJwtV4 } from './jwt-v4.js';
import type { Db } from '../../lab/store.js';
import type { MdmContext } from '../context.js';
import { decodeBase64Any } from '../../protocols/soap.js';
import { ENTRA_PATHS } from '../../protocols/paths/entra.js';

/**
 * GetAzureAuthTokenClaims (fleet.md §1.4): the Entra access token in the header BinarySecurityToken, verified
 * RS256 against Entra's JWK Set. Fleet fetches the set from login.microsoftonline.com (or
 * FLEET_DEV_AZURE_JWT_JWKS_URI) and caches it, refetching once on an unknown kid. Here the set is fetched through
 * the lab (so the fetch is a step) and cached in the MDM DB's lab_kv; a fresh fetch is written by the request's
 * own transaction (`jwksWrite`), so a request that faults writes nothing.
 */

/** Fleet's production default when no dev override is set. */
export const DEFAULT_AZURE_JWKS_URI = `https://login.microsoftonline.com${ENTRA_PATHS.keys('common', '2.0')}`;
/** How long the lab keeps a fetched JWK Set before fetching again (Fleet's jwkset refresh is about this). */
export const JWKS_CACHE_SECS = 60 * 60;
const JWKS_KV_PREFIX = 'azure_jwks:';
/** ctxerr.Wrap(ctx, err, "parse error Azure JWT content") around every jwt.Parse failure (wstep.go). */
export const AZURE_PARSE_WRAPPER = 'parse error Azure JWT content';

export interface AzureData {
  upn: string;
  tenantId: string;
  uniqueName: string;
  scp: string;
  audience: string[];
}

export interface AzureClaimsResult {
  data: AzureData;
  /** Caches a freshly fetched JWK Set; run it inside the request's store.tx, after validation. */
  jwksWrite: ((db: Db) => void) | null;
}

/** Drop every cached JWK Set (a restart of fleet serve empties the manager's cache). */
export function forgetAzureJwks(ctx: MdmContext): void {
  ctx.store.tx((db) => db.prepare(`DELETE FROM lab_kv WHERE key LIKE ?`).run(`${JWKS_KV_PREFIX}%`));
}

function cachedJwks(ctx: MdmContext, uri: string): JSONWebKeySet | null {
  const row = ctx.store.read(
    (db) => db.prepare(`SELECT value, expires_at FROM lab_kv WHERE key = ?`).get(JWKS_KV_PREFIX + uri) as { value: string; expires_at: string } | undefined,
  );
  if (!row || Date.parse(row.expires_at) <= ctx.lab.clock.now()) return null;
  return JSON.parse(row.value) as JSONWebKeySet;
}

async function fetchJwks(ctx: MdmContext, uri: string): Promise<{ jwks: JSONWebKeySet; text: string }> {
  const res = await ctx.lab.send({
    from: 'mdm',
    to: 'entra',
    title: 'GET JWKS (Entra signing keys)',
    catalogId: 'entra.jwks',
    request: { method: 'GET', url: uri, headers: { accept: 'application/json' }, body: '' },
  });
  if (res.status !== 200) throw new Error(`failed to fetch JWK set: HTTP ${res.status}`);
  const jwks = res.json<JSONWebKeySet>();
  if (!jwks || !Array.isArray(jwks.keys)) throw new Error('failed to fetch JWK set: no keys');
  return { jwks, text: JSON.stringify(jwks) };
}

function hasKid(jwks: JSONWebKeySet, kid: string): boolean {
  return jwks.keys.some((k) => k.kid === kid);
}

/** What google/uuid's Parse accepts: the 36-character form, `urn:uuid:` + it, `{` it `}`, or 32 hex digits. */
const UUID36 = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const UUID_RE = new RegExp(`^(?:${UUID36}|urn:uuid:${UUID36}|\\{${UUID36}\\}|[0-9a-fA-F]{32})$`);

function claimString(p: JWTPayload, name: string): string {
  const v = p[name];
  return typeof v === 'string' ? v : '';
}

/** Verify the header token and return Fleet's AzureData; errors carry the text Fleet wraps into the fault. */
export async function getAzureAuthTokenClaims(ctx: MdmContext, content: string): Promise<AzureClaimsResult> {
  const raw = decodeBase64Any(content);
  if (!raw) throw new Error('illegal base64 data in token');
  const jwt = raw.toString('utf8').trim();
  // bytes.Split(tokenBytes, ".") must give 3 parts before anything is parsed.
  if (jwt.split('.').length !== 3) throw new Error('invalid Azure JWT format');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(jwt.split('.')[0]!.replace(/=+$/, ''), 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new Error(`${AZURE_PARSE_WRAPPER}: invalid character in token header`);
  }
  // The keyfunc's checks, each wrapped by Fleet (wstep.go GetAzureAuthTokenClaims, golang-jwt v4).
  if (header.alg === undefined) throw new Error(`${AZURE_PARSE_WRAPPER}: Azure JWT missing alg header`);
  if (typeof header.alg !== 'string') throw new Error(`${AZURE_PARSE_WRAPPER}: invalid alg header in Azure JWT`);
  if (header.kid === undefined) throw new Error(`${AZURE_PARSE_WRAPPER}: Azure JWT missing kid header`);
  if (typeof header.kid !== 'string') throw new Error(`${AZURE_PARSE_WRAPPER}: invalid kid header in Azure JWT`);
  const kid = header.kid;
  const uri = ctx.settings().azureJwksUri ?? DEFAULT_AZURE_JWKS_URI;

  let jwks = cachedJwks(ctx, uri);
  let fetchedText: string | null = null;
  // Fleet's newest manager refetches the set once when the kid is unknown.
  if (!jwks || !hasKid(jwks, kid)) {
    const fetched = await fetchJwks(ctx, uri);
    jwks = fetched.jwks;
    fetchedText = fetched.text;
  }
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error(`${AZURE_PARSE_WRAPPER}: Azure JWT signed by unknown key: key not found`);
  // "Alg is optional in the JWK but if present must match the token" (wstep.go).
  if (jwk.alg && jwk.alg !== header.alg) throw new Error(`${AZURE_PARSE_WRAPPER}: Azure JWT signing key algorithm mismatch: expected ${jwk.alg} from key, got ${header.alg}`);

  let payload: JWTPayload;
  try {
    // The same golang-jwt v4 parse as the STS and EUA tokens: its messages ("token is expired by 1m0s").
    payload = parseJwtV4(jwt, createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), ctx.lab.clock.now()) as JWTPayload;
  } catch (e) {
    if (e instanceof JwtV4Error) throw new Error(`${AZURE_PARSE_WRAPPER}: ${e.message}`);
    throw e;
  }

  // azureDataFromClaims (wstep.go; fleet.md corrections §5): tid a UUID, iss the tenant's v1 or v2 issuer, scp
  // mdm_delegation; Fleet's test says aud/tid/iss/scp make the authorization decision (wstep_test.go
  // TestAzureDataFromClaims). The service layer then authorizes aud and tid against the config (§2.5).
  const tenantId = claimString(payload, 'tid');
  if (!UUID_RE.test(tenantId)) throw new Error('invalid TenantID claim');
  const iss = claimString(payload, 'iss');
  if (iss !== `https://sts.windows.net/${tenantId}/` && iss !== `https://login.microsoftonline.com/${tenantId}/v2.0`) {
    throw new Error('issuer claim does not match tenant ID');
  }
  if (claimString(payload, 'scp') !== 'mdm_delegation') throw new Error('invalid SCP claim');
  // Entra v2 tokens have no upn: Fleet falls back to preferred_username, and accepts an empty result.
  const upn = claimString(payload, 'upn') || claimString(payload, 'preferred_username');
  const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const data: AzureData = { upn, tenantId, uniqueName: claimString(payload, 'unique_name'), scp: claimString(payload, 'scp'), audience: aud };

  const text = fetchedText;
  const expiresAt = new Date(ctx.lab.clock.now() + JWKS_CACHE_SECS * 1000).toISOString();
  const jwksWrite = text
    ? (db: Db) => {
        db.prepare(`INSERT INTO lab_kv(key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`).run(
          JWKS_KV_PREFIX + uri,
          text,
          expiresAt,
        );
      }
    : null;
  return { data, jwksWrite };
}

/** Go's url.Parse(u).Host: host and port exactly as written (a default port is kept), lower-cased for comparison. */
export function urlHostPort(u: string): string | null {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(u.trim());
  if (!m) return null;
  const authority = m[1]!;
  return authority.slice(authority.lastIndexOf('@') + 1).toLowerCase();
}

/** hasAuthorizedAzureAudience: an aud equals a configured client id, or its host:port is the server URL's. */
export function hasAuthorizedAzureAudience(aud: string[], serverUrl: string, clientIds: string[]): boolean {
  const ids = clientIds.map((c) => c.trim().toLowerCase()).filter(Boolean);
  const serverHost = urlHostPort(serverUrl);
  return aud.some((a) => {
    const v = a.trim().toLowerCase();
    if (ids.includes(v)) return true;
    const host = urlHostPort(a);
    return host !== null && host !== '' && host === serverHost;
  });
}

/** hasAuthorizedAzureTenant: tid equals a configured tenant id, without case, trimmed. */
export function hasAuthorizedAzureTenant(tid: string, tenantIds: string[]): boolean {
  const t = tid.trim().toLowerCase();
  return tenantIds.some((id) => id.trim().toLowerCase() === t);
}
