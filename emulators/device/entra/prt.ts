import { CLIENT_IDS, GRANT_TYPES, formBody, type NonceResponse, type PrtResponse, type TokenResponse } from '../../protocols/oauth.js';
import { ENTRA_PATHS } from '../../protocols/paths/entra.js';
import { expectJson, send, type DeviceContext } from '../context.js';
import type { MdmTokenState, PrtState } from '../state.js';
import { accessTokenClaims } from './tokens.js';
import type { DeviceUser } from './user.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** srv_challenge (MS-OAPXBC 3.1.5.1.1): the nonce every PRT request, exchange and PRT cookie carries. */
export async function prtNonce(ctx: DeviceContext, title = 'PRT nonce (srv_challenge)'): Promise<string> {
  // Windows asks the nonce at /common and uses it against the tenant (PROTOCOL.md).
  const res = await send(ctx, {
    title,
    catalogId: 'prt.nonce',
    url: `${ctx.entraUrl}${ENTRA_PATHS.token('common')}`,
    headers: FORM,
    body: formBody({ grant_type: GRANT_TYPES.srvChallenge }),
  });
  return expectJson<NonceResponse>(res, 'srv_challenge').Nonce;
}

/**
 * The Primary Refresh Token as Windows gets it at the user's logon (MS-OAPXBC 3.2.5.1.2; entra-mde2.md §6.1–§6.4,
 * corrections §4, §6): CloudAP's password grant, client 38aa3b87, scope `openid aza ugs`, the user name and password
 * inside a JWT signed in the TPM by the device key, header `x5c` the device certificate as an array (MS-OAPXBC's
 * example, libhimmelblau `build_jwt_by_username_password`), the form with `tgt=true` for the Kerberos TGTs
 * (libhimmelblau `acquire_user_prt_jwt`, AADInternals). The reply's session_key_jwe is unwrapped by the transport key
 * inside the TPM and kept there, sealed.
 */
export async function getPrt(ctx: DeviceContext, user: Pick<DeviceUser, 'upn' | 'password'>): Promise<PrtState> {
  return requestPrt(ctx, { grant_type: GRANT_TYPES.password, username: user.upn, password: user.password });
}

/**
 * A PRT for the refresh token of an interactive sign-in (MS-OAPXBC 3.2.5.1.2, the refresh_token payload;
 * libhimmelblau `acquire_user_prt_by_refresh_token`): the PRT then carries that sign-in's methods (its MFA), which
 * is how Windows Hello provisioning, which demands MFA, gets a DRS token with `mfa` from a device-bound PRT
 * (libhimmelblau `provision_hello_for_business_key` → `acquire_token_by_refresh_token_internal`).
 */
export async function getPrtByRefreshToken(ctx: DeviceContext, refreshToken: string, title: string): Promise<PrtState> {
  return requestPrt(ctx, { grant_type: GRANT_TYPES.refreshToken, refresh_token: refreshToken }, title);
}

/** How a PRT request shows on the timeline: its step kind and titles (the Hello grant has its own). */
export interface PrtRequestLabels {
  catalogId?: 'prt.request' | 'prt.request.hello';
  title?: string;
  keepTitle?: string;
  what?: string;
}

/** The device-key-signed PRT request with a user proof; the session key is unwrapped and kept in the TPM. */
export async function requestPrt(ctx: DeviceContext, proof: Record<string, string>, title?: string, labels: PrtRequestLabels = {}): Promise<PrtState> {
  const join = ctx.state.require('join', 'join the device first (device.join())');
  const hw = ctx.state.require('hardware', 'no hardware');
  const requestNonce = await prtNonce(ctx);
  const request = await ctx.tpm.signJwt(
    join.deviceKeyHandle,
    { alg: 'RS256', typ: 'JWT', x5c: [join.deviceCertB64] },
    { client_id: CLIENT_IDS.windowsSignIn, request_nonce: requestNonce, scope: 'openid aza ugs', win_ver: hw.osVersion, ...proof },
  );
  const res = await send(ctx, {
    catalogId: labels.catalogId ?? 'prt.request',
    ...(title && { title }),
    url: `${ctx.entraUrl}${ENTRA_PATHS.token(join.tenantId)}`,
    headers: FORM,
    // windows_api_version 2.2 as ROADtools' "Windows API flow" (request_token_with_devicecert_signed_payload) sends it.
    body: formBody({ windows_api_version: '2.2', grant_type: GRANT_TYPES.jwtBearer, request, client_info: '1', tgt: 'true' }),
  });
  const prt = expectJson<PrtResponse>(res, labels.what ?? 'PRT request');
  const sessionKeyHandle = await ctx.tpm.unwrapSessionKey(join.transportKeyHandle, prt.session_key_jwe);
  const state: PrtState = { prt: prt.refresh_token, sessionKeyHandle, expiresOn: Number(prt.expires_on) };
  await ctx.lab.local({ party: 'device', catalogId: 'device.cloudap.keep-prt', ...(labels.keepTitle && { title: labels.keepTitle }) }, () =>
    ctx.store.tx((db) => ctx.state.set(db, 'prt', state)),
  );
  return state;
}

/** How the device gets its MDM enrollment token from the PRT. */
export type MdmTokenVia = 'broker' | 'prt-sso';

/** The MDM enrollment client and redirect URI of Windows' Entra join (entra-mde2.md §1.1, §11.1 step 7). */
export const MDM_REDIRECT_URI = 'ms-aadj-redir://auth/mdm';

/** WAM keeps the MDM access token for the enrollment client. */
export async function keepMdmToken(ctx: DeviceContext, accessToken: string): Promise<MdmTokenState> {
  const claims = accessTokenClaims(accessToken);
  const state: MdmTokenState = { accessToken, expiresOn: claims.exp, deviceId: claims.deviceid };
  await ctx.lab.local({ party: 'device', catalogId: 'device.wam.keep-mdm-token' }, () => ctx.store.tx((db) => ctx.state.set(db, 'mdmToken', state)));
  return state;
}

/**
 * The MDM enrollment token from the PRT as WAM's AAD broker plugin asks it (MS-OAPXBC 3.2.5.1.3; entra-mde2.md
 * §6.6 case 1, §11.1 step 7; ROADtools `aad_brokerplugin_prt_auth` emulates it): a request HS256-signed inside the
 * TPM with a KDFv2 key of the session key, for the MDM resource with the broker client and redirect
 * ms-aadj-redir://auth/mdm; the JWE reply is decrypted inside the TPM. The token carries the `deviceid` claim.
 */
export async function getMdmToken(ctx: DeviceContext, resource: string): Promise<MdmTokenState> {
  const tokens = await brokerExchange(ctx, { resource, redirectUri: MDM_REDIRECT_URI, title: 'WAM: PRT → MDM access token (session-key-signed)' });
  return keepMdmToken(ctx, tokens.access_token);
}

/**
 * WAM's AAD broker plugin asks a token for a resource from the PRT (MS-OAPXBC 3.2.5.1.3): a request HS256-signed in
 * the TPM with a key derived from the session key (broker client, `iss: aad:brokerplugin`), the JWE reply decrypted in
 * the TPM. The MDM enrollment token and Hello provisioning's DRS token come this way.
 */
export async function brokerExchange(ctx: DeviceContext, ask: { resource: string; redirectUri: string; title: string }): Promise<TokenResponse> {
  const join = ctx.state.require('join', 'join the device first');
  const prt = ctx.state.require('prt', 'get the PRT first (device.getPrt())');
  const hw = ctx.state.require('hardware', 'no hardware');
  const requestNonce = await prtNonce(ctx);
  const request = await ctx.tpm.sessionKeySignJwt(prt.sessionKeyHandle, {
    client_id: CLIENT_IDS.authBroker,
    grant_type: 'refresh_token',
    refresh_token: prt.prt,
    request_nonce: requestNonce,
    scope: 'openid',
    resource: ask.resource,
    redirect_uri: ask.redirectUri,
    iss: 'aad:brokerplugin',
    aud: 'login.microsoftonline.com',
    win_ver: hw.osVersion,
  });
  const res = await send(ctx, {
    title: ask.title,
    catalogId: 'prt.exchange',
    url: `${ctx.entraUrl}${ENTRA_PATHS.token(join.tenantId)}`,
    headers: FORM,
    body: formBody({ grant_type: GRANT_TYPES.jwtBearer, request, windows_api_version: '2.2', client_info: '1' }),
  });
  if (res.status !== 200) throw new Error(`PRT exchange for ${ask.resource}: HTTP ${res.status} ${res.text().slice(0, 300)}`);
  return JSON.parse(await ctx.tpm.sessionKeyDecrypt(prt.sessionKeyHandle, res.text().trim())) as TokenResponse;
}
