import type { Db } from '../../lab/store.js';
import { hostDisplayName } from './hosts.js';

/** One row of Fleet's feed as GET /api/v1/fleet/activities lists it (server/fleet/activities.go Activity). */
export interface ActivityRow {
  id: number;
  created_at: string;
  activity_type: string;
  details: Record<string, unknown> | null;
  fleet_initiated: boolean;
  host_ids: number[];
}

/**
 * fleet.NewActivity for an activity Fleet itself initiates (no user: user_id/user_name null, fleet_initiated = 1), in
 * the caller's transaction, with its host_activities rows. `details` is the activity type's JSON as Fleet marshals it.
 */
export function insertActivity(db: Db, a: { type: string; details: Record<string, unknown>; hostIds?: number[]; now: string }): number {
  const id = Number(
    db
      .prepare(`INSERT INTO activities(created_at, user_id, user_name, activity_type, details, fleet_initiated) VALUES (?, NULL, NULL, ?, ?, 1)`)
      .run(a.now, a.type, JSON.stringify(a.details)).lastInsertRowid,
  );
  const link = db.prepare(`INSERT OR IGNORE INTO host_activities(host_id, activity_id) VALUES (?, ?)`);
  for (const h of a.hostIds ?? []) link.run(h, id);
  return id;
}

function toRow(r: { id: number; created_at: string; activity_type: string; details: string | null; fleet_initiated: number; host_ids: string | null }): ActivityRow {
  return {
    id: r.id,
    created_at: r.created_at,
    activity_type: r.activity_type,
    details: r.details === null ? null : (JSON.parse(r.details) as Record<string, unknown>),
    fleet_initiated: r.fleet_initiated === 1,
    host_ids: r.host_ids ? r.host_ids.split(',').map(Number) : [],
  };
}

const SELECT = `SELECT a.id, a.created_at, a.activity_type, a.details, a.fleet_initiated,
  (SELECT group_concat(host_id) FROM host_activities h WHERE h.activity_id = a.id) AS host_ids FROM activities a`;

/** The feed, newest first (ListActivities' default order). */
export function listActivities(db: Db): ActivityRow[] {
  return (db.prepare(`${SELECT} ORDER BY a.id DESC`).all() as Parameters<typeof toRow>[0][]).map(toRow);
}

/** A host's past activities, newest first (ListHostPastActivities). */
export function hostActivities(db: Db, hostId: number): ActivityRow[] {
  return (db.prepare(`${SELECT} WHERE a.id IN (SELECT activity_id FROM host_activities WHERE host_id = ?) ORDER BY a.id DESC`).all(hostId) as Parameters<typeof toRow>[0][]).map(toRow);
}

// ---- The activity types of the orbit / EUA linking paths, with Fleet's details JSON (key order as Go marshals it).

/** The display name of a host by id (fleet.HostDisplayName, store/hosts.ts); '' when there is no such host. */
function hostDisplayNameById(db: Db, hostId: number): string {
  const h = db.prepare(`SELECT computer_name, hostname, hardware_model, hardware_serial FROM hosts WHERE id = ?`).get(hostId) as Parameters<typeof hostDisplayName>[0] | undefined;
  return h ? hostDisplayName(h) : '';
}

/** fleet.ActivityTypeFleetEnrolled (server/fleet/activities.go): {host_id, host_serial, host_display_name}, at orbit enroll. */
export function insertFleetEnrolled(db: Db, hostId: number, hostSerial: string, now: string): number {
  return insertActivity(db, { type: 'fleet_enrolled', details: { host_id: hostId, host_serial: hostSerial, host_display_name: hostDisplayNameById(db, hostId) }, hostIds: [hostId], now });
}

/**
 * fleet.ActivityTypeBoundHostToIdPAccount (server/service TestBindHostToIdPAccountFromSSO): {host_uuid, idp_email} and,
 * when it replaced another binding, replaced_idp_email. The JSON tag names are UNCONFIRMED (read from the Go field
 * names HostUUID, IdPEmail, ReplacedIdPEmail).
 */
export function insertBoundHostToIdpAccount(db: Db, a: { hostUuid: string; idpEmail: string; replacedIdpEmail?: string; hostId?: number; now: string }): number {
  return insertActivity(db, {
    type: 'bound_host_to_idp_account',
    details: { host_uuid: a.hostUuid, idp_email: a.idpEmail, ...(a.replacedIdpEmail && { replaced_idp_email: a.replacedIdpEmail }) },
    ...(a.hostId !== undefined && { hostIds: [a.hostId] }),
    now: a.now,
  });
}

/** fleet.ActivityTypeRefusedHostIdPAccountChange: a sign-in that would take over a binding settled at enrollment (tags UNCONFIRMED). */
export function insertRefusedHostIdpAccountChange(db: Db, a: { hostUuid: string; idpEmail: string; existingIdpEmail: string; hostId?: number; now: string }): number {
  return insertActivity(db, {
    type: 'refused_host_idp_account_change',
    details: { host_uuid: a.hostUuid, idp_email: a.idpEmail, existing_idp_email: a.existingIdpEmail },
    ...(a.hostId !== undefined && { hostIds: [a.hostId] }),
    now: a.now,
  });
}

/** enrollmentRejectedActivityTTL: one host_enrollment_rejected per host (or hardware UUID) and reason per 12 h. */
export const ENROLLMENT_REJECTED_TTL_MS = 12 * 3600_000;

export interface EnrollmentRejected {
  reason: string;
  hostId: number | null;
  /** "orbit" or "osquery" (fleet.EnrollmentPlane). */
  plane: 'orbit' | 'osquery';
  platform: string;
  hardwareUuid: string;
  hardwareSerial: string;
}

/**
 * recordEnrollmentRejected (server/service, the one-time enroll secret rules): fleet.ActivityTypeHostEnrollmentRejected
 * {host_id, host_display_name, host_serial, host_uuid, platform, enrollment_plane, reason}, at most once per subject and
 * reason within 12 h (Fleet's key "{enrollment_rejected}:<host:id | hardware uuid>:<reason>", here in lab_kv). Fleet
 * records it only when a one-time enroll secret rule refuses an enrollment. Returns the activity id, or null when
 * rate-limited.
 */
export function recordEnrollmentRejected(db: Db, r: EnrollmentRejected, nowMs: number): number | null {
  const now = new Date(nowMs).toISOString();
  const subject = r.hostId !== null ? `host:${r.hostId}` : r.hardwareUuid;
  const key = `{enrollment_rejected}:${subject}:${r.reason}`;
  if (db.prepare(`SELECT 1 FROM lab_kv WHERE key = ? AND expires_at > ?`).get(key, now)) return null;
  const id = insertActivity(db, {
    type: 'host_enrollment_rejected',
    details: {
      host_id: r.hostId,
      host_display_name: r.hostId !== null ? hostDisplayNameById(db, r.hostId) : '',
      host_serial: r.hardwareSerial,
      host_uuid: r.hardwareUuid,
      platform: r.platform,
      enrollment_plane: r.plane,
      reason: r.reason,
    },
    ...(r.hostId !== null && { hostIds: [r.hostId] }),
    now,
  });
  db.prepare(`INSERT INTO lab_kv(key, value, expires_at) VALUES (?, '1', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`).run(
    key,
    new Date(nowMs + ENROLLMENT_REJECTED_TTL_MS).toISOString(),
  );
  return id;
}
