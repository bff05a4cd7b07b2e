import type { MdmContext } from './context.js';
import { writeSettings, type MdmSettings } from './settings.js';
import { queueCommand as queue, type QueuedCommandInfo } from './management/queue.js';
import { createScimUser as createScim } from './scim/users.js';
import type { NewScimUser, ScimUser } from './store/scim.js';
import { listPendingPrompts as pendingPrompts, type PendingPrompt } from './store/orbit.js';
import { insertEnrollSecret } from './store/hosts.js';
import { ensureGlobalEnrollSecret } from './orbit/enroll.js';
import { newEUAToken, type EuaClaims } from './wstep/tokens.js';
import type { WindowsEnrollment } from './store/management.js';
import { setWindowsEnrollmentDefaultTeam as setDefaultTeam, windowsEnrollmentDefaultTeam as defaultTeam } from './store/enrollments.js';

/**
 * The MDM server's in-process admin calls, for tests and the bench that set a server up directly. Scenarios and the
 * host do not use it: they write through Fleet's REST API with lab/fleet-client.ts (api/*.ts on this server).
 */

export type { QueuedCommandInfo, NewScimUser, ScimUser, PendingPrompt, EuaClaims, WindowsEnrollment };

/** Queue a raw SyncML command (e.g. `<Get>` of ./DevDetail/SwV) for the device's next management session. */
export function queueCommand(ctx: MdmContext, deviceId: string, rawCommandXml: string): QueuedCommandInfo {
  return queue(ctx, deviceId, rawCommandXml);
}

export function createScimUser(ctx: MdmContext, user: NewScimUser): ScimUser {
  return createScim(ctx, user);
}

/** Flip Fleet's config (EUA feature, end-user auth, bypass, IdP...): wraps writeSettings. */
export function updateSettings(ctx: MdmContext, patch: Partial<MdmSettings>): MdmSettings {
  return writeSettings(ctx.store, patch);
}

/** Hosts orbit was told END_USER_AUTH_REQUIRED for, whose SSO prompt is still open. */
export function listPendingPrompts(ctx: MdmContext): PendingPrompt[] {
  return ctx.store.read((db) => pendingPrompts(db, ctx.nowIso()));
}

/** The global enroll secret (made at server start when none exists): FLEET_SECRET of the MSI install. */
export function globalEnrollSecret(ctx: MdmContext): string {
  return ensureGlobalEnrollSecret(ctx);
}

export function addEnrollSecret(ctx: MdmContext, secret: string, teamId: number | null = null): void {
  ctx.store.tx((db) => insertEnrollSecret(db, secret, teamId, ctx.nowIso()));
}

/** A team with its own end-user-auth setting (mdm.macos_setup.enable_end_user_authentication); returns its id. */
export function createTeam(ctx: MdmContext, name: string, endUserAuth: boolean): number {
  return ctx.store.tx((db) =>
    Number(db.prepare(`INSERT INTO teams(name, enable_end_user_authentication, created_at) VALUES (?, ?, ?)`).run(name, endUserAuth ? 1 : 0, ctx.nowIso()).lastInsertRowid),
  );
}

/**
 * Mint an EUA token as the server signs it (NewEUAToken), always: for scenarios that hand orbit a token directly.
 * Unlike the management session's generateWindowsEUAToken, no setting or UPN check, and a bad input throws.
 */
export function mintEuaToken(ctx: MdmContext, upn: string, deviceId: string): Promise<string> {
  return newEUAToken(ctx, upn, deviceId);
}

/** A Fleet profile without the switch an admin call needs: the lab's usage error. */
export class FleetProfileFeatureError extends Error {
  override name = 'FleetProfileFeatureError';
}

/**
 * The default fleet (team) for hosts enrolled through Windows MDM (PR #49922, mdm_windows_enrollment_config); null
 * clears it. Only a Fleet with that setting (switch default-windows-enrollment-team) has it.
 */
export function setWindowsEnrollmentDefaultTeam(ctx: MdmContext, teamId: number | null): void {
  if (!ctx.fleet('default-windows-enrollment-team')) {
    throw new FleetProfileFeatureError(`this Fleet (profile ${ctx.settings().fleetProfile}) has no default Windows enrollment team (switch default-windows-enrollment-team)`);
  }
  ctx.store.tx((db) => {
    if (teamId !== null && !db.prepare(`SELECT 1 FROM teams WHERE id = ?`).get(teamId)) throw new Error(`no team with id ${teamId}`);
    setDefaultTeam(db, teamId, ctx.nowIso());
  });
}

export function windowsEnrollmentDefaultTeam(ctx: MdmContext): { id: number; name: string } | null {
  return ctx.store.read((db) => defaultTeam(db));
}
