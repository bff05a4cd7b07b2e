import { exportJWK } from 'jose';
import type { EntraContext } from './context.js';
import { loadKey } from './keys.js';
import { issuerV1, issuerV2 } from './tokens.js';
import type { TenantRow } from './directory.js';

/** OpenID Provider metadata (OIDC Discovery §3) as Entra serves it per version; endpoints on this server. */
export function openidConfiguration(ctx: EntraContext, tenant: TenantRow, alias: string, version: '1.0' | '2.0'): Record<string, unknown> {
  const base = `${ctx.baseUrl}/${alias}`;
  const v = version === '2.0' ? '/v2.0' : '';
  return {
    token_endpoint: `${base}/oauth2${v}/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: version === '2.0' ? `${base}/discovery/v2.0/keys` : `${base}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: version === '2.0' ? issuerV2(tenant.id) : issuerV1(tenant.id),
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${ctx.baseUrl}/${tenant.id}/openid/userinfo`,
    authorization_endpoint: `${base}/oauth2${v}/authorize`,
    device_authorization_endpoint: `${base}/oauth2${v}/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2${v}/logout`,
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
