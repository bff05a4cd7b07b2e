import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { brokerExchange, getPrtByRefreshToken, prtNonce, requestPrt } from './prt.js';
import { dsregHeaders } from './drs-join.js';
import { GRANT_TYPES, RESOURCES } from '../../protocols/oauth.js';
import type { DrsDiscovery, KeyProvisionRequest, KeyProvisionResponse } from '../../protocols/drs.js';
import { ENTRA_PATHS } from '../../protocols/paths/entra.js';
import { expectJson, send, type DeviceContext } from '../context.js';
import type { HelloState, PrtState } from '../state.js';

/** The jwt-bearer user proof inside a Hello PRT request (libhimmelblau HelloForBusinessPayload, ROADtools get_prt_with_hello_key). */
const NGC_GRANT = GRANT_TYPES.jwtBearer;

/**
 * Phase A of Hello provisioning (Learn "How Windows Hello for Business provisioning works"; libhimmelblau
 * provision_hello_for_business_key → acquire_token_by_refresh_token_internal): an access token for DRS from the PRT,
 * through the broker's session-key-signed exchange, so that it carries the device id and the PRT's MFA.
 */
async function drsTokenFromPrt(ctx: DeviceContext, resource: string): Promise<string> {
  return (await brokerExchange(ctx, { resource, redirectUri: 'ms-aadj-redir://auth/drs', title: 'PRT → DRS access token for Hello provisioning (session-key-signed)' })).access_token;
}

/** An access token whose `amr` has `mfa` or `ngcmfa` (libhimmelblau `amr_mfa`). */
function hasMfa(accessToken: string): boolean {
  const amr = decodeJwt(accessToken).amr;
  return Array.isArray(amr) && amr.some((m) => m === 'mfa' || m === 'ngcmfa');
}

/**
 * Windows Hello for Business provisioning on an Entra-joined device (Learn "How Windows Hello for Business
 * provisioning works", phases A–C; libhimmelblau provision_hello_for_business_key): a DRS token from the PRT, the
 * KeyProvisioningService from DRS discovery, the user creates a PIN, the TPM creates the Hello key under it, and
 * its public BCRYPT blob is registered at the KeyProvisionEndpoint (MS-KPP 3.1.5.1.1). The key never leaves the TPM.
 */
export async function provisionHello(ctx: DeviceContext, pin: string): Promise<HelloState> {
  const signIn = ctx.state.require('signIn', 'the user must sign in first');
  const hw = ctx.state.require('hardware', 'no hardware');
  if (!ctx.entraUrl) throw new Error('the device has no Entra URL');
  const drsBase = ctx.drsUrl ?? ctx.entraUrl;

  // Phase A: the ADRS token first (Learn, phase A), then where the key goes (libhimmelblau discovers it).
  let drsToken = await drsTokenFromPrt(ctx, RESOURCES.drs);
  // Hello enrollment demands MFA (libhimmelblau provision_hello_for_business_key): a PRT from a password logon has
  // none, so the device gets one for the refresh token of the user's MFA sign-in and asks again from it.
  if (!hasMfa(drsToken)) {
    await getPrtByRefreshToken(ctx, signIn.refreshToken, 'CloudAP: PRT request with the MFA sign-in\'s refresh token (Hello demands MFA)');
    drsToken = await drsTokenFromPrt(ctx, RESOURCES.drs);
    if (!hasMfa(drsToken)) throw new Error('Windows Hello provisioning needs an MFA sign-in: the user signed in without MFA');
  }
  const discovery = expectJson<DrsDiscovery>(
    await send(ctx, { title: 'DRS discovery (KeyProvisioningService)', catalogId: 'drs.discover', url: `${drsBase}${ENTRA_PATHS.drsDiscover(signIn.tenantId)}?api-version=1.9`, headers: dsregHeaders(hw.osVersion, drsToken) }),
    'DRS discovery',
  );
  const service = discovery.KeyProvisioningService;
  if (!service?.KeyProvisionEndpoint) throw new Error('DRS discovery has no KeyProvisioningService.KeyProvisionEndpoint');
  // A registration service that names another resource for keys gets a token for that one.
  if (service.KeyProvisionResourceId && service.KeyProvisionResourceId !== RESOURCES.drs) drsToken = await drsTokenFromPrt(ctx, service.KeyProvisionResourceId);

  // Phase B: the PIN, then the key pair made in the TPM under it.
  await ctx.lab.local(
    { party: 'device', to: 'user', catalogId: 'device.hello.pin-setup', title: 'Windows Hello: "Set up a PIN" (the user creates and confirms it)', detail: { upn: signIn.upn, pinLength: pin.length } },
    () => ({ pinLength: pin.length }),
  );
  const key = await ctx.tpm.createHelloKey(pin);
  const blob = await ctx.tpm.exportPublic(key.handle, 'bcrypt');

  // Phase C: register the public key (MS-KPP 3.1.5.1.1.1) with the DRS token.
  const sep = service.KeyProvisionEndpoint.includes('?') ? '&' : '?';
  const body: KeyProvisionRequest = { kngc: blob.toString('base64') };
  const reply = expectJson<KeyProvisionResponse>(
    await send(ctx, {
      catalogId: 'drs.key-provision',
      url: `${service.KeyProvisionEndpoint}${sep}api-version=${service.ServiceVersion || '1.0'}`,
      headers: { ...dsregHeaders(hw.osVersion, drsToken), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    'Windows Hello key registration',
  );
  return ctx.lab.local({ party: 'device', catalogId: 'device.hello.keep-key' }, () => {
    // The kid the assertions will name, computed as libhimmelblau build_jwt_by_hello_for_business_key does.
    const state: HelloState = { upn: reply.upn || signIn.upn, keyHandle: key.handle, kid: createHash('sha256').update(blob).digest('base64'), keyId: reply.kid };
    ctx.store.tx((db) => ctx.state.set(db, 'hello', state));
    return state;
  }, (s) => ({ kid: s.kid, keyId: s.keyId }));
}

/**
 * A Windows Hello sign-in (Learn "Windows Hello for Business authentication", Entra join phases A–D; libhimmelblau
 * acquire_user_prt_by_hello_for_business_key): the PIN unlocks the Hello key, which signs an assertion around a
 * fresh nonce; the device key signs the PRT request that carries it (x5c as an array, as MS-OAPXBC shows). The new
 * PRT's session key is unwrapped into the TPM and the PRT replaces the one CloudAP held.
 */
export async function helloSignIn(ctx: DeviceContext, pin: string): Promise<PrtState> {
  ctx.state.require('join', 'join the device first');
  const hello = ctx.state.require('hello', 'provision Windows Hello first (device.provisionHello())');
  await ctx.lab.local({ party: 'user', to: 'device', catalogId: 'user.hello-pin', title: `Lock screen: ${hello.upn} signs in with the Windows Hello PIN`, detail: { upn: hello.upn } }, () => ({ gesture: 'PIN' }));

  // libhimmelblau and ROADtools take one nonce for the assertion and another for the request around it.
  const assertionNonce = await prtNonce(ctx, 'PRT nonce for the Hello assertion (srv_challenge)');
  const now = ctx.lab.clock.seconds();
  const assertion = await ctx.tpm.signJwtWithPin(
    hello.keyHandle,
    pin,
    { alg: 'RS256', typ: 'JWT', use: 'ngc', kid: hello.kid },
    // libhimmelblau HelloForBusinessAssertion: iss the UPN, aud "common", a ±5-minute window.
    { iss: hello.upn, aud: 'common', iat: now - 300, exp: now + 300, scope: 'openid aza ugs', request_nonce: assertionNonce },
  );
  // CloudAP's client and scope (ROADtools get_prt_with_hello_key; libhimmelblau sends the broker's).
  return requestPrt(ctx, { grant_type: NGC_GRANT, username: hello.upn, assertion }, undefined, {
    catalogId: 'prt.request.hello',
    what: 'Windows Hello PRT request',
    keepTitle: 'CloudAP: keep the Windows Hello PRT (its session key stays in the TPM)',
  });
}

