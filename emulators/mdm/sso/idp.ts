import { decodeJwt } from 'jose';
import type { MdmContext } from '../context.js';
import { ENTRA_PATHS } from '../../protocols/paths/entra.js';

/**
 * Signing the user in at the lab's IdP: Entra's v1 ROPC grant (entra-mde2.md §5.2, `POST {idp}/{tenant}/oauth2/token`
 * with grant_type=password, client_id, resource, username, password), sent through the lab as an mdm → entra step.
 * The access token comes straight from the token endpoint over the back channel, so its claims are read, not
 * re-verified.
 */

/** Azure Active Directory PowerShell: a first-party public client Entra lets sign users in with ROPC. */
const IDP_CLIENT_ID = '1b730954-1685-4b74-9bfd-dac224a7b894';

export type IdpSignIn = { ok: true; upn: string; fullname: string } | { ok: false; error: string };

export async function signInAtIdp(ctx: MdmContext, username: string, password: string): Promise<IdpSignIn> {
  const { idpUrl, idpTenantId, serverUrl } = ctx.settings();
  if (!idpUrl || !idpTenantId) return { ok: false, error: 'no identity provider is configured for end user authentication' };
  const body = new URLSearchParams({ grant_type: 'password', client_id: IDP_CLIENT_ID, resource: serverUrl, username, password }).toString();
  const res = await ctx.lab.send({
    from: 'mdm',
    to: 'entra',
    title: 'SSO callback: sign the user in at the IdP (ROPC)',
    catalogId: 'sso.idp-signin',
    request: {
      method: 'POST',
      url: `${idpUrl.replace(/\/+$/, '')}${ENTRA_PATHS.token(encodeURIComponent(idpTenantId))}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
    },
  });
  let json: Record<string, unknown>;
  try {
    json = res.json<Record<string, unknown>>();
  } catch {
    return { ok: false, error: `the identity provider answered HTTP ${res.status}` };
  }
  if (res.status !== 200 || typeof json.access_token !== 'string') {
    const desc = typeof json.error_description === 'string' ? json.error_description : typeof json.error === 'string' ? json.error : `HTTP ${res.status}`;
    return { ok: false, error: desc };
  }
  const claims = decodeJwt(json.access_token);
  const upn = [claims.upn, claims.unique_name, claims.preferred_username].find((v): v is string => typeof v === 'string' && v !== '');
  if (!upn) return { ok: false, error: 'the identity provider returned no user principal name' };
  return { ok: true, upn, fullname: typeof claims.name === 'string' ? claims.name : '' };
}
