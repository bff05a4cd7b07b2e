import type { FastifyReply } from 'fastify';
import { parseForm } from '../../protocols/oauth.js';
import type { EntraContext } from '../context.js';
import { getUser, resolveTenant } from '../directory.js';
import { AADSTS, OAuthError } from '../errors.js';
import { sendJson, type TenantRequest } from '../http.js';
import { findMfaRequest, startMfa, type MfaRequestRow } from '../mfa.js';
import { issueCode } from './codes.js';
import { jsonBody, str } from './credential-type.js';
import { sendErrorPage } from './error-page.js';
import { advanceFlow, requireFlow, type LoginFlow } from './flow.js';
import { USER_PROOFS } from './page.js';
import { sendCode } from './respond.js';

/**
 * The MFA page's calls (ConvergedTFA; entra-mde2.md corrections §3): `BeginAuth` starts the Authenticator push,
 * `EndAuth` is polled until the user answered it on the phone, `ProcessAuth` turns the verified flow into the code.
 * BeginAuth and EndAuth answer the JSON libhimmelblau reads as `AuthResponse` (Success, Retry, Message, ErrCode,
 * Ctx, FlowToken, Entropy: all of them on every answer, errors too) plus `ResultValue` and `SessionId` (DavMail's
 * O365 authenticator reads those); every answer is HTTP 200, as Entra's.
 */
interface AuthResponse {
  Success: boolean;
  ResultValue: string;
  Message: string | null;
  AuthMethodId: string;
  ErrCode: number;
  Retry: boolean;
  FlowToken: string;
  Ctx: string;
  SessionId: string;
  CorrelationId: string;
  Timestamp: string;
  Entropy: number;
}

function answer(ctx: EntraContext, reply: FastifyReply, a: Partial<AuthResponse> & Pick<AuthResponse, 'Success' | 'ResultValue'>): FastifyReply {
  const body: AuthResponse = {
    Message: null,
    AuthMethodId: USER_PROOFS[0]!.authMethodId,
    ErrCode: 0,
    Retry: false,
    FlowToken: '',
    Ctx: '',
    SessionId: '',
    CorrelationId: ctx.lab.ids.uuid(),
    Timestamp: ctx.iso(),
    Entropy: 0,
    ...a,
  };
  return sendJson(reply, 200, body);
}

function refuse(ctx: EntraContext, reply: FastifyReply, e: OAuthError, resultValue = 'InvalidSession'): FastifyReply {
  return answer(ctx, reply, { Success: false, ResultValue: resultValue, ErrCode: e.code, Message: `AADSTS${e.code}: ${e.description}` });
}

/** Only the methods the user has (arrUserProofs); Entra's code for another one is UNCONFIRMED: 90100 here. */
function requireMethod(id: string | undefined): string {
  if (!id || !USER_PROOFS.some((p) => p.authMethodId === id)) throw new OAuthError(200, 'invalid_request', 90100, 'AuthMethodId parameter is empty or not valid.');
  return id;
}

/** The push of a flow, and what its status means to the client when it is not waiting to be answered. */
function pushOutcome(ctx: EntraContext, push: MfaRequestRow): { resultValue: string; error: OAuthError } | null {
  if (push.status === 'denied') return { resultValue: 'PhoneAppDenied', error: AADSTS.mfaDenied() };
  if (push.status === 'pending' && ctx.lab.clock.now() > Date.parse(push.expires_at)) return { resultValue: 'PhoneAppNoResponse', error: AADSTS.mfaDenied() };
  return null;
}

/**
 * `POST /common/SAS/BeginAuth` (libhimmelblau `mfa_begin_auth_internal`: `AuthMethodId`, `ctx`, `flowToken`,
 * `Method: BeginAuth`, header `canary`): the push, a pending mfa_requests row the lab's phone answers, with the
 * number to match (`Entropy`). A second BeginAuth while it waits answers the same push.
 */
export function beginAuth(ctx: EntraContext, req: TenantRequest, reply: FastifyReply): FastifyReply {
  try {
    resolveTenant(ctx, req.params.tenant);
    const b = jsonBody(req.rawBody) ?? {};
    if (str(b.Method) !== 'BeginAuth') throw new OAuthError(200, 'invalid_request', 90100, 'Method parameter is empty or not valid.');
    const method = requireMethod(str(b.AuthMethodId));
    const flow = requireFlow(ctx, { flowToken: str(b.flowToken) ?? str(b.FlowToken), ctx: str(b.ctx) ?? str(b.Ctx), canary: str(req.headers.canary) }, ['mfa'], { canary: 'api' });
    const existing = flow.row.mfa_request_id ? findMfaRequest(ctx, flow.row.mfa_request_id) : undefined;
    if (existing) {
      const out = pushOutcome(ctx, existing);
      if (out) return refuse(ctx, reply, out.error, out.resultValue);
      return answer(ctx, reply, { Success: true, ResultValue: 'Success', AuthMethodId: method, FlowToken: flow.row.flow_token, Ctx: flow.row.ctx, SessionId: flow.row.id, Entropy: existing.entropy });
    }
    const user = getUser(ctx, flow.row.user_object_id ?? '');
    const push = ctx.store.tx((db) => {
      const row = startMfa(ctx, db, { id: flow.row.id, user, clientId: flow.authz.clientId, version: flow.authz.version, resource: flow.authz.resource, scope: flow.authz.scope });
      advanceFlow(ctx, db, flow.row, { stage: 'mfa', mfaRequestId: row.id, rotate: false });
      return row;
    });
    return answer(ctx, reply, { Success: true, ResultValue: 'Success', AuthMethodId: method, FlowToken: flow.row.flow_token, Ctx: flow.row.ctx, SessionId: flow.row.id, Entropy: push.entropy });
  } catch (e) {
    if (e instanceof OAuthError) return refuse(ctx, reply, e);
    throw e;
  }
}

/**
 * `EndAuth`, polled: libhimmelblau `acquire_token_by_mfa_flow` sends `GET ?authMethodId=&pollCount=` with
 * `x-ms-sessionId` / `x-ms-flowToken` / `x-ms-ctx`; the page and DavMail POST JSON `Method: EndAuth` with
 * `SessionId`, `FlowToken`, `Ctx`. Pending → `AuthenticationPending`, Retry; approved → Success and a new flow
 * token for ProcessAuth; denied → `PhoneAppDenied` (AADSTS500121); expired → `PhoneAppNoResponse`.
 */
export function endAuth(ctx: EntraContext, req: TenantRequest, reply: FastifyReply): FastifyReply {
  try {
    resolveTenant(ctx, req.params.tenant);
    const h = req.headers;
    const b = req.method === 'POST' ? (jsonBody(req.rawBody) ?? {}) : {};
    if (req.method === 'POST' && str(b.Method) !== 'EndAuth') throw new OAuthError(200, 'invalid_request', 90100, 'Method parameter is empty or not valid.');
    const method = requireMethod(req.method === 'POST' ? str(b.AuthMethodId) : req.query.authMethodId);
    const proof =
      req.method === 'POST'
        ? { flowToken: str(b.FlowToken) ?? str(b.flowToken), ctx: str(b.Ctx) ?? str(b.ctx), sessionId: str(b.SessionId) ?? '', canary: str(h.canary) }
        : { flowToken: str(h['x-ms-flowtoken']), ctx: str(h['x-ms-ctx']) ?? '', sessionId: str(h['x-ms-sessionid']) ?? '', canary: str(h.canary) };
    const flow: LoginFlow = requireFlow(ctx, proof, ['mfa'], { canary: 'api' });
    const push = flow.row.mfa_request_id ? findMfaRequest(ctx, flow.row.mfa_request_id) : undefined;
    if (!push) throw new OAuthError(200, 'invalid_request', 90100, 'No authentication was begun for this session: call BeginAuth first.');
    const out = pushOutcome(ctx, push);
    if (out) return refuse(ctx, reply, out.error, out.resultValue);
    const common = { AuthMethodId: method, Ctx: flow.row.ctx, SessionId: flow.row.id, Entropy: 0 };
    if (push.status === 'pending') {
      ctx.store.tx((db) => db.prepare(`UPDATE mfa_requests SET last_poll_at = ? WHERE id = ?`).run(ctx.iso(), push.id));
      return answer(ctx, reply, { ...common, Success: false, ResultValue: 'AuthenticationPending', Retry: true, FlowToken: flow.row.flow_token });
    }
    if (push.status !== 'approved') throw new OAuthError(200, 'invalid_request', 90100, 'The sign-in request was already used.');
    const flowToken = ctx.store.tx((db) => {
      db.prepare(`UPDATE mfa_requests SET last_poll_at = ? WHERE id = ?`).run(ctx.iso(), push.id);
      return advanceFlow(ctx, db, flow.row, { stage: 'mfa-verified' });
    });
    return answer(ctx, reply, { ...common, Success: true, ResultValue: 'Success', FlowToken: flowToken });
  } catch (e) {
    if (e instanceof OAuthError) return refuse(ctx, reply, e);
    throw e;
  }
}

/** AADSTS50074: ProcessAuth before the push was approved (Microsoft's error-code reference, UserStrongAuthClientAuthNRequiredInterrupt). */
const strongAuthRequired = () => new OAuthError(200, 'interaction_required', 50074, 'Strong Authentication is required.');

/**
 * `POST /common/SAS/ProcessAuth` (libhimmelblau `request_authorization_internal`: `request`=ctx, `mfaAuthMethod`,
 * `login`, `flowToken`, `canary`): the verified flow gets the code (amr pwd, mfa) in a 302 to the redirect URI;
 * the push is redeemed once. A denied or unanswered push is the error page, nothing written.
 */
export function processAuth(ctx: EntraContext, req: TenantRequest, reply: FastifyReply): FastifyReply {
  const f = parseForm(req.rawBody);
  try {
    resolveTenant(ctx, req.params.tenant);
    const flow = requireFlow(ctx, { flowToken: f.flowToken ?? f.flowtoken, ctx: f.request ?? f.ctx ?? '', canary: f.canary }, ['mfa', 'mfa-verified'], { canary: 'form' });
    requireMethod(f.mfaAuthMethod);
    const push = flow.row.mfa_request_id ? findMfaRequest(ctx, flow.row.mfa_request_id) : undefined;
    if (push?.status === 'denied') throw AADSTS.mfaDenied();
    if (flow.row.stage !== 'mfa-verified' || push?.status !== 'approved') throw strongAuthRequired();
    const user = getUser(ctx, flow.row.user_object_id ?? '');
    const code = ctx.store.tx((db) => {
      if (db.prepare(`UPDATE mfa_requests SET status = 'redeemed' WHERE id = ? AND status = 'approved'`).run(push.id).changes !== 1) throw strongAuthRequired();
      advanceFlow(ctx, db, flow.row, { stage: 'done' });
      return issueCode(ctx, flow.authz, { user, amr: ['pwd', 'mfa'], deviceId: null }, db);
    });
    return sendCode(ctx, reply, flow.authz, code);
  } catch (e) {
    // The page answers HTTP 200 with the error in $Config (libhimmelblau `auth_code_intercept_internal` reads it there).
    if (e instanceof OAuthError) return sendErrorPage(ctx, reply, e.status === 200 ? e : new OAuthError(200, e.error, e.code, e.description));
    throw e;
  }
}
