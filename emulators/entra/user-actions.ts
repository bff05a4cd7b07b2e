import { currentStep, runInStep } from '../lab/context.js';
import type { StepKindId } from '../protocols/steps.js';
import type { EntraContext } from './context.js';
import { findUser } from './directory.js';
import { findDeviceCodeByUserCode } from './device-code.js';
import { findMfaRequest } from './mfa.js';

/**
 * What the user does at Entra through the lab (the device-login page, the authenticator prompt): each action
 * is a `local` step from the user to Entra, and its row changes are attributed to that step. Called inside a
 * step already (a scenario's own `lab.local` for the user's prompt), the changes go to that step instead.
 */
function userStep<T>(ctx: EntraContext, catalogId: StepKindId, title: string, detail: Record<string, unknown>, fn: () => T): T {
  if (currentStep()) return fn();
  const step = ctx.lab.recorder.open({ kind: 'local', from: 'user', to: 'entra', catalogId, title, observedBy: 'lab', detail });
  step.status = 'sent';
  try {
    const out = runInStep({ stepId: step.id }, fn);
    ctx.lab.recorder.close(step, {});
    return out;
  } catch (e) {
    ctx.lab.recorder.close(step, { error: (e as Error).message });
    throw e;
  }
}

function openDeviceCode(ctx: EntraContext, userCode: string) {
  const row = findDeviceCodeByUserCode(ctx, userCode);
  if (!row) throw new Error(`no device code ${userCode}`);
  if (row.status !== 'pending') throw new Error(`device code ${userCode} is already ${row.status}`);
  if (ctx.lab.clock.now() > Date.parse(row.expires_at)) throw new Error(`device code ${userCode} has expired`);
  return row;
}

/** The user enters the code at the device-login page and signs in as `upn` (RFC 8628 §3.3). */
export function approveDeviceCode(ctx: EntraContext, userCode: string, upn: string): void {
  const row = openDeviceCode(ctx, userCode);
  const user = findUser(ctx, upn);
  if (!user) throw new Error(`no user ${upn}`);
  userStep(ctx, 'user.devicelogin', `User signs in at device login (code ${row.user_code})`, { userCode: row.user_code, upn: user.upn, clientId: row.client_id }, () =>
    ctx.store.tx((db) =>
      db.prepare(`UPDATE device_codes SET status = 'approved', user_object_id = ?, decided_at = ? WHERE device_code = ?`).run(user.object_id, ctx.iso(), row.device_code),
    ),
  );
}

export function denyDeviceCode(ctx: EntraContext, userCode: string): void {
  const row = openDeviceCode(ctx, userCode);
  userStep(ctx, 'user.devicelogin', `User declines device login (code ${row.user_code})`, { userCode: row.user_code }, () =>
    ctx.store.tx((db) => db.prepare(`UPDATE device_codes SET status = 'denied', decided_at = ? WHERE device_code = ?`).run(ctx.iso(), row.device_code)),
  );
}

/**
 * The user answers the authenticator prompt (number matching shows `entropy`). Giving the same answer twice is one
 * answer (the person approved in the lab's console while the scenario's user was about to): nothing more happens.
 */
export function resolveMfa(ctx: EntraContext, id: string, approve: boolean): void {
  const row = findMfaRequest(ctx, id);
  if (!row) throw new Error(`no MFA request ${id}`);
  if (row.status === (approve ? 'approved' : 'denied')) return;
  if (row.status !== 'pending') throw new Error(`MFA request ${id} is already ${row.status}`);
  if (ctx.lab.clock.now() > Date.parse(row.expires_at)) throw new Error(`MFA request ${id} has expired`);
  userStep(ctx, 'user.mfa-answer', approve ? `User approves sign-in (number ${row.entropy})` : 'User denies sign-in', { mfaRequestId: id, entropy: row.entropy, approve }, () =>
    ctx.store.tx((db) => db.prepare(`UPDATE mfa_requests SET status = ?, decided_at = ? WHERE id = ?`).run(approve ? 'approved' : 'denied', ctx.iso(), id)),
  );
}
