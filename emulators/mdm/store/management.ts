import { gzipSync } from 'node:zlib';
import type { Db } from '../../lab/store.js';

// One definition of the enrollment row and its lookup, shared with the enrollment path.
export { enrollmentByDeviceId, type WindowsEnrollment } from './enrollments.js';

/** MDMWindowsAcknowledgeEnrolledDeviceCredentials. */
export function acknowledgeCredentials(db: Db, deviceId: string, now: string): void {
  db.prepare(`UPDATE mdm_windows_enrollments SET credentials_acknowledged = 1, updated_at = ? WHERE mdm_device_id = ?`).run(now, deviceId);
}

/** MDMWindowsUpdateEnrolledDeviceCredentials: a new hash, not yet acknowledged (rekey). */
export function updateCredentials(db: Db, deviceId: string, hash: Buffer, now: string): void {
  db.prepare(`UPDATE mdm_windows_enrollments SET credentials_hash = ?, credentials_acknowledged = 0, updated_at = ? WHERE mdm_device_id = ?`).run(hash, now, deviceId);
}

/** MDMWindowsDeleteEnrolledDeviceWithDeviceID (unenroll alert). Queue, responses and results cascade. */
export function deleteEnrollmentsByDeviceId(db: Db, deviceId: string): void {
  db.prepare(`DELETE FROM mdm_windows_enrollments WHERE mdm_device_id = ?`).run(deviceId);
}

/** UpdateMDMWindowsEnrollmentsHostUUID: true when a row changed (the "first linkage" signal, fleet.md §6). */
export function updateEnrollmentHostUuid(db: Db, hostUuid: string, deviceId: string, now: string): boolean {
  const r = db
    .prepare(`UPDATE mdm_windows_enrollments SET host_uuid = ?, updated_at = ? WHERE mdm_device_id = ? AND host_uuid <> ?`)
    .run(hostUuid, now, deviceId, hostUuid);
  return r.changes > 0;
}

export interface QueuedCommand {
  command_uuid: string;
  raw_command: string;
  target_loc_uri: string;
}

/**
 * MDMWindowsInsertCommandForHosts for one device (fleet.md §3 step 6): the command, the queue row on the latest
 * enrollment matched by host_uuid or DeviceID, and has_pending_commands = 1.
 */
export function insertCommandForDevice(db: Db, deviceId: string, cmd: QueuedCommand, now: string): number {
  const row = db
    .prepare(`SELECT id FROM mdm_windows_enrollments WHERE host_uuid = ? OR mdm_device_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`)
    .get(deviceId, deviceId) as { id: number } | undefined;
  if (!row) throw new Error(`no windows mdm enrollment for device ${deviceId}`);
  db.prepare(`INSERT INTO windows_mdm_commands(command_uuid, raw_command, target_loc_uri, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`).run(
    cmd.command_uuid,
    cmd.raw_command,
    cmd.target_loc_uri,
    now,
    now,
  );
  db.prepare(`INSERT INTO windows_mdm_command_queue(enrollment_id, command_uuid, acked_at, created_at, updated_at) VALUES (?, ?, NULL, ?, ?)`).run(row.id, cmd.command_uuid, now, now);
  db.prepare(`UPDATE mdm_windows_enrollments SET has_pending_commands = 1, updated_at = ? WHERE id = ?`).run(now, row.id);
  return row.id;
}

/** MDMWindowsGetPendingCommands: queued, not acked, oldest first. */
export function pendingCommands(db: Db, enrollmentId: number): QueuedCommand[] {
  return db
    .prepare(
      `SELECT c.command_uuid, c.raw_command, c.target_loc_uri FROM windows_mdm_command_queue q
       JOIN windows_mdm_commands c ON c.command_uuid = q.command_uuid
       WHERE q.enrollment_id = ? AND q.acked_at IS NULL ORDER BY q.created_at ASC, c.command_uuid ASC`,
    )
    .all(enrollmentId) as QueuedCommand[];
}

/** Whether any command is still pending (has_pending_commands maintenance). */
export function refreshHasPendingCommands(db: Db, enrollmentId: number, now: string): void {
  const n = (db.prepare(`SELECT COUNT(*) AS n FROM windows_mdm_command_queue WHERE enrollment_id = ? AND acked_at IS NULL`).get(enrollmentId) as { n: number }).n;
  db.prepare(`UPDATE mdm_windows_enrollments SET has_pending_commands = ?, updated_at = ? WHERE id = ? AND has_pending_commands <> ?`).run(n > 0 ? 1 : 0, now, enrollmentId, n > 0 ? 1 : 0);
}

/** windows_mdm_responses: the device's whole message, gzip (migration 20260626120000). */
export function saveResponse(db: Db, enrollmentId: number, rawSyncML: string, now: string): number {
  const r = db
    .prepare(`INSERT INTO windows_mdm_responses(enrollment_id, raw_response_gz, created_at, updated_at) VALUES (?, ?, ?, ?)`)
    .run(enrollmentId, gzipSync(Buffer.from(rawSyncML, 'utf8')), now, now);
  return Number(r.lastInsertRowid);
}

/** Queue rows of this enrollment whose command_uuid is one of `uuids` (the commands a message answers). */
export function queuedCommandUuids(db: Db, enrollmentId: number, uuids: string[]): Set<string> {
  if (uuids.length === 0) return new Set();
  const rows = db
    .prepare(`SELECT command_uuid FROM windows_mdm_command_queue WHERE enrollment_id = ? AND command_uuid IN (${uuids.map(() => '?').join(',')})`)
    .all(enrollmentId, ...uuids) as { command_uuid: string }[];
  return new Set(rows.map((r) => r.command_uuid));
}

/** windows_mdm_command_results upsert (COALESCE keeps what an earlier message gave) and the queue ack. */
export function recordCommandResult(
  db: Db,
  r: { enrollmentId: number; commandUuid: string; rawResult: string | null; statusCode: string | null; responseId: number },
  now: string,
): void {
  db.prepare(
    `INSERT INTO windows_mdm_command_results(enrollment_id, command_uuid, raw_result, response_id, status_code, created_at, updated_at)
     VALUES (?, ?, COALESCE(?, ''), ?, ?, ?, ?)
     ON CONFLICT(enrollment_id, command_uuid) DO UPDATE SET
       raw_result = COALESCE(?, windows_mdm_command_results.raw_result),
       response_id = excluded.response_id,
       status_code = COALESCE(excluded.status_code, windows_mdm_command_results.status_code),
       updated_at = excluded.updated_at`,
  ).run(r.enrollmentId, r.commandUuid, r.rawResult, r.responseId, r.statusCode, now, now, r.rawResult);
  db.prepare(`UPDATE windows_mdm_command_queue SET acked_at = ?, updated_at = ? WHERE enrollment_id = ? AND command_uuid = ? AND acked_at IS NULL`).run(
    now,
    now,
    r.enrollmentId,
    r.commandUuid,
  );
}

// ---- the auth nonce: Fleet keeps it in Redis (WindowsMDMAuthNoncePrefix + DeviceID, 5 min); the lab in lab_kv.

/** Fleet's fleet.WindowsMDMAuthNoncePrefix; the exact string is not on the wire. */
const NONCE_PREFIX = 'windows_mdm_auth_nonce:';

export function readNonce(db: Db, deviceId: string, nowIso: string): string | undefined {
  const row = db.prepare(`SELECT value FROM lab_kv WHERE key = ? AND expires_at > ?`).get(NONCE_PREFIX + deviceId, nowIso) as { value: string } | undefined;
  return row?.value;
}

export function storeNonce(db: Db, deviceId: string, nonce: string, expiresAtIso: string): void {
  db.prepare(`INSERT INTO lab_kv(key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`).run(
    NONCE_PREFIX + deviceId,
    nonce,
    expiresAtIso,
  );
}
