import type { Db } from '../../lab/store.js';
import type { MdmContext } from '../context.js';
import { claimDeferredMdmEnrolledActivity } from './activity-mdm-enrolled.js';

/**
 * One-time enroll secrets for Windows MDM installs (server/datastore/mysql/host_one_time_enroll_secrets.go, migrations
 * 20260901200000 and 20260923140854), behind auth.mdm_windows_one_time_enroll_secrets.
 */

/** fleet.HostSecretPrefix + fleet.HostSecretEnrollSecret: what the stored command holds instead of the secret. */
export const HOST_SECRET_PREFIX = '$FLEET_HOST_SECRET_';
export const HOST_SECRET_ENROLL_SECRET = 'ENROLL_SECRET';
export const ENROLL_SECRET_PLACEHOLDER = `${HOST_SECRET_PREFIX}${HOST_SECRET_ENROLL_SECRET}`;

export interface OneTimeSecret {
  id: number;
  secret: string;
  host_id: number | null;
  mdm_windows_enrollment_id: number | null;
  platform: string;
  consumed_at: string | null;
  orbit_used_at: string | null;
}

/** Whether this world's Fleet mints them: the profile's switch and the server config flag. */
export function windowsOneTimeSecretsOn(ctx: MdmContext): boolean {
  return ctx.fleet('one-time-enroll-secrets') && ctx.settings().mdmWindowsOneTimeEnrollSecrets;
}

/** liveWindowsMDMOneTimeEnrollSecret: the unconsumed secret minted for the enrollment, newest first. */
export function liveWindowsSecret(db: Db, enrollmentId: number): string | undefined {
  return db.prepare(`SELECT secret FROM host_one_time_enroll_secrets WHERE mdm_windows_enrollment_id = ? AND consumed_at IS NULL ORDER BY id DESC LIMIT 1`).pluck().get(enrollmentId) as
    | string
    | undefined;
}

/**
 * mintWindowsMDMOneTimeEnrollSecretsDB for one enrollment: a live secret is reused (Fleet re-enqueues the install every
 * session while fleetd looks absent); else a new one, team NULL, platform 'windows', the serial the DevDetail Get
 * stored, bound to the host only when the enrollment's host exists. The token is GenerateRandom32ByteEntropyURLSafeToken.
 */
export function mintWindowsSecret(db: Db, ctx: MdmContext, enrollmentId: number, now: string): string | undefined {
  // hardware_serial arrives with the DevDetail serial migration (#52614); read it where the schema has it.
  const hasSerial = (db.prepare(`SELECT name FROM pragma_table_info('mdm_windows_enrollments')`).pluck().all() as string[]).includes('hardware_serial');
  const e = db.prepare(`SELECT id, host_uuid, ${hasSerial ? 'hardware_serial' : 'NULL AS hardware_serial'} FROM mdm_windows_enrollments WHERE id = ?`).get(enrollmentId) as
    | { id: number; host_uuid: string; hardware_serial: string | null }
    | undefined;
  if (!e) return undefined;
  const live = liveWindowsSecret(db, enrollmentId);
  const host = e.host_uuid === '' ? undefined : (db.prepare(`SELECT id, uuid FROM hosts WHERE uuid = ? ORDER BY id LIMIT 1`).get(e.host_uuid) as { id: number; uuid: string } | undefined);
  if (live) {
    if (host) db.prepare(`UPDATE host_one_time_enroll_secrets SET host_id = ?, hardware_uuid = ? WHERE mdm_windows_enrollment_id = ? AND consumed_at IS NULL AND host_id IS NULL`).run(host.id, host.uuid, enrollmentId);
    return live;
  }
  const secret = ctx.lab.ids.bytes(32).toString('base64url');
  db.prepare(
    `INSERT INTO host_one_time_enroll_secrets(secret, host_id, mdm_windows_enrollment_id, team_id, platform, hardware_uuid, hardware_serial, created_at)
     VALUES (?, ?, ?, NULL, 'windows', ?, ?, ?)`,
  ).run(secret, host?.id ?? null, enrollmentId, host?.uuid ?? '', e.hardware_serial ?? '', now);
  return secret;
}

/** GetHostOneTimeEnrollSecret + lookupOneTimeEnrollSecret: honoured only while its platform's switch is on. */
export function lookupOneTimeSecret(db: Db, ctx: MdmContext, secret: string): OneTimeSecret | undefined {
  if (secret.trim() === '') return undefined;
  const row = db.prepare(`SELECT id, secret, host_id, mdm_windows_enrollment_id, platform, consumed_at, orbit_used_at FROM host_one_time_enroll_secrets WHERE secret = ?`).get(secret) as
    | OneTimeSecret
    | undefined;
  if (!row || (row.platform === 'windows' && !windowsOneTimeSecretsOn(ctx))) return undefined;
  return row;
}

/**
 * consumeHostOneTimeEnrollSecret for the orbit plane, in the enroll transaction: a secret bound to another existing
 * host is refused (one_time_secret_identifier_mismatch), one the orbit plane already used is spent
 * (one_time_secret_spent); otherwise orbit_used_at, consumed_at and, on first use, host_id are set.
 */
export function consumeOneTimeSecret(db: Db, id: number, matchedHostId: number, now: string): 'ok' | 'one_time_secret_spent' | 'one_time_secret_identifier_mismatch' {
  const s = db.prepare(`SELECT host_id, orbit_used_at FROM host_one_time_enroll_secrets WHERE id = ?`).get(id) as { host_id: number | null; orbit_used_at: string | null } | undefined;
  if (!s) return 'one_time_secret_spent';
  if (s.host_id !== null && s.host_id !== matchedHostId && db.prepare(`SELECT 1 FROM hosts WHERE id = ?`).get(s.host_id)) return 'one_time_secret_identifier_mismatch';
  if (s.orbit_used_at !== null) return 'one_time_secret_spent';
  db.prepare(`UPDATE host_one_time_enroll_secrets SET orbit_used_at = ?, consumed_at = COALESCE(consumed_at, ?), host_id = COALESCE(host_id, ?) WHERE id = ?`).run(now, now, matchedHostId, id);
  return 'ok';
}

/** deleteHostOneTimeEnrollSecrets: DeleteHost takes the host's secrets with it. */
export function deleteHostOneTimeSecrets(db: Db, hostId: number): void {
  db.prepare(`DELETE FROM host_one_time_enroll_secrets WHERE host_id = ?`).run(hostId);
}

/**
 * expandWindowsHostSecrets at delivery (getPendingMDMCmds): $FLEET_HOST_SECRET_ENROLL_SECRET becomes the enrollment's
 * live secret, XML-escaped; empty once it was consumed ("delivered empty on purpose").
 */
export function expandWindowsHostSecrets(db: Db, raw: string, enrollmentId: number): string {
  if (!raw.includes(ENROLL_SECRET_PLACEHOLDER)) return raw;
  const value = (liveWindowsSecret(db, enrollmentId) ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return raw.split(ENROLL_SECRET_PLACEHOLDER).join(value);
}

/** An enroll secret as EnrollOrbit resolves it: the shared one, or a one-time one (its row id). */
export interface ResolvedEnrollSecret {
  secret: string;
  team_id: number | null;
  oneTimeId?: number;
  oneTimeEnrollmentId?: number | null;
}

/** fleet.EnrollmentRejectedError: a one-time secret rule refused the enrollment (the host it targeted, if known). */
export interface RejectedEnrollSecret {
  rejected: 'one_time_secret_spent' | 'one_time_secret_identifier_mismatch';
  hostId: number | null;
}

/**
 * EnrollOrbit's secret resolution: a one-time secret first (lookupOneTimeEnrollSecret), refused when the orbit plane
 * already used it or it is bound to another existing host (both an AuthFailedError for the caller: 401 "Authentication
 * failed", with Fleet's EnrollmentRejectedError reason, which the caller records as host_enrollment_rejected); otherwise the
 * shared secret (VerifyEnrollSecret).
 */
export function resolveEnrollSecret(db: Db, ctx: MdmContext, presented: string, hardwareUuid: string): ResolvedEnrollSecret | RejectedEnrollSecret | undefined {
  const oneTime = lookupOneTimeSecret(db, ctx, presented);
  if (oneTime) {
    if (oneTime.orbit_used_at !== null) return { rejected: 'one_time_secret_spent', hostId: oneTime.host_id };
    if (oneTime.host_id !== null) {
      const bound = db.prepare(`SELECT uuid FROM hosts WHERE id = ?`).pluck().get(oneTime.host_id) as string | undefined;
      if (bound !== undefined && bound.toLowerCase() !== hardwareUuid.toLowerCase()) return { rejected: 'one_time_secret_identifier_mismatch', hostId: oneTime.host_id };
    }
    return { secret: presented, team_id: null, oneTimeId: oneTime.id, oneTimeEnrollmentId: oneTime.mdm_windows_enrollment_id };
  }
  return db.prepare(`SELECT secret, team_id FROM enroll_secrets WHERE secret = ?`).get(presented) as ResolvedEnrollSecret | undefined;
}

/**
 * After ds.EnrollOrbit made or matched the host: consume the one-time secret and link the host to the enrollment it
 * was minted for (linkWindowsEnrollmentFromOneTimeSecret: LinkWindowsHostMDMEnrollment sets the enrollment's host_uuid).
 */
export function consumeAndLinkOneTimeSecret(db: Db, s: ResolvedEnrollSecret, hostId: number, hostUuid: string, now: string): void {
  if (s.oneTimeId === undefined) return;
  consumeOneTimeSecret(db, s.oneTimeId, hostId, now);
  if (s.oneTimeEnrollmentId != null) {
    db.prepare(`UPDATE mdm_windows_enrollments SET host_uuid = ?, updated_at = ? WHERE id = ? AND host_uuid <> ?`).run(hostUuid, now, s.oneTimeEnrollmentId, hostUuid);
    // linkWindowsEnrollmentFromOneTimeSecret: the enrollment predates this host, so its deferred mdm_enrolled is claimed now.
    const e = db.prepare(`SELECT mdm_hardware_id, enroll_user_id, not_in_oobe FROM mdm_windows_enrollments WHERE id = ?`).get(s.oneTimeEnrollmentId) as
      | { mdm_hardware_id: string; enroll_user_id: string; not_in_oobe: number }
      | undefined;
    if (e) claimDeferredMdmEnrolledActivity(db, e, { id: hostId }, now);
  }
}
