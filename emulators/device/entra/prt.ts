import { CLIENT_IDS, GRANT_TYPES, formBody, type NonceResponse, type PrtResponse, type TokenResponse } from '../../protocols/oauth.js';
import { ENTRA_PATHS } from '../../protocols/paths/entra.js';
import { expectJson, send, type DeviceContext } from '../context.js';
import type { MdmTokenState, PrtState } from '../state.js';
import { accessTokenClaims } from './tokens.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function nonce(ctx: DeviceContext): Promise<string> {
  // Windows asks the nonce at /common and uses it against the tenant (PROTOCOL.md).
  const res = await send(ctx, {
    title: 'PRT nonce (srv_challenge)',
    catalogId: 'prt.nonce',
    url: `${ctx.entraUrl}${ENTRA_PATHS.token('common')}`,
    headers: FORM,
    body: formBody({ grant_type: GRANT_TYPES.srvChallenge }),
  });
  return expectJson<NonceResponse>(res, 'srv_challenge').Nonce;
}

/**
 * The Primary Refresh Token (MS-OAPXBC 3.2.5.1.2; entra-mde2.md §6.1–§6.4): a nonce, then a JWT signed inside the
 * TPM by the device key (header x5c = the device certificate as one base64 string, kdf_ver 2) carrying the
 * user's refresh token; the reply's session_key_jwe is unwrapped by the transport key inside the TPM and kept
 * there, sealed.
 */
export async function getPrt(ctx: DeviceContext): Promise<PrtState> {
  const join = ctx.state.require('join', 'join the device first (device.join())');
  const signIn = ctx.state.require('signIn', 'no sign-in');
  const hw = ctx.state.require('hardware', 'no hardware');
  const requestNonce = await nonce(ctx);
  const request = await ctx.tpm.signJwt(
    join.deviceKeyHandle,
    { alg: 'RS256', typ: 'JWT', x5c: join.deviceCertB64, kdf_ver: 2 },
    {
      client_id: CLIENT_IDS.authBroker,
      request_nonce: requestNonce,
      scope: 'openid aza ugs',
      win_ver: hw.osVersion,
      grant_type: 'refresh_token',
      refresh_token: signIn.refreshToken,
    },
  );
  const res = await send(ctx, {
    title: 'PRT request (device-key-signed JWT)',
    catalogId: 'prt.request',
    url: `${ctx.entraUrl}${ENTRA_PATHS.token(join.tenantId)}`,
    headers: FORM,
    // Windows writes the flag as .NET prints a boolean: tgt=True (PROTOCOL.md; entra-mde2.md §6.2).
    body: formBody({ windows_api_version: '2.2', grant_type: GRANT_TYPES.jwtBearer, request, client_info: '1', tgt: 'True' }),
  });
  const prt = expectJson<PrtResponse>(res, 'PRT request');
  const sessionKeyHandle = await ctx.tpm.unwrapSessionKey(join.transportKeyHandle, prt.session_key_jwe);
  const state: PrtState = { prt: prt.refresh_token, sessionKeyHandle, expiresOn: Number(prt.expires_on) };
  await ctx.lab.local({ party: 'device', catalogId: 'device.cloudap.keep-prt' }, () =>
    ctx.store.tx((db) => ctx.state.set(db, 'prt', state)),
  );
  return state;
}

/**
 * The MDM enrollment token from the PRT (MS-OAPXBC 3.2.5.1.3; entra-mde2.md §6.6 case 1, §11.1 step 7): a request
 * HS256-signed inside the TPM with a key derived from the session key, for the MDM resource with the broker
 * client and redirect ms-aadj-redir://auth/mdm; the JWE reply is decrypted inside the TPM. The token carries the
 * `deviceid` claim.
 */
export async function getMdmToken(ctx: DeviceContext, resource: string): Promise<MdmTokenState> {
  const join = ctx.state.require('join', 'join the device first');
  const prt = ctx.state.require('prt', 'get the PRT first (device.getPrt())');
  const hw = ctx.state.require('hardware', 'no hardware');
  const requestNonce = await nonce(ctx);
  const request = await ctx.tpm.sessionKeySignJwt(prt.sessionKeyHandle, {
    client_id: CLIENT_IDS.authBroker,
    grant_type: 'refresh_token',
    refresh_token: prt.prt,
    request_nonce: requestNonce,
    scope: 'openid',
    resource,
    redirect_uri: 'ms-aadj-redir://auth/mdm',
    iss: 'aad:brokerplugin',
    aud: 'login.microsoftonline.com',
    win_ver: hw.osVersion,
  });
  const res = await send(ctx, {
    title: 'PRT → MDM access token (session-key-signed)',
    catalogId: 'prt.exchange',
    url: `${ctx.entraUrl}${ENTRA_PATHS.token(join.tenantId)}`,
    headers: FORM,
    body: formBody({ grant_type: GRANT_TYPES.jwtBearer, request, windows_api_version: '2.2', client_info: '1' }),
  });
  if (res.status !== 200) throw new Error(`PRT exchange: HTTP ${res.status} ${res.text().slice(0, 300)}`);
  const tokens = JSON.parse(await ctx.tpm.sessionKeyDecrypt(prt.sessionKeyHandle, res.text().trim())) as TokenResponse;
  const claims = accessTokenClaims(tokens.access_token);
  const state: MdmTokenState = { accessToken: tokens.access_token, expiresOn: claims.exp, deviceId: claims.deviceid };
  await ctx.lab.local({ party: 'device', catalogId: 'device.wam.keep-mdm-token' }, () => ctx.store.tx((db) => ctx.state.set(db, 'mdmToken', state)));
  return state;
}
