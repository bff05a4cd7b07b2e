import type { Db } from '../../lab/store.js';
import type { EntraContext } from '../context.js';
import { OAuthError } from '../errors.js';
import type { AuthorizeRequest } from './request.js';

/**
 * The state of one sign-in on the login pages, kept server-side in `login_flows` (DESIGN.md: no state outside
 * SQLite). The page hands the client an opaque flow token (`$Config.sFT`), a context (`sCtx`) and canaries; every
 * later request (GetCredentialType, the credential POST, BeginAuth, EndAuth, ProcessAuth) names them and is checked
 * against this row before anything is written. The flow token rotates when the sign-in moves on, so an earlier
 * one is stale.
 */
export type FlowStage = 'credentials' | 'mfa' | 'mfa-verified' | 'done';

export interface LoginFlowRow {
  /** The pages' `sessionId`; for an MFA user also the push's id (BeginAuth's `SessionId`, mfa_requests.id). */
  id: string;
  flow_token: string;
  ctx: string;
  canary: string;
  api_canary: string;
  request: string;
  stage: FlowStage;
  user_object_id: string | null;
  mfa_request_id: string | null;
  created_at: string;
  expires_at: string;
  updated_at: string;
}

export interface LoginFlow {
  row: LoginFlowRow;
  authz: AuthorizeRequest;
}

/** How long a flow token lives: UNCONFIRMED (Entra does not document it); half an hour, kept here. */
export const FLOW_LIFETIME_S = 30 * 60;

/**
 * The login pages' own errors (AADSTS numbers from Microsoft's error-code reference): a flow token that is not one
 * of this sign-in's (90100 InvalidRequestParameter), one past its life (50089 FlowTokenExpired), a flow at
 * another stage (90100 as well; Entra's exact answer to a replayed page is UNCONFIRMED).
 */
export const FLOW_ERRORS = {
  badParameter: (name: string) => new OAuthError(200, 'invalid_request', 90100, `${name} parameter is empty or not valid.`),
  expired: () => new OAuthError(200, 'invalid_request', 50089, 'Authentication failed due to flow token expired.'),
  wrongStage: () => new OAuthError(200, 'invalid_request', 90100, 'flowToken parameter is empty or not valid. The sign-in is not at this step.'),
};

/** Entra's flow tokens are long opaque base64url strings starting `AQAB`. */
export function mintFlowToken(ctx: EntraContext): string {
  return `AQABIQEAAAD${ctx.lab.ids.text(150)}`;
}

/** A new flow for a validated authorize request (the first login page). */
export function startFlow(ctx: EntraContext, authz: AuthorizeRequest): LoginFlowRow {
  const row: LoginFlowRow = {
    id: ctx.lab.ids.uuid(),
    flow_token: mintFlowToken(ctx),
    ctx: `rQQIARAA${ctx.lab.ids.text(90)}`,
    canary: ctx.lab.ids.text(60),
    api_canary: `PAQABDgEAAAD${ctx.lab.ids.text(60)}`,
    request: JSON.stringify(authz),
    stage: 'credentials',
    user_object_id: null,
    mfa_request_id: null,
    created_at: ctx.iso(),
    expires_at: ctx.iso(FLOW_LIFETIME_S * 1000),
    updated_at: ctx.iso(),
  };
  ctx.store.tx((db) =>
    db
      .prepare(
        `INSERT INTO login_flows(id, flow_token, ctx, canary, api_canary, request, stage, user_object_id, mfa_request_id, created_at, expires_at, updated_at)
         VALUES (@id, @flow_token, @ctx, @canary, @api_canary, @request, @stage, @user_object_id, @mfa_request_id, @created_at, @expires_at, @updated_at)`,
      )
      .run(row),
  );
  return row;
}

export interface FlowProof {
  flowToken: string | undefined;
  /** `ctx` / `originalRequest` / `request` / `x-ms-ctx`, where the client sends one: it must be this flow's. */
  ctx?: string | undefined;
  /** The form's `canary`, or a JSON call's `canary` header (either of the flow's canaries). */
  canary?: string | undefined;
  /** The `x-ms-sessionId` header or the JSON `SessionId`, where sent. */
  sessionId?: string | undefined;
}

/**
 * The flow a request names, every check made without writing: a known, current flow token; the context, canary and
 * session of the same flow (a token of another sign-in with this one's context is foreign); not expired; at one of
 * `stages`.
 */
export function requireFlow(ctx: EntraContext, proof: FlowProof, stages: readonly FlowStage[], opts: { canary?: 'form' | 'api' } = {}): LoginFlow {
  if (!proof.flowToken) throw FLOW_ERRORS.badParameter('flowToken');
  const row = ctx.store.read((db) => db.prepare(`SELECT * FROM login_flows WHERE flow_token = ?`).get(proof.flowToken) as LoginFlowRow | undefined);
  if (!row) throw FLOW_ERRORS.badParameter('flowToken');
  if (proof.ctx !== undefined && proof.ctx !== row.ctx) throw FLOW_ERRORS.badParameter('ctx');
  if (proof.sessionId !== undefined && proof.sessionId.toLowerCase() !== row.id.toLowerCase()) throw FLOW_ERRORS.badParameter('sessionId');
  // CSRF: a form must carry the page's canary; a JSON call may carry either canary (libhimmelblau sends `canary`, DavMail `apiCanary`).
  if (opts.canary === 'form' && proof.canary !== row.canary) throw FLOW_ERRORS.badParameter('canary');
  if (opts.canary === 'api' && proof.canary !== undefined && proof.canary !== row.canary && proof.canary !== row.api_canary) throw FLOW_ERRORS.badParameter('canary');
  if (ctx.lab.clock.now() > Date.parse(row.expires_at)) throw FLOW_ERRORS.expired();
  if (!stages.includes(row.stage)) throw FLOW_ERRORS.wrongStage();
  return { row, authz: JSON.parse(row.request) as AuthorizeRequest };
}

/** Move the flow on inside the caller's transaction; a new flow token unless the step keeps it. Returns the token. */
export function advanceFlow(ctx: EntraContext, db: Db, row: LoginFlowRow, to: { stage: FlowStage; userObjectId?: string; mfaRequestId?: string; rotate?: boolean }): string {
  const token = to.rotate === false ? row.flow_token : mintFlowToken(ctx);
  const r = db
    .prepare(
      `UPDATE login_flows SET flow_token = ?, stage = ?, user_object_id = COALESCE(?, user_object_id), mfa_request_id = COALESCE(?, mfa_request_id), updated_at = ?
       WHERE id = ? AND flow_token = ?`,
    )
    .run(token, to.stage, to.userObjectId ?? null, to.mfaRequestId ?? null, ctx.iso(), row.id, row.flow_token);
  // Two posts of the same page racing: the second finds the token gone and rolls its transaction back.
  if (r.changes !== 1) throw FLOW_ERRORS.badParameter('flowToken');
  return token;
}
