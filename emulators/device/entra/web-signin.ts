import { createHash } from 'node:crypto';
import { CLIENT_IDS, RESOURCES, formBody, type OAuthErrorResponse, type TokenResponse } from '../../protocols/oauth.js';
import { readConfig, type LoginConfig } from '../../protocols/login-config.js';
import { ENTRA_PATHS } from '../../protocols/paths/entra.js';
import type { LabResponse } from '../../lab/lab.js';
import { send, type DeviceContext } from '../context.js';
import type { DeviceUser } from './user.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_UTF8 = 'application/json; charset=utf-8';
/** Windows' OOBE join redirect: CloudExperienceHost catches it and hands the code to the broker (libhimmelblau `get_auth_redirect_uri`). */
export const AADJ_DRS_REDIRECT = 'ms-aadj-redir://auth/drs';
/** Don't poll for ever: a lab user who never answers ends the sign-in after this many polls (or iMaxPollAttempts). */
const MAX_POLLS = 100;

/** What BeginAuth and EndAuth answer (libhimmelblau's `AuthResponse`, with DavMail's `ResultValue` / `SessionId`). */
interface AuthResponse {
  Success: boolean;
  ResultValue?: string;
  Retry?: boolean;
  Message?: string | null;
  ErrCode?: number;
  FlowToken: string;
  Ctx: string;
  SessionId?: string;
  Entropy: number;
}

function configOf(res: LabResponse, what: string): LoginConfig {
  if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status}`);
  const cfg = readConfig(res.text());
  if (!cfg) throw new Error(`${what}: the page has no $Config`);
  // The page shows an error the way libhimmelblau `parse_auth_config` reads it.
  if (cfg.sErrorCode || cfg.iErrorCode) throw new Error(`${what}: ${cfg.sErrTxt ?? cfg.strServiceExceptionMessage ?? `AADSTS${cfg.sErrorCode ?? cfg.iErrorCode}`}`);
  return cfg;
}

function need<T>(v: T | undefined | null, what: string): T {
  if (v === undefined || v === null || v === '') throw new Error(`the login page has no ${what}`);
  return v;
}

/** The code in a 302 to the redirect URI (RFC 6749 §4.1.2), or the error it carries (§4.1.2.1). */
function codeOf(res: LabResponse, what: string): string {
  const location = res.headers.location;
  if (res.status !== 302 || typeof location !== 'string') return '';
  const q = new URL(location).searchParams;
  if (q.get('error')) throw new Error(`${what}: ${q.get('error')}: ${q.get('error_description')}`);
  return q.get('code') ?? '';
}

function authResponse(res: LabResponse, what: string): AuthResponse {
  if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status}`);
  return res.json<AuthResponse>();
}

/**
 * Windows' OOBE sign-in ("Sign in with your work or school account"): CloudExperienceHost is a browser on the login
 * pages (entra-mde2.md corrections §3), for the broker client 29d9ed98 with `redirect_uri=ms-aadj-redir://auth/drs`
 * and the DRS resource (libhimmelblau `initiate_acquire_token_by_mfa_flow_for_device_enrollment`, which names the
 * same steps): the page's `$Config`, GetCredentialType, the password POST and, for an MFA user, BeginAuth → the
 * user answers on the phone → EndAuth polled on the lab clock → ProcessAuth; the code at the redirect URI is
 * redeemed for the DRS access token and a refresh token. `beforeTyping` is the user's prompt, once the page is up.
 */
export async function webSignIn(ctx: DeviceContext, user: DeviceUser, tenant: string, beforeTyping: () => Promise<unknown>): Promise<TokenResponse> {
  const entra = ctx.entraUrl!;
  // PKCE (RFC 7636 §4.1–4.2): the verifier never leaves the device until the code is redeemed.
  const verifier = ctx.lab.ids.text(32);
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_IDS.authBroker,
    redirect_uri: AADJ_DRS_REDIRECT,
    resource: RESOURCES.drs,
    'client-request-id': ctx.lab.ids.uuid(),
    prompt: 'login',
    login_hint: user.upn,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const page = await send(ctx, { catalogId: 'entra.authorize', title: 'OOBE: open the sign-in page (authorize, ms-aadj-redir://auth/drs)', url: `${entra}${ENTRA_PATHS.authorize(tenant)}?${query}` });
  const first = configOf(page, 'authorize');
  await beforeTyping();

  const credType = await send(ctx, {
    catalogId: 'entra.login.credential-type',
    url: need(first.urlGetCredentialType, 'urlGetCredentialType'),
    headers: { 'content-type': JSON_UTF8, canary: need(first.apiCanary, 'apiCanary') },
    body: JSON.stringify({ username: user.upn, isOtherIdpSupported: true, checkPhones: false, isRemoteNGCSupported: true, isCookieBannerShown: false, isFidoSupported: true, originalRequest: first.sCtx, flowToken: first.sFT }),
  });
  if (credType.status !== 200) throw new Error(`GetCredentialType: ${credType.json<OAuthErrorResponse>().error_description}`);
  const ct = credType.json<{ IfExistsResult: number; FlowToken: string; Credentials: { HasPassword: boolean } }>();
  if (ct.IfExistsResult !== 0) throw new Error(`GetCredentialType: ${user.upn} is not an account of this tenant (IfExistsResult ${ct.IfExistsResult})`);
  if (!ct.Credentials.HasPassword) throw new Error('GetCredentialType: the account has no password');

  const signedIn = await send(ctx, {
    catalogId: 'entra.login.credentials',
    url: need(first.urlPost, 'urlPost'),
    headers: FORM,
    // The fields of the sign-in page's form (libhimmelblau `handle_auth_config_req_internal` sends login, passwd, ctx, flowToken, canary).
    body: formBody({ i13: '0', login: user.upn, loginfmt: user.upn, type: '11', LoginOptions: '3', passwd: user.password, ps: '2', canary: first.canary, ctx: first.sCtx, hpgrequestid: first.sessionId, flowToken: ct.FlowToken }),
  });
  let code = codeOf(signedIn, 'Sign-in');
  if (!code) {
    const tfa = configOf(signedIn, 'Sign-in');
    const proof = need(tfa.arrUserProofs?.find((p) => p.isDefault) ?? tfa.arrUserProofs?.[0], 'MFA method (arrUserProofs)');
    code = await mfa(ctx, user, tfa, proof.authMethodId);
  }
  if (!code) throw new Error('sign-in: no authorization code came back to the redirect URI');

  const redeemed = await send(ctx, {
    catalogId: 'entra.token.auth-code',
    title: 'Authorization code → DRS access token + refresh token',
    url: `${entra}${ENTRA_PATHS.token(tenant)}`,
    headers: FORM,
    body: formBody({ grant_type: 'authorization_code', client_id: CLIENT_IDS.authBroker, code, redirect_uri: AADJ_DRS_REDIRECT, code_verifier: verifier, client_info: '1' }),
  });
  if (redeemed.status !== 200) throw new Error(`authorization code: ${redeemed.text().slice(0, 300)}`);
  return redeemed.json<TokenResponse>();
}

/** The MFA page (ConvergedTFA), as its script drives it in CloudExperienceHost: BeginAuth, EndAuth polled, ProcessAuth. */
async function mfa(ctx: DeviceContext, user: DeviceUser, tfa: LoginConfig, method: string): Promise<string> {
  const api = { 'content-type': JSON_UTF8, canary: need(tfa.apiCanary, 'apiCanary') };
  const begun = authResponse(
    await send(ctx, {
      catalogId: 'entra.login.begin-auth',
      url: need(tfa.urlBeginAuth, 'urlBeginAuth'),
      headers: api,
      body: JSON.stringify({ AuthMethodId: method, Method: 'BeginAuth', ctx: tfa.sCtx, flowToken: tfa.sFT }),
    }),
    'BeginAuth',
  );
  if (!begun.Success) throw new Error(`BeginAuth: ${begun.ResultValue}: ${begun.Message ?? ''}`);
  const sessionId = begun.SessionId ?? need(tfa.sessionId, 'sessionId');
  const intervalMs = tfa.iPollingInterval ?? 3000;
  const maxPolls = Math.min(tfa.iMaxPollAttempts ?? MAX_POLLS, MAX_POLLS);
  let flow = { ctx: begun.Ctx, flowToken: begun.FlowToken };
  const poll = async (n: number) => {
    // The page polls every iPollingInterval ms; the lab waits by its clock, so a pinned clock never stalls.
    ctx.lab.clock.advance(intervalMs);
    const r = authResponse(
      await send(ctx, {
        catalogId: 'entra.login.end-auth',
        title: `MFA: poll EndAuth (${n})`,
        url: need(tfa.urlEndAuth, 'urlEndAuth'),
        headers: api,
        body: JSON.stringify({ AuthMethodId: method, Method: 'EndAuth', SessionId: sessionId, FlowToken: flow.flowToken, Ctx: flow.ctx, PollCount: n }),
      }),
      'EndAuth',
    );
    if (!r.Success && !r.Retry) throw new Error(`EndAuth: ${r.ResultValue}: ${r.Message ?? ''}`);
    flow = { ctx: r.Ctx || flow.ctx, flowToken: r.FlowToken || flow.flowToken };
    return r.Success;
  };
  // Windows polls while the user reaches for the phone: the first answer is AuthenticationPending.
  let done = await poll(1);
  if (!done) {
    await ctx.lab.local(
      { party: 'user', to: 'entra', catalogId: 'user.mfa-answer', title: `MFA: the user approves the sign-in on the phone (number ${begun.Entropy})`, detail: { sessionId, entropy: begun.Entropy } },
      async () => {
        if (!user.approveMfa) throw new Error('the user cannot approve MFA in this scenario');
        await user.approveMfa(sessionId, begun.Entropy);
      },
    );
    for (let n = 2; !done; n++) {
      if (n > maxPolls) throw new Error('EndAuth: the user did not answer the push in time');
      done = await poll(n);
    }
  }
  const processed = await send(ctx, {
    catalogId: 'entra.login.process-auth',
    url: need(tfa.urlPost, 'urlPost (ProcessAuth)'),
    headers: FORM,
    body: formBody({ type: '22', request: flow.ctx, mfaAuthMethod: method, canary: tfa.canary, login: user.upn, flowToken: flow.flowToken, hpgrequestid: sessionId }),
  });
  const code = codeOf(processed, 'ProcessAuth');
  if (!code) configOf(processed, 'ProcessAuth');
  return code;
}
