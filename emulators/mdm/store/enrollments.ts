import type { Db } from '../../lab/store.js';

/** A `mdm_windows_enrollments` row (fleet.md §5), as SQLite returns it. */
export interface WindowsEnrollment {
  id: number;
  mdm_device_id: string;
  mdm_hardware_id: string;
  device_state: string;
  device_type: string;
  device_name: string;
  enroll_type: string;
  enroll_user_id: string;
  enroll_proto_version: string;
  enroll_client_version: string;
  not_in_oobe: number;
  created_at: string;
  updated_at: string;
  host_uuid: string;
  /** 16-byte MD5 of "<username>:<password>" (migration 20260126150840). */
  credentials_hash: Buffer | null;
  credentials_acknowledged: number;
  awaiting_configuration: number;
  awaiting_configuration_at: string | null;
  poll_schedule_relaxed: number;
  has_pending_commands: number;
  fleetd_sync_capable: number;
}

/** Fleet's MDMDeviceStateEnrolled. */
export const MDM_DEVICE_STATE_ENROLLED = 'MDMDeviceEnrolledEnrolled';

/** MDMWindowsGetEnrolledDeviceWithDeviceID: the latest row for a DeviceID (created_at DESC, id DESC). */
export function enrollmentByDeviceId(db: Db, deviceId: string): WindowsEnrollment | undefined {
  return db
    .prepare(`SELECT * FROM mdm_windows_enrollments WHERE mdm_device_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`)
    .get(deviceId) as WindowsEnrollment | undefined;
}

/** The row for a HWDevID (unique key idx_type). */
export function enrollmentByHardwareId(db: Db, hardwareId: string): WindowsEnrollment | undefined {
  return db.prepare(`SELECT * FROM mdm_windows_enrollments WHERE mdm_hardware_id = ?`).get(hardwareId) as WindowsEnrollment | undefined;
}

/** The row Fleet's enroll writes: the stored columns minus those SQLite fills, with booleans as Go has them. */
export type NewEnrollment = Omit<
  WindowsEnrollment,
  'id' | 'created_at' | 'updated_at' | 'not_in_oobe' | 'credentials_hash' | 'credentials_acknowledged' | 'poll_schedule_relaxed' | 'has_pending_commands' | 'fleetd_sync_capable'
> & { not_in_oobe: boolean; credentials_hash: Buffer; credentials_acknowledged: boolean };

/**
 * MDMWindowsInsertEnrolledDevice: INSERT … ON DUPLICATE KEY UPDATE, which MySQL fires on whichever unique key the
 * row hits: UNIQUE (mdm_hardware_id) before the 2026-08-31 migration, (mdm_hardware_id, host_uuid) after it. An
 * ON CONFLICT with no target does the same. Returns the row's id.
 */
export function insertEnrolledDevice(db: Db, e: NewEnrollment, nowIso: string): number {
  db.prepare(
    `INSERT INTO mdm_windows_enrollments (
       mdm_device_id, mdm_hardware_id, device_state, device_type, device_name, enroll_type, enroll_user_id,
       enroll_proto_version, enroll_client_version, not_in_oobe, host_uuid, credentials_hash, credentials_acknowledged,
       awaiting_configuration, awaiting_configuration_at, created_at, updated_at)
     VALUES (@mdm_device_id, @mdm_hardware_id, @device_state, @device_type, @device_name, @enroll_type, @enroll_user_id,
       @enroll_proto_version, @enroll_client_version, @not_in_oobe, @host_uuid, @credentials_hash, @credentials_acknowledged,
       @awaiting_configuration, @awaiting_configuration_at, @now, @now)
     ON CONFLICT DO UPDATE SET
       mdm_device_id = excluded.mdm_device_id, device_state = excluded.device_state, device_type = excluded.device_type,
       device_name = excluded.device_name, enroll_type = excluded.enroll_type, enroll_user_id = excluded.enroll_user_id,
       enroll_proto_version = excluded.enroll_proto_version, enroll_client_version = excluded.enroll_client_version,
       not_in_oobe = excluded.not_in_oobe, host_uuid = excluded.host_uuid, credentials_hash = excluded.credentials_hash,
       credentials_acknowledged = excluded.credentials_acknowledged, awaiting_configuration = excluded.awaiting_configuration,
       awaiting_configuration_at = excluded.awaiting_configuration_at, updated_at = excluded.updated_at`,
  ).run({
    ...e,
    not_in_oobe: e.not_in_oobe ? 1 : 0,
    credentials_acknowledged: e.credentials_acknowledged ? 1 : 0,
    now: nowIso,
  });
  return (db.prepare(`SELECT id FROM mdm_windows_enrollments WHERE mdm_hardware_id = ? AND host_uuid = ?`).get(e.mdm_hardware_id, e.host_uuid) as { id: number }).id;
}

/**
 * MDMWindowsDeleteEnrolledDeviceOnReenrollment (fleet.md §2.4 step 2): drop the earlier enrollment of this
 * HWDevID. Fleet also clears the host's host_mdm_actions, host_mdm_windows_profiles,
 * setup_experience_status_results and upcoming_activities, tables the lab does not model. Not found is fine.
 */
export function deleteEnrolledDeviceOnReenrollment(db: Db, hardwareId: string): { hostUuid: string } | null {
  const row = enrollmentByHardwareId(db, hardwareId);
  if (!row) return null;
  db.prepare(`DELETE FROM mdm_windows_enrollments WHERE id = ?`).run(row.id);
  return { hostUuid: row.host_uuid };
}
