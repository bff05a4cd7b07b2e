import type { FastifyReply } from 'fastify';
import { escapeHtml as esc } from '../../protocols/html.js';
import { configScript, type LoginConfig } from '../../protocols/login-config.js';
import { ENTRA_PATHS } from '../../protocols/paths/entra.js';
import { LIFETIMES, type EntraContext } from '../context.js';
import type { LoginFlowRow } from './flow.js';
import type { AuthorizeRequest } from './request.js';

/**
 * The login pages as Microsoft's sign-in card draws them, in the lab's colours: every fact a client needs is in
 * `$Config` (what libhimmelblau `parse_auth_config` and ROADtools read), and a small inline script makes the same
 * page usable by a person: username → GetCredentialType → password, and on the MFA page BeginAuth → the number to
 * match → EndAuth polled → ProcessAuth. Without script both fields show and the form posts as it is.
 */
export type LoginView = 'signin' | 'mfa';

export interface PageError {
  code: number;
  /** `AADSTS<code>: ...` as `$Config.sErrTxt` carries it. */
  text: string;
  /** What the card tells a person. */
  friendly: string;
}

export interface PageArgs {
  flow: Pick<LoginFlowRow, 'id' | 'flow_token' | 'ctx' | 'canary' | 'api_canary'>;
  authz: AuthorizeRequest;
  view: LoginView;
  username?: string;
  error?: PageError;
  /** The sso_nonce a PRT cookie must carry (ROADtools reads `$Config.bsso.nonce`). */
  ssoNonce?: string;
  /** The client's display name, for the person reading the page. */
  clientName?: string;
}

/** The MFA methods the lab's users have: the Authenticator push with number matching. */
export const USER_PROOFS: NonNullable<LoginConfig['arrUserProofs']> = [
  { authMethodId: 'PhoneAppNotification', data: 'PhoneAppNotification', display: 'Microsoft Authenticator (the lab phone)', isDefault: true, isLocationAware: false },
];

/** The URLs of the pages, absolute as Entra writes urlBeginAuth / urlEndAuth (libhimmelblau parses them as URLs). */
export function loginUrls(ctx: EntraContext, authz: Pick<AuthorizeRequest, 'tenantSegment'>) {
  return {
    post: `${ctx.baseUrl}${ENTRA_PATHS.login(authz.tenantSegment)}`,
    credentialType: `${ctx.baseUrl}${ENTRA_PATHS.getCredentialType('common')}?mkt=en-US`,
    beginAuth: `${ctx.baseUrl}${ENTRA_PATHS.sasBeginAuth('common')}`,
    endAuth: `${ctx.baseUrl}${ENTRA_PATHS.sasEndAuth('common')}`,
    processAuth: `${ctx.baseUrl}${ENTRA_PATHS.sasProcessAuth('common')}`,
  };
}

export function loginConfig(ctx: EntraContext, a: PageArgs): LoginConfig {
  const urls = loginUrls(ctx, a.authz);
  const base: LoginConfig = {
    sFT: a.flow.flow_token,
    sCtx: a.flow.ctx,
    canary: a.flow.canary,
    apiCanary: a.flow.api_canary,
    sessionId: a.flow.id,
    correlationId: a.flow.id,
    ...(a.username !== undefined && { sPOST_Username: a.username }),
    ...(a.ssoNonce !== undefined && { bsso: { nonce: a.ssoNonce, type: 'windows10', reason: 'Not a browser with a PRT' } }),
    ...(a.error && { sErrorCode: String(a.error.code), iErrorCode: a.error.code, sErrTxt: a.error.text }),
  };
  if (a.view === 'signin') return { pgid: 'ConvergedSignIn', ...base, urlPost: urls.post, urlGetCredentialType: urls.credentialType };
  return {
    pgid: 'ConvergedTFA',
    ...base,
    urlPost: urls.processAuth,
    urlBeginAuth: urls.beginAuth,
    urlEndAuth: urls.endAuth,
    arrUserProofs: USER_PROOFS,
    iPollingInterval: LIFETIMES.mfaIntervalS * 1000,
    iMaxPollAttempts: Math.floor(LIFETIMES.mfaRequestS / LIFETIMES.mfaIntervalS),
  };
}

const CSS = `*{box-sizing:border-box}html{font:15px/1.4 "Segoe UI","Segoe UI Web",system-ui,-apple-system,sans-serif;color:#1b1b1b;background:#eef1f5}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center}
main{width:calc(100% - 2rem);max-width:440px;margin:min(10vh,5rem) 1rem 1rem;background:#fff;padding:2.75rem 2.75rem 2.25rem;box-shadow:0 2px 6px rgba(0,0,0,.2)}
.brand{display:flex;align-items:center;gap:.55rem;font-weight:600;color:#5e5e5e;font-size:1.05rem}
.brand i{display:grid;grid-template-columns:repeat(2,.55rem);gap:2px}.brand i b{width:.55rem;height:.55rem;background:#0f6cbd}.brand i b:nth-child(2){background:#2b88d8}.brand i b:nth-child(3){background:#6bb0e8}.brand i b:nth-child(4){background:#8e562e}
h1{font-size:1.6rem;font-weight:600;margin:1rem 0 .75rem;line-height:1.25}
.who{display:flex;align-items:center;gap:.4rem;margin-top:1rem;color:#1b1b1b;word-break:break-all}
.who button{border:0;background:none;padding:.1rem .3rem;font:inherit;font-size:1.1rem;cursor:pointer;color:#1b1b1b}
label{position:absolute;left:-10000px}
input[type=email],input[type=password],input[type=text]{width:100%;font:inherit;font-size:1rem;padding:.4rem 0;border:0;border-bottom:1px solid #666;outline:0;background:transparent;margin:.5rem 0 1rem}
input:focus{border-bottom:2px solid #0067b8;padding-bottom:calc(.4rem - 1px)}
.err{color:#c50f1f;margin:.25rem 0 .5rem}
.actions{display:flex;justify-content:flex-end;gap:.5rem;margin-top:1.25rem}
button.primary{min-width:108px;min-height:2.2rem;font:inherit;background:#0067b8;color:#fff;border:0;padding:.35rem 1rem;cursor:pointer}
button.primary:hover{background:#005da6}button.primary:focus-visible{outline:2px solid #1b1b1b;outline-offset:2px}
p{margin:.5rem 0}.small{font-size:.85rem;color:#5e5e5e}
.number{font-size:2.6rem;font-weight:600;text-align:center;margin:1.25rem 0;letter-spacing:.05em}
.status{display:flex;align-items:center;gap:.6rem;color:#5e5e5e}
.spin{width:1rem;height:1rem;border:2px solid #c7e0f4;border-top-color:#0067b8;border-radius:50%;animation:s 1s linear infinite;flex:none}
@keyframes s{to{transform:rotate(1turn)}}@media (prefers-reduced-motion:reduce){.spin{animation:none}}
footer{font-size:.8rem;color:#5e5e5e;margin:0 1rem 1.5rem;text-align:center;max-width:440px}
[hidden]{display:none!important}html:not(.js) .who{display:none}`;

/** The person's side of the protocol; it reads `$Config` and calls the same URLs the clients do. */
const SCRIPT = `(function(){var C=window.$Config,d=document,$=function(i){return d.getElementById(i)};d.documentElement.className='js';
function err(t){var e=$('error');e.textContent=t||'';e.hidden=!t}
function json(url,body){return fetch(url,{method:'POST',headers:{'content-type':'application/json; charset=utf-8',canary:C.apiCanary},body:JSON.stringify(body)}).then(function(r){return r.json()})}
if(C.pgid==='ConvergedTFA'){mfa();return}
var f=$('credentials'),u=$('i0116'),p=$('i0118'),view='username';
function show(v){view=v;$('view-username').hidden=v!=='username';$('view-password').hidden=v!=='password';$('next').hidden=v!=='username';$('signin2').hidden=v!=='password';if(v==='password'){$('who-name').textContent=u.value;p.focus()}else u.focus()}
$('back').onclick=function(){err('');show('username')};
f.onsubmit=function(e){if(view==='password'){$('loginfmt').value=u.value;return true}e.preventDefault();err('');
if(!/.+@.+/.test(u.value)){err('Enter a valid email address, phone number, or Skype name.');return}
json(C.urlGetCredentialType,{username:u.value,isOtherIdpSupported:true,checkPhones:false,isRemoteNGCSupported:false,isCookieBannerShown:false,isFidoSupported:false,originalRequest:C.sCtx,flowToken:C.sFT}).then(function(r){
if(r.IfExistsResult===1)err("This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.");else show('password')}).catch(function(){err('The lab could not look the account up.')})};
$('signin').hidden=true;
if(C.sPOST_Username){u.value=C.sPOST_Username;show('password')}else show('username');
function mfa(){var m=C.arrUserProofs[0].authMethodId,ft=C.sFT,cx=C.sCtx,n=0;
function fail(r){$('waiting').hidden=true;err(r.ResultValue==='PhoneAppDenied'?'You denied the sign-in request on the phone.':r.ResultValue==='PhoneAppNoResponse'?"We didn't hear from you: the request expired.":(r.Message||'The sign-in request failed.'))}
function poll(){n++;json(C.urlEndAuth,{AuthMethodId:m,Method:'EndAuth',SessionId:C.sessionId,FlowToken:ft,Ctx:cx,PollCount:n}).then(function(r){
if(r.Success){var g=$('process').elements;g.namedItem('request').value=r.Ctx;g.namedItem('flowToken').value=r.FlowToken;$('process').submit()}else if(r.Retry&&n<C.iMaxPollAttempts)setTimeout(poll,C.iPollingInterval);else fail(r)})}
json(C.urlBeginAuth,{AuthMethodId:m,Method:'BeginAuth',ctx:cx,flowToken:ft}).then(function(r){if(!r.Success)return fail(r);ft=r.FlowToken;cx=r.Ctx;$('entropy').textContent=r.Entropy;setTimeout(poll,C.iPollingInterval)})}
})();`;

function card(inner: string): string {
  return `<main><div class="brand" aria-label="Enrollscope lab Entra ID"><i aria-hidden="true"><b></b><b></b><b></b><b></b></i>Enrollscope lab</div>${inner}</main>
<footer>A lab Entra ID: the sign-in protocol of login.microsoftonline.com, answered by Enrollscope. Not Microsoft.</footer>`;
}

function signinBody(cfg: LoginConfig, a: PageArgs): string {
  const user = a.username ?? a.authz.loginHint ?? '';
  const hidden = (name: string, value: string, id?: string) => `<input type="hidden" name="${name}" value="${esc(value)}"${id ? ` id="${id}"` : ''}>`;
  return card(
    `<form id="credentials" method="post" action="${esc(cfg.urlPost ?? '')}" novalidate>
<div id="view-username"><h1>Sign in</h1>
<label for="i0116">Email, phone, or Skype</label><input type="email" id="i0116" name="login" value="${esc(user)}" placeholder="Email, phone, or Skype" autocomplete="username" autofocus>
</div>
<div id="view-password"><div class="who"><button type="button" id="back" aria-label="Back">&#8592;</button><span id="who-name">${esc(user)}</span></div>
<h1>Enter password</h1>
<label for="i0118">Password</label><input type="password" id="i0118" name="passwd" placeholder="Password" autocomplete="current-password">
</div>
<p id="error" class="err" role="alert"${a.error ? '' : ' hidden'}>${a.error ? esc(a.error.friendly) : ''}</p>
${hidden('loginfmt', user, 'loginfmt')}${hidden('ctx', a.flow.ctx)}${hidden('flowToken', a.flow.flow_token)}${hidden('canary', a.flow.canary)}${hidden('client_id', a.authz.clientId)}
<div class="actions"><button class="primary" type="submit" id="next" hidden>Next</button><button class="primary" type="submit" id="signin2" hidden>Sign in</button><button class="primary" type="submit" id="signin">Sign in</button></div>
</form>
<p class="small">Signing in to ${esc(a.clientName ?? a.authz.clientId)} for ${esc(a.authz.resource ?? a.authz.scope ?? 'the default resource')}.</p>`,
  );
}

function mfaBody(cfg: LoginConfig, a: PageArgs): string {
  return card(
    `<div class="who"><span>${esc(a.username ?? '')}</span></div>
<h1>Approve sign in request</h1>
<p>Open your Authenticator app, and enter the number shown to sign in.</p>
<div class="number" id="entropy" aria-live="polite" aria-label="Number to enter">&#8230;</div>
<div class="status" id="waiting"><span class="spin" aria-hidden="true"></span><span>Waiting for you to approve the request on the phone.</span></div>
<p id="error" class="err" role="alert"${a.error ? '' : ' hidden'}>${a.error ? esc(a.error.friendly) : ''}</p>
<p class="small">The lab is the phone: answer the push in Enrollscope's sign-in requests (the UI, or <code>GET /api/entra/pending</code>).</p>
<form id="process" method="post" action="${esc(cfg.urlPost ?? '')}">
<input type="hidden" name="type" value="22"><input type="hidden" name="request" value="${esc(a.flow.ctx)}"><input type="hidden" name="mfaAuthMethod" value="${esc(USER_PROOFS[0]!.authMethodId)}">
<input type="hidden" name="login" value="${esc(a.username ?? '')}"><input type="hidden" name="flowToken" value="${esc(a.flow.flow_token)}"><input type="hidden" name="canary" value="${esc(a.flow.canary)}">
<noscript><p>Script is off: approve on the phone, then</p><button class="primary" type="submit">Continue</button></noscript>
</form>`,
  );
}

/** The page's HTML: `$Config` first (the first script holding `$Config=` is the one clients read), then the card. */
export function loginPage(ctx: EntraContext, args: PageArgs): string {
  const clientName = ctx.store.read((db) => db.prepare(`SELECT display_name FROM applications WHERE app_id = ? COLLATE NOCASE`).pluck().get(args.authz.clientId) as string | undefined);
  const a: PageArgs = { ...args, ...(clientName !== undefined && { clientName }) };
  const cfg = loginConfig(ctx, a);
  const title = a.view === 'mfa' ? 'Approve sign in request' : 'Sign in to your account';
  return `<!DOCTYPE html><html dir="ltr" lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>${configScript(cfg)}
<style>${CSS}</style></head><body data-pgid="${esc(String(cfg.pgid))}">${a.view === 'mfa' ? mfaBody(cfg, a) : signinBody(cfg, a)}
<script>${SCRIPT}</script></body></html>`;
}

export function sendLoginPage(ctx: EntraContext, reply: FastifyReply, a: PageArgs): FastifyReply {
  return reply.code(200).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store, no-cache').header('x-ms-request-id', a.flow.id).send(loginPage(ctx, a));
}
