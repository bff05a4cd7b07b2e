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
  /** The DevDetail SMBIOSSerialNumber stored while unlinked (#52614); '' until the device answers the Get. */
  hardware_serial: string;
}

/** Fleet's MDMDeviceStateEnrolled. */
export const MDM_DEVICE_STATE_ENROLLED = 'MDMDeviceEnrolledEnrolled';

/** MDMWindowsGetEnrolledDeviceWithDeviceID: the latest row for a DeviceID (created_at DESC, id DESC). */
export function enrollmentByDeviceId(db: Db, deviceId: string): WindowsEnrollment | undefined {
  return db
    .prepare(`SELECT * FROM mdm_windows_enrollments WHERE mdm_device_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`)
    .get(deviceId) as WindowsEnrollment | undefined;
}

/** The (latest) row for a HWDevID: the one row of unique key idx_type before the 2026-08-31 migration. */
export function enrollmentByHardwareId(db: Db, hardwareId: string): WindowsEnrollment | undefined {
  return db.prepare(`SELECT * FROM mdm_windows_enrollments WHERE mdm_hardware_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`).get(hardwareId) as WindowsEnrollment | undefined;
}

/** Every row for a HWDevID (machines cloned from one image share it since UNIQUE (mdm_hardware_id, host_uuid)). */
export function enrollmentsByHardwareId(db: Db, hardwareId: string): WindowsEnrollment[] {
  return db.prepare(`SELECT * FROM mdm_windows_enrollments WHERE mdm_hardware_id = ? ORDER BY id`).all(hardwareId) as WindowsEnrollment[];
}

/**
 * Which unique key the enrollments table has (switches.ts hwdevid-unique-per-host): Fleet's upsert and re-enrollment
 * delete follow it.
 */
export interface EnrollmentKey {
  /** UNIQUE (mdm_hardware_id, host_uuid) (the 2026-08-31 migration) rather than UNIQUE (mdm_hardware_id). */
  uniquePerHost: boolean;
}

/** The row Fleet's enroll writes: the stored columns minus those SQLite fills, with booleans as Go has them. */
export type NewEnrollment = Omit<
  WindowsEnrollment,
  'id' | 'created_at' | 'updated_at' | 'not_in_oobe' | 'credentials_hash' | 'credentials_acknowledged' | 'poll_schedule_relaxed' | 'has_pending_commands' | 'fleetd_sync_capable' | 'hardware_serial'
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
 *
 * Before the 2026-08-31 migration the HWDevID names one row, so a second machine cloned from the same image takes
 * over the first one's enrollment (the first machine's DeviceID then has none). Since the key is
 * (mdm_hardware_id, host_uuid), only this machine's own earlier row goes: the same DeviceID, or the row of the same
 * key. Which rows Fleet's newer delete picks is UNCONFIRMED; this is the reading under which clones keep their rows.
 */
export function deleteEnrolledDeviceOnReenrollment(
  db: Db,
  hardwareId: string,
  key: EnrollmentKey = { uniquePerHost: false },
  self: { deviceId: string; hostUuid: string } = { deviceId: '', hostUuid: '' },
): { hostUuid: string } | null {
  const rows = key.uniquePerHost
    ? (db
        .prepare(`SELECT * FROM mdm_windows_enrollments WHERE mdm_hardware_id = ? AND (mdm_device_id = ? OR host_uuid = ?) ORDER BY id`)
        .all(hardwareId, self.deviceId, self.hostUuid) as WindowsEnrollment[])
    : enrollmentsByHardwareId(db, hardwareId);
  if (rows.length === 0) return null;
  const del = db.prepare(`DELETE FROM mdm_windows_enrollments WHERE id = ?`);
  for (const r of rows) del.run(r.id);
  return { hostUuid: rows[0]!.host_uuid };
}

/** The serial Fleet stores from the DevDetail SMBIOSSerialNumber Results (#52614). */
export function storeEnrollmentHardwareSerial(db: Db, enrollmentId: number, serial: string, nowIso: string): boolean {
  return db.prepare(`UPDATE mdm_windows_enrollments SET hardware_serial = ?, updated_at = ? WHERE id = ? AND hardware_serial <> ?`).run(serial, nowIso, enrollmentId, serial).changes > 0;
}

/**
 * MDMWindowsGetUnlinkedEnrolledDeviceWithHardwareSerial (#52614): the newest enrollment with no host_uuid whose
 * persisted DevDetail serial is this one (served by the (host_uuid, hardware_serial) index).
 */
export function unlinkedEnrollmentByHardwareSerial(db: Db, serial: string): WindowsEnrollment | undefined {
  if (serial === '') return undefined;
  return db
    .prepare(`SELECT * FROM mdm_windows_enrollments WHERE host_uuid = '' AND hardware_serial = ? ORDER BY created_at DESC, id DESC LIMIT 1`)
    .get(serial) as WindowsEnrollment | undefined;
}

/**
 * MDMWindowsConflictingEnrollmentHardwareID(hostUUID, mdmHardwareID) → (conflicted, conflictingHardwareID): the host is
 * already claimed by an enrollment of other hardware, so linking this one would let a device take over another
 * machine's host (the anti-takeover guard of the serial and one-time-secret links).
 */
export function conflictingEnrollmentHardwareId(db: Db, hostUuid: string, hardwareId: string): { conflicted: boolean; hardwareId: string } {
  const row = db
    .prepare(`SELECT mdm_hardware_id FROM mdm_windows_enrollments WHERE host_uuid = ? AND mdm_hardware_id <> ? ORDER BY id LIMIT 1`)
    .get(hostUuid, hardwareId) as { mdm_hardware_id: string } | undefined;
  return { conflicted: row !== undefined, hardwareId: row?.mdm_hardware_id ?? '' };
}

/** GetWindowsEnrollmentDefaultFleet (PR #49922): the default team of Windows MDM hosts, null when none (or no such table). */
export function windowsEnrollmentDefaultTeam(db: Db): { id: number; name: string } | null {
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'mdm_windows_enrollment_config'`).get();
  if (!exists) return null;
  return (
    (db
      .prepare(`SELECT t.id, t.name FROM mdm_windows_enrollment_config c JOIN teams t ON t.id = c.default_team_id WHERE c.id = 1`)
      .get() as { id: number; name: string } | undefined) ?? null
  );
}

/** The admin setting behind GetWindowsEnrollmentDefaultFleet (null clears it). */
export function setWindowsEnrollmentDefaultTeam(db: Db, teamId: number | null, nowIso: string): void {
  db.prepare(
    `INSERT INTO mdm_windows_enrollment_config(id, default_team_id, created_at, updated_at) VALUES (1, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET default_team_id = excluded.default_team_id, updated_at = excluded.updated_at`,
  ).run(teamId, nowIso, nowIso);
}
