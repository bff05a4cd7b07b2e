import { RESOURCES, resourceOfScope, type TokenResponse } from '../protocols/oauth.js';
import type { EntraContext } from './context.js';
import { AADSTS } from './errors.js';
import { findUser, getUser, requirePublicClient, resolveResource, type ResolvedResource, type TenantRow, type UserRow } from './directory.js';
import { findRefreshToken, issueUserTokens, type TokenVersion } from './tokens.js';

export interface TokenTarget {
  resource: ResolvedResource;
  scope: string | null;
}

/** v1 names the resource in `resource`; v2 in `scope` (`<resource>/.default`), entra-mde2.md §5.2. */
export function tokenTarget(ctx: EntraContext, version: TokenVersion, form: Record<string, string>): TokenTarget {
  if (version === '1.0') {
    const resource = form.resource;
    if (!resource) throw AADSTS.missingParameter('resource');
    return { resource: resolveResource(ctx, resource), scope: form.scope ?? null };
  }
  const scope = form.scope;
  if (!scope) throw AADSTS.missingParameter('scope');
  return { resource: resolveResource(ctx, resourceOfScope(scope) ?? RESOURCES.graph), scope };
}

/** Username and password checked as Entra does: unknown user 50034, wrong password 50126, disabled 50057. */
export function checkPassword(ctx: EntraContext, tenant: TenantRow, username: string | undefined, password: string | undefined): UserRow {
  if (!username) throw AADSTS.missingParameter('username');
  if (password === undefined || password === '') throw AADSTS.missingParameter('password');
  const user = findUser(ctx, username);
  if (!user) throw AADSTS.unknownUser(tenant.domain);
  if (user.password !== password) throw AADSTS.badPassword();
  if (!user.enabled) throw AADSTS.userDisabled();
  return user;
}

/**
 * ROPC (RFC 6749 §4.3, entra-mde2.md §5.2). A user who must do MFA gets `invalid_grant` AADSTS50076 and that is the
 * end of it (entra-mde2.md corrections §3): ROPC has no MFA continuation; the client signs in on the login pages.
 */
export async function passwordGrant(ctx: EntraContext, tenant: TenantRow, version: TokenVersion, form: Record<string, string>): Promise<TokenResponse> {
  const client = requirePublicClient(ctx, form.client_id);
  const target = tokenTarget(ctx, version, form);
  const user = checkPassword(ctx, tenant, form.username, form.password);
  if (user.mfa_required) throw AADSTS.mfaRequired(target.resource.requested, {});
  return issueUserTokens(ctx, { user, tenant, clientId: client.app_id, version, ...target, amr: ['pwd'], deviceId: null, clientInfo: form.client_info === '1' });
}

/**
 * Refresh-token redemption (RFC 6749 §6, entra-mde2.md §5.4): refresh tokens are not bound to a resource; a PRT
 * is refused here, it is only redeemed by a session-key-signed request (§6.6).
 */
export async function refreshTokenGrant(ctx: EntraContext, tenant: TenantRow, version: TokenVersion, form: Record<string, string>): Promise<TokenResponse> {
  const client = requirePublicClient(ctx, form.client_id);
  if (!form.refresh_token) throw AADSTS.missingParameter('refresh_token');
  const target = tokenTarget(ctx, version, form);
  const rt = findRefreshToken(ctx, form.refresh_token);
  if (!rt) throw AADSTS.malformed('The refresh token is not one this tenant issued.');
  if (rt.kind === 'prt') throw AADSTS.invalidGrant('A primary refresh token is redeemed only with a session-key-signed request.');
  if (rt.revoked_at) throw AADSTS.refreshTokenRevoked();
  if (ctx.lab.clock.now() > Date.parse(rt.expires_at)) throw AADSTS.refreshTokenExpired();
  const user = getUser(ctx, rt.user_object_id);
  return issueUserTokens(ctx, {
    user,
    tenant,
    clientId: client.app_id,
    version,
    ...target,
    amr: JSON.parse(rt.amr) as string[],
    deviceId: rt.device_id,
    clientInfo: form.client_info === '1',
  });
}

