import type { Db } from '../../lab/store.js';
import type { MdmContext } from '../context.js';
import { enrollOrbitHost, globalEnrollSecrets, hostPreviouslyOrbitEnrolled, insertEnrollSecret, teamEndUserAuthEnabled, type EnrollSecret } from '../store/hosts.js';
import { associateHostMDMIdPAccount, idpAccountByUuid, idpLinkByHostUuid, reconcileIdpHostEmails, type IdpAccount } from '../store/idp.js';
import { enrollmentByDeviceId, updateEnrollmentHostUuid } from '../store/management.js';
import { conflictingEnrollmentHardwareId, unlinkedEnrollmentByHardwareSerial } from '../store/enrollments.js';
import { insertBoundHostToIdpAccount, insertFleetEnrolled, recordEnrollmentRejected } from '../store/activities.js';
import { isPlaceholderHardwareSerial, linkOptions, linkWindowsHostMDMEnrollment } from '../management/devdetail.js';
import { consumeAndLinkOneTimeSecret, resolveEnrollSecret, type RejectedEnrollSecret } from '../store/one-time-secrets.js';
import { claimDeferredMdmEnrolledActivity } from '../store/activity-mdm-enrolled.js';
import { clearEndUserAuthPrompt, recordEndUserAuthPrompt } from '../store/orbit.js';
import { refreshHostScimUser, scimUserByUserNameOrEmail, setHostScimUser } from '../store/scim.js';
import { EuaDatastoreError, checkWindowsEUAToken, getOrCreateEuaAccount, linkEUAAccount, type EuaTokenCheck } from './eua.js';
import { endUserAuthGatedPlatform, fleetPlatform } from './platform.js';
import type { EnrollOrbitRequest } from './request.js';

/** fleet.CapabilityEndUserAuth */
export const CAPABILITY_END_USER_AUTH = 'end_user_auth';
/** RecordEndUserAuthPrompt's TTL. */
const PROMPT_TTL_MS = 24 * 3600_000;
/** osquery.node_key_size: GenerateRandomText(24). */
const NODE_KEY_BYTES = 24;

/** How the end-user-auth check of fleet.md §4.2 decided, for the step detail and the tests. */
export type EndUserAuthDecision =
  | { kind: 'not-required' }
  | { kind: 'already-satisfied'; by: 'idp-link' | 'previously-enrolled' }
  | { kind: 'eua-token'; check: EuaTokenCheck }
  | { kind: 'capability-bypass' }
  | { kind: 'end-user-auth-required'; reason: string };

export type EnrollOutcome =
  | { ok: true; nodeKey: string; hostId: number; decision: EndUserAuthDecision; log: string[] }
  | { ok: false; error: 'invalid-secret' }
  | { ok: false; error: 'end-user-auth-required'; decision: EndUserAuthDecision }
  /** A 500 in Fleet's JSON error shape (fleet.md corrections §3). */
  | { ok: false; error: 'server-error'; message: string };

/** GetMDMIdPAccountByHostUUID refuses an empty uuid; EnrollOrbit wraps it (fleet.md corrections §3). */
export const EMPTY_HARDWARE_UUID = 'failed to get IdP account: hardware uuid is empty';

/** Seed: one global enroll secret, made at server start when the DB has none (the FLEET_SECRET of the MSI install). */
export function ensureGlobalEnrollSecret(ctx: MdmContext): string {
  const existing = ctx.store.read((db) => globalEnrollSecrets(db))[0];
  if (existing) return existing.secret;
  const secret = ctx.lab.ids.bytes(24).toString('base64');
  ctx.store.tx((db) => insertEnrollSecret(db, secret, null, ctx.nowIso()));
  return secret;
}

/**
 * Step 2: the team's setting when the secret is a team's, else the global one; only linux and windows
 * FleetPlatforms are gated (fleet.md corrections §3): darwin uses the ADE/SSO flow, other platforms enroll.
 */
function endUserAuthRequired(db: Db, ctx: MdmContext, secret: EnrollSecret, platform: string): boolean {
  if (!endUserAuthGatedPlatform(platform)) return false;
  return secret.team_id !== null ? teamEndUserAuthEnabled(db, secret.team_id) : ctx.settings().endUserAuthEnabled;
}

/**
 * The end-user-auth check (fleet.md §4.2), in Fleet's order: (1) enroll secret, (2) EUA required, (3) already
 * satisfied by an IdP link or a previous orbit enrollment, (4a) a Windows host's eua_token, (4b) the capability
 * bypass setting, (4c) END_USER_AUTH_REQUIRED. Reads only; the enrollment writes happen in `enrollOrbit`.
 */
async function endUserAuthCheck(
  ctx: MdmContext,
  req: EnrollOrbitRequest,
  capabilities: Set<string>,
): Promise<{ secret: EnrollSecret; decision: EndUserAuthDecision } | { serverError: string } | RejectedEnrollSecret | undefined> {
  type Pre = { secret: EnrollSecret; decision: EndUserAuthDecision | undefined } | { serverError: string } | RejectedEnrollSecret | undefined;
  const pre = ctx.store.read((db): Pre => {
    // One-time enroll secrets first (lookupOneTimeEnrollSecret), then the shared ones (store/one-time-secrets.ts).
    const secret = req.enroll_secret === '' ? undefined : resolveEnrollSecret(db, ctx, req.enroll_secret, req.hardware_uuid);
    if (!secret || 'rejected' in secret) return secret;
    if (!endUserAuthRequired(db, ctx, secret, req.platform)) return { secret, decision: { kind: 'not-required' } as EndUserAuthDecision };
    // Step 3 asks GetMDMIdPAccountByHostUUID first, which refuses an empty uuid: a 500, not END_USER_AUTH_REQUIRED.
    if (req.hardware_uuid === '') return { serverError: EMPTY_HARDWARE_UUID };
    if (idpLinkByHostUuid(db, req.hardware_uuid)) return { secret, decision: { kind: 'already-satisfied', by: 'idp-link' } as EndUserAuthDecision };
    if (hostPreviouslyOrbitEnrolled(db, req.hardware_uuid)) return { secret, decision: { kind: 'already-satisfied', by: 'previously-enrolled' } };
    return { secret, decision: undefined };
  });
  if (!pre || 'rejected' in pre) return pre;
  if ('serverError' in pre) return pre;
  if (pre.decision) return { secret: pre.secret, decision: pre.decision };
  // 4a: "the token case is ordered first"; any failure is END_USER_AUTH_REQUIRED.
  if (fleetPlatform(req.platform) === 'windows' && req.eua_token !== '') {
    let check;
    try {
      check = await checkWindowsEUAToken(ctx, req.eua_token);
    } catch (e) {
      if (e instanceof EuaDatastoreError) return { serverError: e.message };
      throw e;
    }
    if ('reason' in check) return { secret: pre.secret, decision: { kind: 'end-user-auth-required', reason: check.reason } };
    return { secret: pre.secret, decision: { kind: 'eua-token', check } };
  }
  if (!capabilities.has(CAPABILITY_END_USER_AUTH) && ctx.settings().allowOrbitEndUserAuthBypass) return { secret: pre.secret, decision: { kind: 'capability-bypass' } };
  return { secret: pre.secret, decision: { kind: 'end-user-auth-required', reason: 'end user authentication required and not satisfied' } };
}

/** MaybeAssociateHostWithScimUser: a host linked to an IdP account gets the SCIM user that account names. */
function maybeAssociateHostWithScimUser(db: Db, hostId: number, hostUuid: string, now: string): void {
  const link = idpLinkByHostUuid(db, hostUuid);
  if (!link) return;
  const account = db.prepare(`SELECT username, email FROM mdm_idp_accounts WHERE uuid = ?`).get(link.account_uuid) as { username: string; email: string } | undefined;
  if (!account) return;
  const scim = scimUserByUserNameOrEmail(db, account.username, account.email);
  if (scim) setHostScimUser(db, hostId, scim.id, now);
}

/** What Fleet logs on the linking path of this enroll (server/service/orbit.go), for the step's detail. */
type EnrollLog = string[];

/**
 * The reverse link at orbit enroll (#52614, switches.ts reverse-link-by-serial): a Windows host whose serial names an
 * unlinked enrollment (its persisted DevDetail serial) is linked to it, even with no EUA token, unless the host is
 * already claimed by an enrollment of other hardware (MDMWindowsConflictingEnrollmentHardwareID: refused, logged,
 * and the enrollment still succeeds). Returns whether it linked.
 */
function reverseLinkBySerial(db: Db, ctx: MdmContext, host: { id: number; uuid: string }, req: EnrollOrbitRequest, now: string, log: EnrollLog): boolean {
  if (fleetPlatform(req.platform) !== 'windows' || isPlaceholderHardwareSerial(req.hardware_serial)) return false;
  const e = unlinkedEnrollmentByHardwareSerial(db, req.hardware_serial.trim());
  if (!e) return false;
  const conflict = conflictingEnrollmentHardwareId(db, host.uuid, e.mdm_hardware_id);
  if (conflict.conflicted) {
    log.push(`refusing to link windows mdm enrollment to a host already claimed by other hardware host_uuid=${host.uuid} device_id=${e.mdm_device_id} claimed_by_hardware_id=${conflict.hardwareId}`);
    return false;
  }
  const linked = linkWindowsHostMDMEnrollment(db, e, host, now, linkOptions((id) => ctx.fleet(id)));
  if (linked) log.push(`linked windows mdm enrollment by hardware serial host_uuid=${host.uuid} device_id=${e.mdm_device_id} hardware_serial=${req.hardware_serial}`);
  return linked;
}

/**
 * The EUA token path after ds.EnrollOrbit (fleet.md corrections §1), per Fleet profile:
 * - eua-link-after-enroll (#45066): AssociateHostMDMIdPAccount links the account now that the host exists and
 *   reconciles host_emails (before it, processWindowsEUAToken had linked before the host insert, with no emails);
 * - windows-link-bookkeeping (#49922): LinkWindowsHostMDMEnrollment (host_uuid, host_emails, installed_from_dep,
 *   SCIM), with the default Windows enrollment team when default-windows-enrollment-team is on;
 * - every profile: UpdateMDMWindowsEnrollmentsHostUUID and, when it changed the row, the SCIM refresh.
 */
function linkAfterEnrollByToken(db: Db, ctx: MdmContext, host: { id: number; uuid: string }, check: EuaTokenCheck, account: IdpAccount, now: string, log: EnrollLog): void {
  if (ctx.fleet('eua-link-after-enroll')) {
    const before = idpLinkByHostUuid(db, host.uuid)?.account_uuid;
    associateHostMDMIdPAccount(db, host.uuid, account, now);
    // Fleet records the binding activity on the SSO path (bindHostToIdPAccountFromSSO); on the token path UNCONFIRMED.
    if (before !== account.uuid && ctx.fleet('sso-bind-activities')) {
      insertBoundHostToIdpAccount(db, { hostUuid: host.uuid, idpEmail: account.email, hostId: host.id, now });
    }
  }
  if (ctx.fleet('windows-link-bookkeeping')) {
    const e = enrollmentByDeviceId(db, check.deviceId);
    if (e && linkWindowsHostMDMEnrollment(db, e, host, now, linkOptions((id) => ctx.fleet(id)))) log.push(`LinkWindowsHostMDMEnrollment device_id=${check.deviceId}`);
  }
  const updated = updateEnrollmentHostUuid(db, host.uuid, check.deviceId, now);
  if (updated) refreshHostScimUser(db, host.id, check.upn, now);
  // PR #52235: the deferred mdm_enrolled activity is claimed at the link (once; a no-op when already claimed).
  claimDeferredMdmEnrolledActivity(db, enrollmentByDeviceId(db, check.deviceId), host, now);
}

/**
 * EnrollOrbit (fleet.md §4.1–§4.2): the end-user-auth check, then in ONE transaction (Fleet's calls in their order):
 * processWindowsEUAToken's account (linked at once under eua-first), ds.EnrollOrbit (the host, a new orbit node key),
 * the link after it (linkAfterEnrollByToken, or the reverse link by serial with no token), the SCIM refresh BEFORE
 * MaybeAssociateHostWithScimUser (every profile), the fleet_enrolled activity. A refused enrollment writes no Fleet
 * row; END_USER_AUTH_REQUIRED records the pending prompt (Fleet's Redis key, lab_kv) so that the SSO page will start.
 * Fleet may return before recording the prompt when the token fails (UNCONFIRMED); the lab records it, or the user
 * could not take the second prompt at all.
 */
export async function enrollOrbit(ctx: MdmContext, req: EnrollOrbitRequest, capabilities: Set<string>): Promise<EnrollOutcome> {
  const checked = await endUserAuthCheck(ctx, req, capabilities);
  if (!checked) return { ok: false, error: 'invalid-secret' };
  if ('rejected' in checked) {
    // EnrollOrbit on an EnrollmentRejectedError: recordEnrollmentRejected (rate-limited, it never fails the caller),
    // then the same 401 Authentication failed as a bad secret (server/service, the one-time enroll secret rules).
    const attempt = { plane: 'orbit' as const, platform: req.platform, hardwareUuid: req.hardware_uuid, hardwareSerial: req.hardware_serial };
    ctx.store.tx((db) => recordEnrollmentRejected(db, { reason: checked.rejected, hostId: checked.hostId, ...attempt }, ctx.lab.clock.now()));
    return { ok: false, error: 'invalid-secret' };
  }
  if ('serverError' in checked) return { ok: false, error: 'server-error', message: checked.serverError };
  const { secret, decision } = checked;
  const nowMs = ctx.lab.clock.now();
  const now = new Date(nowMs).toISOString();
  if (decision.kind === 'end-user-auth-required') {
    ctx.store.tx((db) => recordEndUserAuthPrompt(db, req.hardware_uuid, new Date(nowMs + PROMPT_TTL_MS).toISOString()));
    return { ok: false, error: 'end-user-auth-required', decision };
  }
  const nodeKey = ctx.lab.ids.bytes(NODE_KEY_BYTES).toString('base64');
  const log: EnrollLog = [];
  const hostId = ctx.store.tx((db) => {
    let account: IdpAccount | undefined;
    if (decision.kind === 'eua-token') {
      // #43295 linked here, before the host row existed; #45066 only gets or creates the account.
      account = ctx.fleet('eua-link-after-enroll')
        ? getOrCreateEuaAccount(db, ctx, decision.check.upn, now)
        : linkEUAAccount(db, ctx, req.hardware_uuid, decision.check.upn, now);
    }
    const id = enrollOrbitHost(
      db,
      {
        hardwareUuid: req.hardware_uuid,
        hardwareSerial: req.hardware_serial,
        hostname: req.hostname,
        computerName: req.computer_name,
        platform: req.platform,
        platformLike: req.platform_like,
        hardwareModel: req.hardware_model,
        osqueryIdentifier: req.osquery_identifier,
      },
      nodeKey,
      secret.team_id,
      now,
    );
    consumeAndLinkOneTimeSecret(db, secret, id, req.hardware_uuid, now);
    const host = { id, uuid: req.hardware_uuid };
    if (decision.kind === 'eua-token') {
      linkAfterEnrollByToken(db, ctx, host, decision.check, account!, now, log);
    } else {
      if (decision.kind === 'already-satisfied' && decision.by === 'idp-link' && ctx.fleet('eua-link-after-enroll')) {
        // The SSO callback linked before the host existed: its emails are reconciled now (UNCONFIRMED where Fleet does it).
        const link = idpLinkByHostUuid(db, host.uuid);
        const linked = link && idpAccountByUuid(db, link.account_uuid);
        if (linked) reconcileIdpHostEmails(db, host.uuid, linked, now);
      }
      if (ctx.fleet('reverse-link-by-serial')) reverseLinkBySerial(db, ctx, host, req, now, log);
    }
    maybeAssociateHostWithScimUser(db, id, req.hardware_uuid, now);
    insertFleetEnrolled(db, id, req.hardware_serial, now);
    clearEndUserAuthPrompt(db, req.hardware_uuid);
    return id;
  });
  return { ok: true, nodeKey, hostId, decision, log };
}
