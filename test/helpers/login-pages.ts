import type { Lab, LabResponse } from '../../emulators/lab/lab.js';
import { readConfig, type LoginConfig } from '../../emulators/protocols/login-config.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';
import { BROKER, get, postForm, postJson, type EntraFixture } from './entra.js';

/**
 * A client of the login pages written from libhimmelblau src/auth.rs (the requests, their fields and headers), for
 * the Entra tests: `request_auth_config_internal`, `get_cred_type`, `handle_auth_config_req_internal`,
 * `mfa_begin_auth_internal`, the EndAuth poll of `acquire_token_by_mfa_flow`, `request_authorization_internal`.
 */
export const MSAUTH = 'msauth://Microsoft.AAD.BrokerPlugin';
/** The Intune service principal libhimmelblau's enrollment sign-in asks for (`check_user_exists`). */
export const INTUNE_SP = '0000000a-0000-0000-c000-000000000000';
const LINUX_BROKER = 'b743a22d-6705-4147-8670-d92fa515ee2b';

export interface Page {
  res: LabResponse;
  config: LoginConfig;
}

export function page(res: LabResponse): Page {
  const config = readConfig(res.text());
  if (!config) throw new Error(`no $Config in HTTP ${res.status}: ${res.text().slice(0, 200)}`);
  return { res, config };
}

/** `request_auth_config_internal`: GET the v1 authorize page (prompt=login, amr_values=ngcmfa, the caller app). */
export async function authorizePage(f: EntraFixture, over: Record<string, string> = {}): Promise<Page> {
  const q = new URLSearchParams({
    client_id: BROKER,
    response_type: 'code',
    redirect_uri: MSAUTH,
    'client-request-id': f.lab.ids.uuid(),
    prompt: 'login',
    scope: 'openid profile ',
    response_mode: 'query',
    sso_reload: 'True',
    resource: INTUNE_SP,
    caller_app_client_id: LINUX_BROKER,
    caller_app_redirect_uri: 'companyportal://com.microsoft.CompanyPortal',
    amr_values: 'ngcmfa',
    ...over,
  });
  return page(await get(f.lab, `${f.entra.url}${ENTRA_PATHS.authorize(f.entra.tenantId)}?${q}`));
}

/** `get_cred_type`: the username with the page's sCtx and sFT. */
export function getCredType(f: EntraFixture, cfg: LoginConfig, username: string, over: Record<string, unknown> = {}): Promise<LabResponse> {
  return postJson(f.lab, cfg.urlGetCredentialType!, {
    username,
    isOtherIdpSupported: true,
    checkPhones: true,
    isRemoteNGCSupported: false,
    isCookieBannerShown: false,
    isFidoSupported: false,
    originalRequest: cfg.sCtx,
    flowToken: cfg.sFT,
    ...over,
  });
}

/** `handle_auth_config_req_internal` with login, passwd, ctx, flowToken, canary, client_id, client-request-id. */
export function postPassword(f: EntraFixture, cfg: LoginConfig, login: string, passwd: string, over: Record<string, string> = {}): Promise<LabResponse> {
  return postForm(f.lab, cfg.urlPost!, { login, passwd, ctx: cfg.sCtx, flowToken: cfg.sFT, canary: cfg.canary, client_id: BROKER, 'client-request-id': f.lab.ids.uuid(), ...over });
}

export interface AuthResponse {
  Success: boolean;
  ResultValue: string;
  Retry: boolean;
  Message: string | null;
  ErrCode: number;
  Ctx: string;
  FlowToken: string;
  SessionId: string;
  Entropy: number;
}

/** `mfa_begin_auth_internal`: JSON {AuthMethodId, ctx, flowToken, Method: BeginAuth} with the canary header. */
export async function beginAuth(f: EntraFixture, tfa: LoginConfig, over: Record<string, unknown> = {}): Promise<AuthResponse> {
  const r = await postJson(f.lab, tfa.urlBeginAuth!, { AuthMethodId: 'PhoneAppNotification', ctx: tfa.sCtx, flowToken: tfa.sFT, Method: 'BeginAuth', ...over }, { canary: tfa.canary! });
  return r.json<AuthResponse>();
}

/** The EndAuth poll of `acquire_token_by_mfa_flow`: GET ?authMethodId&pollCount with x-ms-sessionId / x-ms-flowToken / x-ms-ctx. */
export async function endAuthPoll(lab: Lab, tfa: LoginConfig, flow: { Ctx: string; FlowToken: string }, pollCount: number, sessionId = tfa.sessionId!): Promise<AuthResponse> {
  const url = `${tfa.urlEndAuth!}?${new URLSearchParams({ authMethodId: 'PhoneAppNotification', pollCount: String(pollCount) })}`;
  const r = await get(lab, url, { 'x-ms-sessionId': sessionId, 'x-ms-flowToken': flow.FlowToken, 'x-ms-ctx': flow.Ctx });
  return r.json<AuthResponse>();
}

/** `request_authorization_internal`: the ProcessAuth form (request = ctx, mfaAuthMethod, login, flowToken, canary). */
export function processAuth(f: EntraFixture, tfa: LoginConfig, flow: { Ctx: string; FlowToken: string }, login: string): Promise<LabResponse> {
  return postForm(f.lab, tfa.urlPost!, { request: flow.Ctx, mfaAuthMethod: 'PhoneAppNotification', login, flowToken: flow.FlowToken, canary: tfa.canary });
}

/** The code of a 302 to the redirect URI, as `auth_code_intercept_internal` reads it from Location. */
export function codeOf(res: LabResponse): string {
  if (res.status !== 302) throw new Error(`expected a 302, got ${res.status}: ${res.text().slice(0, 300)}`);
  const code = new URL(res.headers.location as string).searchParams.get('code');
  if (!code) throw new Error(`no code in ${String(res.headers.location)}`);
  return code;
}
