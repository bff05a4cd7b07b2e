import { CLIENT_IDS, GRANT_TYPES, RESOURCES, formBody, type DeviceCodeResponse, type OAuthErrorResponse, type TokenResponse } from '../../protocols/oauth.js';
import { webSignIn } from './web-signin.js';
import type { LabResponse } from '../../lab/lab.js';
import { ENTRA_PATHS } from '../../protocols/paths/entra.js';
import { send, type DeviceContext } from '../context.js';
import type { StepKindId } from '../../protocols/steps.js';
import type { SignInState } from '../state.js';
import { accessTokenClaims } from './tokens.js';
import type { DeviceUser, SignInMethod } from './user.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/** What the broker asks for at OOBE: the MDM enrollment resource plus a refresh token (libhimmelblau, §5.2). */
const SIGNIN_SCOPE = `openid profile offline_access ${RESOURCES.intuneEnrollment}.default`;
/** Don't poll for ever: a lab user who never approves ends the sign-in after this much lab time. */
const MAX_WAIT_MS = 15 * 60_000;

function oauthError(res: LabResponse): OAuthErrorResponse | null {
  if (res.status < 400) return null;
  try {
    return res.json<OAuthErrorResponse>();
  } catch {
    return null;
  }
}

function tokensOf(res: LabResponse, what: string): TokenResponse {
  const err = oauthError(res);
  if (err || res.status !== 200) throw new Error(`${what}: ${err ? `${err.error}: ${err.error_description}` : `HTTP ${res.status}`}`);
  return res.json<TokenResponse>();
}

/** Poll the token endpoint on the lab clock while Entra answers authorization_pending (RFC 8628 §3.5). */
async function poll(ctx: DeviceContext, url: string, body: string, interval: number, title: string, catalogId: StepKindId): Promise<TokenResponse> {
  const started = ctx.lab.clock.now();
  for (;;) {
    const res = await send(ctx, { title, catalogId, url, headers: FORM, body });
    const err = oauthError(res);
    if (!err) return tokensOf(res, title);
    if (err.error !== 'authorization_pending' && err.error !== 'slow_down') throw new Error(`${title}: ${err.error}: ${err.error_description}`);
    if (ctx.lab.clock.now() - started > MAX_WAIT_MS) throw new Error(`${title}: the user did not approve in time`);
    ctx.lab.clock.advance((err.error === 'slow_down' ? interval + 5 : interval) * 1000);
  }
}

/**
 * The user signs in at OOBE ("Sign in with your work or school account", entra-mde2.md §11.1 step 1) with the
 * Authentication Broker client: on the login pages (web-signin.ts; a password, and the Authenticator push for an
 * MFA user), or with a device code. The sign-in is the run's first authentication prompt. Leaves the refresh token
 * (and, from the login pages, the DRS access token the join uses) in the device's token cache.
 */
export async function oobeSignIn(ctx: DeviceContext, user: DeviceUser, method: SignInMethod = 'password', tenant = 'organizations'): Promise<SignInState> {
  if (!ctx.entraUrl) throw new Error('the device has no Entra URL');
  const tokenUrl = `${ctx.entraUrl}${ENTRA_PATHS.token(tenant, '2.0')}`;
  let tokens: TokenResponse;

  if (method === 'device-code') {
    const dc = await send(ctx, {
      title: 'Device code: start',
      catalogId: 'entra.devicecode',
      url: `${ctx.entraUrl}${ENTRA_PATHS.deviceCode(tenant, '2.0')}`,
      headers: FORM,
      body: formBody({ client_id: CLIENT_IDS.authBroker, scope: SIGNIN_SCOPE }),
    });
    if (dc.status !== 200) throw new Error(`device code: HTTP ${dc.status} ${dc.text().slice(0, 200)}`);
    const code = dc.json<DeviceCodeResponse>();
    const page = code.verification_uri ?? code.verification_url ?? '';
    await ctx.lab.local({ party: 'device', to: 'user', catalogId: 'oobe.signin-prompt', title: `OOBE: ${code.message}`, prompt: { kind: 'signin', text: code.message } }, () => ({
      userCode: code.user_code,
      verificationUri: page,
    }));
    const interval = Number(code.interval) || 5;
    const pollBody = formBody({ grant_type: GRANT_TYPES.deviceCode, client_id: CLIENT_IDS.authBroker, device_code: code.device_code });
    // Windows polls while the user walks to another screen (RFC 8628 §3.4–3.5): the first answer is
    // authorization_pending; the user enters the code in between.
    ctx.lab.clock.advance(interval * 1000);
    const first = await send(ctx, { catalogId: 'entra.token.device-code', title: 'Device code: poll token endpoint', url: tokenUrl, headers: FORM, body: pollBody });
    if (oauthError(first)) {
      await ctx.lab.local({ party: 'user', to: 'entra', catalogId: 'user.devicelogin', title: `Device code: the user enters ${code.user_code} at ${page}` }, async () => {
        if (!user.approveDeviceCode) throw new Error('the user cannot enter a device code in this scenario');
        await user.approveDeviceCode(code.user_code, page);
      });
      ctx.lab.clock.advance(interval * 1000);
      tokens = await poll(ctx, tokenUrl, pollBody, interval, 'Device code: poll token endpoint', 'entra.token.device-code');
    } else tokens = tokensOf(first, 'Device code');
  } else {
    // Password and MFA users alike sign in on the login pages; Entra decides whether the MFA page follows.
    tokens = await webSignIn(ctx, user, tenant, () =>
      ctx.lab.local(
        { party: 'device', to: 'user', catalogId: 'oobe.signin-prompt', title: 'OOBE: "Sign in with your work or school account"', prompt: { kind: 'signin', text: `Sign in as ${user.upn} (Windows setup)` } },
        () => ({ upn: user.upn }),
      ),
    );
  }

  const claims = accessTokenClaims(tokens.access_token);
  const signIn: SignInState = {
    method,
    upn: claims.upn || user.upn,
    tenantId: claims.tid,
    userObjectId: claims.oid,
    refreshToken: tokens.refresh_token ?? '',
    accessToken: tokens.access_token,
  };
  if (!signIn.refreshToken) throw new Error('sign-in: Entra returned no refresh token');
  await ctx.lab.local({ party: 'device', catalogId: 'device.wam.keep-refresh-token' }, () => ctx.store.tx((db) => ctx.state.set(db, 'signIn', signIn)));
  return signIn;
}
