import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { clientInfo, type TokenResponse } from '../protocols/oauth.js';
import type { Db } from '../lab/store.js';
import { LIFETIMES, type EntraContext } from './context.js';
import { loadKey } from './keys.js';
import type { ResolvedResource, TenantRow, UserRow } from './directory.js';

export type TokenVersion = '1.0' | '2.0';

/** Who a token is for and how they proved it: the input of every grant that ends in tokens. */
export interface UserGrant {
  user: UserRow;
  tenant: TenantRow;
  clientId: string;
  version: TokenVersion;
  resource: ResolvedResource;
  /** The v2 `scope` as asked (echoed back); v1 answers with the resource's scp. */
  scope: string | null;
  amr: string[];
  deviceId: string | null;
  clientInfo: boolean;
  /** false when the caller hands out its own refresh token (a renewed PRT). */
  refreshToken?: boolean;
}

export const issuerV1 = (tid: string) => `https://sts.windows.net/${tid}/`;
export const issuerV2 = (tid: string) => `https://login.microsoftonline.com/${tid}/v2.0`;

/** Entra's `sub` is pairwise: stable per (user, app), different across apps. */
export function pairwiseSub(oid: string, appId: string): string {
  return createHash('sha256').update(`${oid}:${appId}`).digest('base64url').slice(0, 43);
}

/**
 * The access token's shape follows the resource, not the endpoint (entra-mde2.md corrections §1; Microsoft identity
 * platform "access tokens: token formats"): v2 only for an app whose manifest accepts v2 (accessTokenAcceptedVersion
 * 2); DRS, Intune enrollment, Graph, AAD Graph and the tenant's MDM app (a default manifest) get v1 from either.
 */
export function accessTokenVersion(resource: ResolvedResource): TokenVersion {
  return resource.app.access_token_version === 2 ? '2.0' : '1.0';
}

/** Access-token claims of entra-mde2.md §5.6 (v1: appid/appidacr/upn/unique_name/idtyp; v2: azp/preferred_username). */
export function accessTokenClaims(ctx: EntraContext, g: UserGrant): Record<string, unknown> {
  const iat = ctx.lab.clock.seconds();
  const { user, tenant } = g;
  const common = {
    iat,
    nbf: iat,
    exp: iat + LIFETIMES.accessTokenS,
    aio: ctx.lab.ids.text(36),
    amr: g.amr,
    ...(g.deviceId && { deviceid: g.deviceId }),
    name: user.display_name,
    oid: user.object_id,
    rh: `0.A${ctx.lab.ids.text(24)}.`,
    scp: g.resource.app.scp ?? 'user_impersonation',
    sub: pairwiseSub(user.object_id, g.resource.app.app_id),
    tid: tenant.id,
    uti: ctx.lab.ids.text(16),
  };
  if (accessTokenVersion(g.resource) === '1.0') {
    return {
      aud: g.resource.audV1,
      iss: issuerV1(tenant.id),
      acr: '1',
      appid: g.clientId,
      // 0: a public client (no secret, no certificate), as every client the lab signs users in with.
      appidacr: '0',
      ...(user.family_name && { family_name: user.family_name }),
      ...(user.given_name && { given_name: user.given_name }),
      // "idtyp": "user" for a delegated token (Microsoft identity platform optional claims).
      idtyp: 'user',
      ipaddr: '127.0.0.1',
      puid: user.puid,
      unique_name: user.upn,
      upn: user.upn,
      ...common,
      ver: '1.0',
    };
  }
  return { aud: g.resource.app.app_id, iss: issuerV2(tenant.id), azp: g.clientId, azpacr: '0', idtyp: 'user', preferred_username: user.upn, ...common, ver: '2.0' };
}

/**
 * ID token for the client (OIDC Core §2): aud = client id. `preferredUsername` adds the claim to a v1 id_token: the
 * PRT reply's has it (entra-mde2.md corrections §5; libhimmelblau's IdToken reads preferred_username after a PRT).
 */
export function idTokenClaims(ctx: EntraContext, g: Pick<UserGrant, 'user' | 'tenant' | 'clientId' | 'version' | 'amr'> & { preferredUsername?: boolean }): Record<string, unknown> {
  const iat = ctx.lab.clock.seconds();
  const { user, tenant } = g;
  const base = { aud: g.clientId, iat, nbf: iat, exp: iat + LIFETIMES.accessTokenS, name: user.display_name, oid: user.object_id, sub: pairwiseSub(user.object_id, g.clientId), tid: tenant.id };
  return g.version === '1.0'
    ? { ...base, iss: issuerV1(tenant.id), amr: g.amr, ipaddr: '127.0.0.1', ...(g.preferredUsername && { preferred_username: user.upn }), unique_name: user.upn, upn: user.upn, ...(user.family_name && { family_name: user.family_name }), ...(user.given_name && { given_name: user.given_name }), ver: '1.0' }
    : { ...base, iss: issuerV2(tenant.id), preferred_username: user.upn, ver: '2.0' };
}

/** RS256 with the served kid (and x5t, as Entra's headers carry). */
export async function signToken(ctx: EntraContext, claims: Record<string, unknown>): Promise<string> {
  const key = loadKey(ctx, 'token');
  return new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: 'RS256', x5t: key.kid, kid: key.kid }).sign(key.privateKey);
}

/** An unsigned JWT (`alg: none`), the form of the id_token that comes with a PRT (§6.3). */
export function unsignedToken(claims: Record<string, unknown>): string {
  const seg = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${seg({ typ: 'JWT', alg: 'none' })}.${seg(claims)}.`;
}

/** Refresh tokens and PRTs are opaque dotted strings like Entra's `0.A…` (PROTOCOL.md). */
export function opaqueToken(ctx: EntraContext): string {
  return `0.A${ctx.lab.ids.text(72)}.${ctx.lab.ids.text(48)}.${ctx.lab.ids.text(24)}`;
}

export interface RefreshTokenRow {
  id: string;
  token: string;
  kind: 'rt' | 'prt';
  user_object_id: string;
  client_id: string;
  device_id: string | null;
  amr: string;
  issued_at: string;
  expires_at: string;
  parent_id: string | null;
  revoked_at: string | null;
}

export function newRefreshToken(
  ctx: EntraContext,
  f: { kind: 'rt' | 'prt'; user: UserRow; clientId: string; deviceId: string | null; amr: string[]; parentId?: string | null },
): RefreshTokenRow {
  const lifetime = f.kind === 'prt' ? LIFETIMES.prtS : LIFETIMES.refreshTokenS;
  return {
    id: ctx.lab.ids.uuid(),
    token: opaqueToken(ctx),
    kind: f.kind,
    user_object_id: f.user.object_id,
    client_id: f.clientId,
    device_id: f.deviceId,
    amr: JSON.stringify(f.amr),
    issued_at: ctx.iso(),
    expires_at: ctx.iso(lifetime * 1000),
    parent_id: f.parentId ?? null,
    revoked_at: null,
  };
}

export function insertRefreshToken(db: Db, row: RefreshTokenRow): void {
  db.prepare(
    `INSERT INTO refresh_tokens(id, token, kind, user_object_id, client_id, device_id, amr, issued_at, expires_at, parent_id, revoked_at)
     VALUES (@id, @token, @kind, @user_object_id, @client_id, @device_id, @amr, @issued_at, @expires_at, @parent_id, @revoked_at)`,
  ).run(row);
}

export function findRefreshToken(ctx: EntraContext, token: string): RefreshTokenRow | undefined {
  return ctx.store.read((db) => db.prepare(`SELECT * FROM refresh_tokens WHERE token = ?`).get(token) as RefreshTokenRow | undefined);
}

/**
 * Everything a user grant returns (RFC 6749 §5.1, entra-mde2.md §5.1), built before the one transaction that
 * stores the new refresh token (`then` adds the grant's own writes, e.g. marking a device code redeemed).
 */
export async function issueUserTokens(ctx: EntraContext, g: UserGrant, then?: (db: Db) => void): Promise<TokenResponse> {
  const access = accessTokenClaims(ctx, g);
  const accessToken = await signToken(ctx, access);
  const scopes = (g.scope ?? '').split(/\s+/).filter(Boolean);
  const wantsId = g.version === '1.0' || scopes.includes('openid');
  const idToken = wantsId ? await signToken(ctx, idTokenClaims(ctx, g)) : undefined;
  // v2 hands out a refresh token only for offline_access (Microsoft identity platform); v1 always does.
  const rt = g.refreshToken !== false && (g.version === '1.0' || scopes.includes('offline_access')) ? newRefreshToken(ctx, { kind: 'rt', user: g.user, clientId: g.clientId, deviceId: g.deviceId, amr: g.amr }) : null;
  ctx.store.tx((db) => {
    if (rt) insertRefreshToken(db, rt);
    then?.(db);
  });
  const lifetime = (access.exp as number) - (access.iat as number);
  const info = g.clientInfo ? clientInfo(g.user.object_id, g.tenant.id) : undefined;
  if (g.version === '1.0') {
    return {
      token_type: 'Bearer',
      scope: access.scp as string,
      expires_in: String(lifetime),
      ext_expires_in: String(lifetime),
      expires_on: String(access.exp),
      not_before: String(access.nbf),
      resource: g.resource.requested,
      access_token: accessToken,
      ...(rt && { refresh_token: rt.token }),
      ...(idToken && { id_token: idToken }),
      ...(info && { client_info: info }),
    };
  }
  return {
    token_type: 'Bearer',
    scope: scopes.filter((s) => s !== 'offline_access').join(' ') || `${g.resource.requested}/.default`,
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken,
    ...(rt && { refresh_token: rt.token }),
    ...(idToken && { id_token: idToken }),
    ...(info && { client_info: info }),
  };
}
