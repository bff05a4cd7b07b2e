/**
 * Fleet's tables (server/datastore/mysql/schema.sql, reference/fleet.md §5) in SQLite, with Fleet's table and
 * column names and unique keys. MySQL types map to SQLite affinities; timestamps are ISO-8601 text in lab time
 * (written by the store layer, never CURRENT_TIMESTAMP, so that the lab clock rules).
 */
import { profileHas, DEFAULT_FLEET_PROFILE } from '../profiles/profiles.js';

/** The schema of the profile's Fleet: the 2026-08-31 migration made the HWDevID unique per host (switches.ts hwdevid-unique-per-host). */
export function mdmSchema(profile: string = DEFAULT_FLEET_PROFILE): string {
  const perHost = profileHas(profile, 'hwdevid-unique-per-host');
  const key = perHost ? 'UNIQUE (mdm_hardware_id, host_uuid)' : 'UNIQUE (mdm_hardware_id)';
  // PR #52235: the claim of the deferred mdm_enrolled activity (store/activity-mdm-enrolled.ts; column name UNCONFIRMED).
  const claim = profileHas(profile, 'deferred-mdm-enrolled-activity') ? '\n  mdm_enrolled_activity_at TEXT NULL,' : '';
  let schema = MDM_SCHEMA.replace('CONSTRAINT idx_type UNIQUE (mdm_hardware_id)', `CONSTRAINT idx_type ${key}`);
  // The other 2026 columns of mdm_windows_enrollments (fleet.md corrections §8) came with the same migrations; the lab
  // keeps them at their defaults (nothing on the lab's paths writes them).
  if (perHost) schema = schema.replace('  -- 2026 columns\n', MDM_WINDOWS_ENROLLMENTS_2026_COLUMNS);
  if (profileHas(profile, 'default-windows-enrollment-team')) schema += MDM_WINDOWS_ENROLLMENT_CONFIG;
  schema = schema.replace('fleetd_sync_capable INTEGER NOT NULL DEFAULT 0,', `fleetd_sync_capable INTEGER NOT NULL DEFAULT 0,${claim}`);
  return schema;
}

const MDM_WINDOWS_ENROLLMENTS_2026_COLUMNS = `  ztd_registration_id TEXT NULL,
  deleted_host_team_id INTEGER NULL,
  entra_device_id TEXT NULL,
`;

/**
 * PR #49922: the default fleet (team) of hosts enrolled through Windows MDM, one row (GetWindowsEnrollmentDefaultFleet).
 * Fleet's exact columns beyond default_team_id are UNCONFIRMED.
 */
const MDM_WINDOWS_ENROLLMENT_CONFIG = `
CREATE TABLE IF NOT EXISTS mdm_windows_enrollment_config (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  default_team_id INTEGER NULL REFERENCES teams(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;

export const MDM_SCHEMA = `
CREATE TABLE IF NOT EXISTS teams (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  -- the team's mdm.macos_setup.enable_end_user_authentication (Fleet keeps it in the team config JSON)
  enable_end_user_authentication INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS enroll_secrets (
  secret TEXT NOT NULL PRIMARY KEY,
  team_id INTEGER NULL REFERENCES teams(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS hosts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  osquery_host_id TEXT NULL UNIQUE,
  node_key TEXT NULL UNIQUE,
  orbit_node_key TEXT NULL UNIQUE,
  uuid TEXT NOT NULL DEFAULT '',
  hostname TEXT NOT NULL DEFAULT '',
  computer_name TEXT NOT NULL DEFAULT '',
  platform TEXT NOT NULL DEFAULT '',
  platform_like TEXT NOT NULL DEFAULT '',
  os_version TEXT NOT NULL DEFAULT '',
  osquery_version TEXT NOT NULL DEFAULT '',
  hardware_serial TEXT NOT NULL DEFAULT '',
  hardware_model TEXT NOT NULL DEFAULT '',
  hardware_vendor TEXT NOT NULL DEFAULT '',
  team_id INTEGER NULL REFERENCES teams(id) ON DELETE SET NULL,
  last_enrolled_at TEXT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_hosts_uuid ON hosts(uuid);
CREATE INDEX IF NOT EXISTS idx_hosts_hardware_serial ON hosts(hardware_serial);
CREATE TABLE IF NOT EXISTS host_seen_times (
  host_id INTEGER NOT NULL PRIMARY KEY,
  seen_time TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS host_mdm (
  host_id INTEGER NOT NULL PRIMARY KEY,
  enrolled INTEGER NOT NULL DEFAULT 0,
  server_url TEXT NOT NULL DEFAULT '',
  installed_from_dep INTEGER NOT NULL DEFAULT 0,
  mdm_id INTEGER NULL,
  is_server INTEGER NULL,
  fleet_enroll_ref TEXT NOT NULL DEFAULT '',
  is_personal_enrollment INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS host_orbit_info (
  host_id INTEGER NOT NULL PRIMARY KEY,
  version TEXT NOT NULL DEFAULT '',
  desktop_version TEXT NULL,
  scripts_enabled INTEGER NULL
);
CREATE TABLE IF NOT EXISTS mdm_windows_enrollments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  mdm_device_id TEXT NOT NULL,
  mdm_hardware_id TEXT NOT NULL,
  device_state TEXT NOT NULL,
  device_type TEXT NOT NULL,
  device_name TEXT NOT NULL,
  enroll_type TEXT NOT NULL,
  enroll_user_id TEXT NOT NULL,
  enroll_proto_version TEXT NOT NULL,
  enroll_client_version TEXT NOT NULL,
  not_in_oobe INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  host_uuid TEXT NOT NULL DEFAULT '',
  credentials_hash BLOB NULL,
  credentials_acknowledged INTEGER NOT NULL DEFAULT 0,
  awaiting_configuration INTEGER NOT NULL DEFAULT 0,
  awaiting_configuration_at TEXT NULL,
  poll_schedule_relaxed INTEGER NOT NULL DEFAULT 0,
  has_pending_commands INTEGER NOT NULL DEFAULT 0,
  fleetd_sync_capable INTEGER NOT NULL DEFAULT 0,
  -- #52614: the DevDetail SMBIOSSerialNumber the device reported while unlinked (orbit enroll links by it)
  hardware_serial TEXT NOT NULL DEFAULT '',
  -- 2026 columns
  CONSTRAINT idx_type UNIQUE (mdm_hardware_id)
);
CREATE INDEX IF NOT EXISTS idx_mdm_windows_enrollments_mdm_device_id ON mdm_windows_enrollments(mdm_device_id);
CREATE INDEX IF NOT EXISTS idx_mdm_windows_enrollments_host_uuid ON mdm_windows_enrollments(host_uuid);
CREATE INDEX IF NOT EXISTS idx_mdm_windows_enrollments_host_uuid_hardware_serial ON mdm_windows_enrollments(host_uuid, hardware_serial);
CREATE TABLE IF NOT EXISTS mdm_idp_accounts (
  uuid TEXT NOT NULL PRIMARY KEY,
  username TEXT NOT NULL,
  fullname TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CONSTRAINT unique_idp_email UNIQUE (email)
);
CREATE TABLE IF NOT EXISTS host_mdm_idp_accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  host_uuid TEXT NOT NULL UNIQUE,
  account_uuid TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS host_emails (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  host_id INTEGER NOT NULL,
  email TEXT NOT NULL,
  source TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_host_emails_host_id_email ON host_emails(host_id, email);
CREATE INDEX IF NOT EXISTS idx_host_emails_email ON host_emails(email);
CREATE TABLE IF NOT EXISTS scim_users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  external_id TEXT NULL,
  user_name TEXT NOT NULL UNIQUE,
  given_name TEXT NULL,
  family_name TEXT NULL,
  department TEXT NULL,
  active INTEGER NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- Fleet server/datastore/mysql/schema.sql: scim_users.external_id is a KEY.
CREATE INDEX IF NOT EXISTS idx_scim_users_external_id ON scim_users(external_id);
CREATE TABLE IF NOT EXISTS scim_user_emails (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  scim_user_id INTEGER NOT NULL REFERENCES scim_users(id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  "primary" INTEGER NULL,
  type TEXT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_scim_user_emails_type_email ON scim_user_emails(type, email);
CREATE TABLE IF NOT EXISTS host_scim_user (
  host_id INTEGER NOT NULL PRIMARY KEY,
  scim_user_id INTEGER NOT NULL REFERENCES scim_users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS windows_mdm_commands (
  command_uuid TEXT NOT NULL PRIMARY KEY,
  raw_command TEXT NOT NULL,
  target_loc_uri TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS windows_mdm_command_queue (
  enrollment_id INTEGER NOT NULL REFERENCES mdm_windows_enrollments(id) ON DELETE CASCADE,
  command_uuid TEXT NOT NULL REFERENCES windows_mdm_commands(command_uuid) ON DELETE CASCADE,
  acked_at TEXT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (enrollment_id, command_uuid)
);
CREATE INDEX IF NOT EXISTS idx_wmcq_enrollment_acked ON windows_mdm_command_queue(enrollment_id, acked_at);
-- Fleet schema.sql: the 2026 migration adds both (enrollment_id, acked_at) and (acked_at).
CREATE INDEX IF NOT EXISTS idx_wmcq_acked ON windows_mdm_command_queue(acked_at);
CREATE TABLE IF NOT EXISTS windows_mdm_responses (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  enrollment_id INTEGER NOT NULL REFERENCES mdm_windows_enrollments(id) ON DELETE CASCADE,
  -- migration 20260626120000: the gzip of the full SyncML
  raw_response_gz BLOB NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS windows_mdm_command_results (
  enrollment_id INTEGER NOT NULL REFERENCES mdm_windows_enrollments(id) ON DELETE CASCADE,
  command_uuid TEXT NOT NULL,
  raw_result TEXT NOT NULL,
  response_id INTEGER NOT NULL REFERENCES windows_mdm_responses(id) ON DELETE CASCADE,
  status_code TEXT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (enrollment_id, command_uuid)
);
CREATE TABLE IF NOT EXISTS wstep_serials (
  serial INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS wstep_certificates (
  serial INTEGER NOT NULL PRIMARY KEY REFERENCES wstep_serials(serial),
  name TEXT NOT NULL,
  not_valid_before TEXT NOT NULL,
  not_valid_after TEXT NOT NULL,
  certificate_pem TEXT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS wstep_cert_auth_associations (
  id TEXT NOT NULL PRIMARY KEY,
  sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL
);
-- Fleet schema.sql: the activity feed (fleet.NewActivity); host_activities lists an activity on a host's page.
CREATE TABLE IF NOT EXISTS activities (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at TEXT NOT NULL,
  user_id INTEGER NULL,
  user_name TEXT NULL,
  activity_type TEXT NOT NULL,
  details TEXT NULL,
  streamed INTEGER NOT NULL DEFAULT 0,
  user_email TEXT NOT NULL DEFAULT '',
  fleet_initiated INTEGER NOT NULL DEFAULT 0,
  host_only INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS activities_activity_type_idx ON activities(activity_type);
CREATE TABLE IF NOT EXISTS host_activities (
  host_id INTEGER NOT NULL,
  activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
  PRIMARY KEY (host_id, activity_id)
);
-- Migrations 20260901200000 + 20260923140854: per-device single-use enroll secrets; a Windows row binds to the MDM
-- enrollment it was minted for (host_id NULL until first use) and goes with it (ON DELETE CASCADE).
CREATE TABLE IF NOT EXISTS host_one_time_enroll_secrets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  secret TEXT NOT NULL UNIQUE,
  host_id INTEGER NULL,
  mdm_windows_enrollment_id INTEGER NULL REFERENCES mdm_windows_enrollments(id) ON DELETE CASCADE,
  team_id INTEGER NULL REFERENCES teams(id) ON DELETE SET NULL,
  platform TEXT NOT NULL,
  hardware_uuid TEXT NOT NULL,
  hardware_serial TEXT NOT NULL,
  created_at TEXT NOT NULL,
  consumed_at TEXT NULL,
  orbit_used_at TEXT NULL,
  osquery_used_at TEXT NULL
);
CREATE INDEX IF NOT EXISTS idx_hotes_host_id ON host_one_time_enroll_secrets(host_id);
CREATE INDEX IF NOT EXISTS idx_hotes_mdm_windows_enrollment_id ON host_one_time_enroll_secrets(mdm_windows_enrollment_id);
-- Fleet schema.sql: setup experience software (software_titles / software_installers with install_during_setup),
-- its per-host status rows (migration 20240925112748 and later; status 'cancelled' added with require_all_software)
-- and the install executions orbit reports on (host_software_installs). Only the columns the lab uses.
CREATE TABLE IF NOT EXISTS software_titles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT 'programs',
  UNIQUE (name, source)
);
CREATE TABLE IF NOT EXISTS software_installers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NULL REFERENCES teams(id) ON DELETE CASCADE,
  global_or_team_id INTEGER NOT NULL DEFAULT 0,
  title_id INTEGER NULL REFERENCES software_titles(id) ON DELETE SET NULL,
  filename TEXT NOT NULL,
  version TEXT NOT NULL DEFAULT '',
  platform TEXT NOT NULL,
  install_during_setup INTEGER NOT NULL DEFAULT 0,
  uploaded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS host_software_installs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  execution_id TEXT NOT NULL UNIQUE,
  host_id INTEGER NOT NULL,
  software_installer_id INTEGER NULL REFERENCES software_installers(id) ON DELETE SET NULL,
  install_script_exit_code INTEGER NULL,
  install_script_output TEXT NULL,
  canceled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS setup_experience_status_results (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  host_uuid TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'success', 'failure', 'cancelled')),
  software_installer_id INTEGER NULL,
  host_software_installs_execution_id TEXT NULL,
  error TEXT NULL
);
CREATE INDEX IF NOT EXISTS idx_setup_experience_scripts_host_uuid ON setup_experience_status_results(host_uuid);
-- Lab-only tables (not Fleet's): the WSTEP identity CA, server settings, nonces and pending prompts that Fleet
-- keeps in its config file and Redis. Kept in SQLite so that step back restores them too.
CREATE TABLE IF NOT EXISTS lab_wstep_identity (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  certificate_pem TEXT NOT NULL,
  private_key_pem TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lab_settings (
  name TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lab_kv (
  key TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
`;
