import { CLIENT_IDS, GRANT_TYPES, formBody, type OAuthErrorResponse, type TokenResponse } from '../../protocols/oauth.js';
import { ENTRA_PATHS } from '../../protocols/paths/entra.js';
import type { LabResponse } from '../../lab/lab.js';
import { send, type DeviceContext } from '../context.js';
import type { MdmTokenState } from '../state.js';
import { keepMdmToken, MDM_REDIRECT_URI, prtNonce } from './prt.js';

/** What a token from the PRT through authorize is for: the client, its registered redirect URI and the v1 resource. */
export interface PrtSsoRequest {
  clientId: string;
  redirectUri: string;
  resource: string;
}

/** MS-OAPXBC 2.2.2 (x-ms-RefreshTokenCredential): "2.0.1" tells Entra the client answers nonce challenges. */
const WINDOWS_API_VERSION = '2.0.1';

/** The first `<a href>` of a 302 body, HTML-decoded (libhimmelblau `exchange_prt_for_auth_code_internal` reads it there). */
function firstHref(html: string): string | null {
  const m = /<a\s[^>]*href="([^"]*)"/i.exec(html);
  return m ? m[1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : null;
}

/** Where a 302 points: the Location header, else the body's link. */
function redirectOf(res: LabResponse): URL | null {
  const to = res.headers.location ?? firstHref(res.text());
  try {
    return to ? new URL(to) : null;
  } catch {
    return null;
  }
}

/**
 * The two credentials, made inside the TPM for one nonce (MS-OAPXBC 3.1.5.2.1.3): the PRT cookie HS256 under KDFv2
 * of the session key (Windows signs with kdf_ver 2; ROADtools' `create_prt_cookie_kdf_ver_2` mirrors BrowserCore's
 * cookie with `is_primary`), and the device credential RS256 by the device key with x5c as an array (libhimmelblau
 * `DeviceCredentialPayload`).
 */
async function credentials(ctx: DeviceContext, nonce: string): Promise<Record<string, string>> {
  const join = ctx.state.require('join', 'join the device first');
  const prt = ctx.state.require('prt', 'get the PRT first (device.getPrt())');
  const hw = ctx.state.require('hardware', 'no hardware');
  const cookie = await ctx.tpm.sessionKeySignJwt(
    prt.sessionKeyHandle,
    { refresh_token: prt.prt, is_primary: 'true', request_nonce: nonce, win_ver: hw.osVersion, windows_api_version: WINDOWS_API_VERSION },
    { kdfVer: 2 },
  );
  const deviceCredential = await ctx.tpm.signJwt(
    join.deviceKeyHandle,
    { alg: 'RS256', typ: 'JWT', x5c: [join.deviceCertB64] },
    { grant_type: 'device_auth', iss: 'aad:brokerplugin', request_nonce: nonce, win_ver: hw.osVersion, windows_api_version: WINDOWS_API_VERSION },
  );
  return { 'x-ms-RefreshTokenCredential': cookie, 'x-ms-DeviceCredential': deviceCredential };
}

/**
 * A token from the PRT through the authorization endpoint, as Windows' web sign-in surfaces carry the PRT (the
 * x-ms-RefreshTokenCredential header, MS-OAPXBC 3.1.5.2.1.3) and libhimmelblau `exchange_prt_for_access_token`
 * does: a nonce, the cookie and device credential as headers on `GET /{tenant}/oauth2/authorize`, a code in the 302
 * (`Location`, or the body's first `<a href>`), redeemed by `grant_type=authorization_code` (RFC 6749 §4.1.3).
 * A 302 back to authorize with `sso_nonce` (a stale nonce) is answered once with credentials for that nonce
 * (libhimmelblau `acquire_prt_sso_cookie_with_nonce`).
 */
export async function tokenByPrtSso(ctx: DeviceContext, req: PrtSsoRequest): Promise<TokenResponse> {
  const join = ctx.state.require('join', 'join the device first');
  const query = new URLSearchParams({ client_id: req.clientId, response_type: 'code', redirect_uri: req.redirectUri, 'client-request-id': ctx.lab.ids.uuid(), resource: req.resource });
  let url = `${ctx.entraUrl}${ENTRA_PATHS.authorize(join.tenantId)}?${query}`;
  let nonce = await prtNonce(ctx);
  let code: string | null = null;
  for (let attempt = 0; attempt < 2 && code === null; attempt++) {
    const res = await send(ctx, { catalogId: 'entra.authorize.prt-sso', url, headers: await credentials(ctx, nonce) });
    const to = res.status === 302 ? redirectOf(res) : null;
    if (!to) throw new Error(`PRT SSO: authorize answered HTTP ${res.status} without a redirect: ${res.text().slice(0, 200)}`);
    const ssoNonce = to.searchParams.get('sso_nonce');
    if (!to.href.toLowerCase().startsWith(req.redirectUri.toLowerCase()) && ssoNonce) {
      url = to.href;
      nonce = ssoNonce;
      continue;
    }
    code = to.searchParams.get('code');
    if (!code) throw new Error(`PRT SSO: ${to.searchParams.get('error') ?? 'no code'}: ${to.searchParams.get('error_description') ?? to.href}`);
  }
  if (code === null) throw new Error('PRT SSO: Entra asked for a fresh nonce twice');
  const res = await send(ctx, {
    catalogId: 'prt.sso.redeem-code',
    url: `${ctx.entraUrl}${ENTRA_PATHS.token(join.tenantId)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody({ client_id: req.clientId, grant_type: GRANT_TYPES.authorizationCode, code, redirect_uri: req.redirectUri, resource: req.resource, client_info: '1' }),
  });
  if (res.status !== 200) {
    const err = (() => {
      try {
        return res.json<OAuthErrorResponse>();
      } catch {
        return null;
      }
    })();
    throw new Error(`PRT SSO code redemption: ${err ? `${err.error}: ${err.error_description}` : `HTTP ${res.status}`}`);
  }
  return res.json<TokenResponse>();
}

/**
 * The MDM enrollment token through PRT SSO on authorize: the same broker client and redirect URI as
 * the broker exchange, the token from a code (libhimmelblau takes this path for every token, including Intune's).
 */
export async function getMdmTokenByPrtSso(ctx: DeviceContext, resource: string): Promise<MdmTokenState> {
  const tokens = await tokenByPrtSso(ctx, { clientId: CLIENT_IDS.authBroker, redirectUri: MDM_REDIRECT_URI, resource });
  return keepMdmToken(ctx, tokens.access_token);
}
