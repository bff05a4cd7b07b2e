import { exportJWK } from 'jose';
import type { FastifyInstance } from 'fastify';
import { OAuthError, sendOAuthError } from './errors.js';
import type { EntraContext } from './context.js';
import { loadKey } from './keys.js';
import { issuerV1, issuerV2 } from './tokens.js';
import type { TenantRow } from './directory.js';
import { ENTRA_PATHS } from '../protocols/paths/entra.js';

/** OpenID Provider metadata (OIDC Discovery §3) as Entra serves it per version; endpoints on this server. */
export function openidConfiguration(ctx: EntraContext, tenant: TenantRow, alias: string, version: '1.0' | '2.0'): Record<string, unknown> {
  const base = ctx.baseUrl;
  return {
    token_endpoint: `${base}${ENTRA_PATHS.token(alias, version)}`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}${ENTRA_PATHS.keys(alias, version)}`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: version === '2.0' ? issuerV2(tenant.id) : issuerV1(tenant.id),
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}${ENTRA_PATHS.userinfo(tenant.id)}`,
    authorization_endpoint: `${base}${ENTRA_PATHS.authorize(alias, version)}`,
    device_authorization_endpoint: `${base}${ENTRA_PATHS.deviceCode(alias, version)}`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}${ENTRA_PATHS.logout(alias, version)}`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce', 'email', 'given_name', 'family_name', 'nickname', 'oid', 'tid', 'upn', 'unique_name', 'deviceid'],
    tenant_region_scope: tenant.region,
    cloud_instance_name: 'microsoftonline.com',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** JWK Set (RFC 7517 §5) with the token signing key: kid = x5t, the self-signed cert in x5c, as Entra's. */
export async function jwks(ctx: EntraContext, version: '1.0' | '2.0'): Promise<{ keys: Record<string, unknown>[] }> {
  const key = loadKey(ctx, 'token');
  const jwk = await exportJWK(key.publicKey);
  return {
    keys: [
      {
        kty: 'RSA',
        use: 'sig',
        kid: key.kid,
        x5t: key.kid,
        n: jwk.n,
        e: jwk.e,
        x5c: [key.certDer.toString('base64')],
        ...(version === '2.0' && { issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' }),
      },
    ],
  };
}

/**
 * The token and device authorization endpoints take POST only (RFC 6749 §3.2, RFC 8628 §3.1). A GET of a URL the
 * metadata advertises gets Entra's AADSTS900561 JSON, not a 404.
 */
export function registerPostOnlyVerbs(app: FastifyInstance, ctx: EntraContext): void {
  for (const version of ['1.0', '2.0'] as const) {
    for (const path of [ENTRA_PATHS.token(':tenant', version), ENTRA_PATHS.deviceCode(':tenant', version)]) {
      app.get(path, (_req, reply) => sendOAuthError(ctx, reply, new OAuthError(400, 'invalid_request', 900561, 'The endpoint only accepts POST, OPTIONS requests. Received a GET request.')));
    }
  }
}
