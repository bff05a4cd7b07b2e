import type { Db } from '../../lab/store.js';
import { hostDisplayName } from '../store/hosts.js';
import { MDM_DEVICE_STATE_ENROLLED } from '../store/enrollments.js';

/**
 * What Fleet's REST API answers about hosts and the activity feed, built from the Fleet tables alone, so that the live
 * server (routes.ts) and the UI's DB tab (from a step's snapshot, app/host/db-view.ts) show the same JSON. Only the
 * fields the lab models are filled; Fleet sends more (software, labels, policies, batteries…). Key order follows
 * Fleet's structs (server/fleet/hosts.go Host, MDMHostData; server/fleet/activities.go Activity).
 */

interface HostRow {
  id: number;
  osquery_host_id: string | null;
  uuid: string;
  hostname: string;
  computer_name: string;
  platform: string;
  platform_like: string;
  os_version: string;
  osquery_version: string;
  hardware_serial: string;
  hardware_model: string;
  hardware_vendor: string;
  team_id: number | null;
  last_enrolled_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A DATETIME as Go's time.Time marshals it (RFC 3339, trailing zeros of the fraction dropped). */
export function goTime(iso: string): string {
  return iso.replace(/\.(\d*?)0+Z$/, (_m, d: string) => (d ? `.${d}Z` : 'Z'));
}

/** hosts.last_enrolled_at's column default in Fleet's schema ('2000-01-01 00:00:00'). */
const FLEET_ZERO_TIME = '2000-01-01T00:00:00Z';

function host(db: Db, id: number): HostRow | undefined {
  return db.prepare(`SELECT * FROM hosts WHERE id = ?`).get(id) as HostRow | undefined;
}

/** fleet.HostDeviceMapping as JSON: {email, source}, ordered as ListHostDeviceMapping does (email, source). */
export function deviceMappingRows(db: Db, hostId: number): { email: string; source: string }[] {
  return db.prepare(`SELECT email, source FROM host_emails WHERE host_id = ? ORDER BY email, source`).all(hostId) as { email: string; source: string }[];
}

/**
 * host_mdm's generated enrollment_status (migration 20260624210311): null for a server or when osquery never reported
 * a host_mdm row (the lab runs no osquery, so only the Fleet MDM paths that write it make one).
 */
export function enrollmentStatus(r: { enrolled: number; installed_from_dep: number; is_server: number | null; is_personal_enrollment: number } | undefined): string | null {
  if (!r || r.is_server === 1) return null;
  if (r.enrolled === 1 && r.installed_from_dep === 0) return r.is_personal_enrollment === 1 ? 'On (manual - personal)' : 'On (manual)';
  if (r.enrolled === 1 && r.installed_from_dep === 1) return r.is_personal_enrollment === 0 ? 'On (automatic)' : null;
  return r.installed_from_dep === 1 ? 'Pending' : 'Off';
}

function hostMdmRow(db: Db, hostId: number) {
  return db.prepare(`SELECT enrolled, server_url, installed_from_dep, is_server, is_personal_enrollment FROM host_mdm WHERE host_id = ?`).get(hostId) as
    | { enrolled: number; server_url: string; installed_from_dep: number; is_server: number | null; is_personal_enrollment: number }
    | undefined;
}

/** AreHostsConnectedToFleetMDM, the Windows query: an enrolled mdm_windows_enrollments row for the host's UUID and host_mdm.enrolled. */
function connectedToFleet(db: Db, h: HostRow, mdm: { enrolled: number } | undefined): boolean {
  if (h.uuid === '' || mdm?.enrolled !== 1) return false;
  return db.prepare(`SELECT 1 FROM mdm_windows_enrollments WHERE host_uuid = ? AND device_state = ? LIMIT 1`).get(h.uuid, MDM_DEVICE_STATE_ENROLLED) !== undefined;
}

function windowsMdmEnabled(db: Db): boolean {
  const row = db.prepare(`SELECT value FROM lab_settings WHERE name = 'windowsMdmEnabled'`).get() as { value: string } | undefined;
  return row ? JSON.parse(row.value) === true : true;
}

/** MDMHostData: the List hosts part (enrollment_status … name, encryption_key_available, connected_to_fleet). */
function mdmHostData(db: Db, h: HostRow, detail: boolean): Record<string, unknown> {
  const m = hostMdmRow(db, h.id);
  const out: Record<string, unknown> = {
    enrollment_status: enrollmentStatus(m),
    dep_profile_error: false,
    server_url: m ? m.server_url : null,
    // The name comes from host_mdm.mdm_id's mobile_device_management_solutions row; Fleet's own MDM paths write "Fleet".
    name: m ? 'Fleet' : '',
    encryption_key_available: false,
  };
  if (detail) {
    // getHostDetails for a Windows host with Windows MDM on: os_settings (premium), then &profiles of a nil slice, which
    // marshals as null (host_mdm_windows_profiles is not modelled), then the lock/wipe status.
    if (windowsMdmEnabled(db) && h.platform === 'windows') out.os_settings = { disk_encryption: { status: null, detail: '' } };
    out.profiles = null;
    out.device_status = 'unlocked';
    out.pending_action = '';
  }
  out.connected_to_fleet = connectedToFleet(db, h, m);
  return out;
}

/**
 * HostDetail's end_users (what #45066 saw filled while device_mapping was null): the host's SCIM user, else the IdP
 * account linked to its UUID (host_mdm_idp_accounts), with the other host_emails. Field order and the no-SCIM case are
 * UNCONFIRMED (shape from the #45066 report: idp_id, idp_username, idp_full_name, idp_department, idp_info_updated_at).
 */
function endUsers(db: Db, h: HostRow): Record<string, unknown>[] {
  const others = (db.prepare(`SELECT email, source FROM host_emails WHERE host_id = ? AND source <> 'mdm_idp_accounts' ORDER BY email`).all(h.id) as {
    email: string;
    source: string;
  }[]);
  const scim = db
    .prepare(
      `SELECT s.id, s.user_name, s.given_name, s.family_name, s.department, s.updated_at FROM host_scim_user hs JOIN scim_users s ON s.id = hs.scim_user_id WHERE hs.host_id = ?`,
    )
    .get(h.id) as { id: number; user_name: string; given_name: string | null; family_name: string | null; department: string | null; updated_at: string } | undefined;
  if (scim) {
    return [
      {
        idp_id: String(scim.id),
        idp_username: scim.user_name,
        idp_full_name: [scim.given_name, scim.family_name].filter(Boolean).join(' '),
        idp_department: scim.department ?? '',
        idp_info_updated_at: goTime(scim.updated_at),
        idp_groups: [],
        other_emails: others,
      },
    ];
  }
  const account = h.uuid
    ? (db
        .prepare(`SELECT a.email, a.username, a.fullname FROM host_mdm_idp_accounts l JOIN mdm_idp_accounts a ON a.uuid = l.account_uuid WHERE l.host_uuid = ?`)
        .get(h.uuid) as { email: string; username: string; fullname: string } | undefined)
    : undefined;
  if (account) {
    return [{ idp_id: '', idp_username: account.email || account.username, idp_full_name: account.fullname, idp_department: '', idp_info_updated_at: null, idp_groups: [], other_emails: others }];
  }
  return others.length > 0 ? [{ other_emails: others }] : [];
}

function teamName(db: Db, teamId: number | null): string | null {
  if (teamId === null) return null;
  return (db.prepare(`SELECT name FROM teams WHERE id = ?`).get(teamId) as { name: string } | undefined)?.name ?? null;
}

/** The fields of fleet.Host the lab has, in the struct's order. */
function hostFields(db: Db, h: HostRow): Record<string, unknown> {
  const seen = (db.prepare(`SELECT seen_time FROM host_seen_times WHERE host_id = ?`).get(h.id) as { seen_time: string } | undefined)?.seen_time;
  const orbit = db.prepare(`SELECT version, desktop_version, scripts_enabled FROM host_orbit_info WHERE host_id = ?`).get(h.id) as
    | { version: string; desktop_version: string | null; scripts_enabled: number | null }
    | undefined;
  return {
    created_at: goTime(h.created_at),
    updated_at: goTime(h.updated_at),
    id: h.id,
    last_enrolled_at: h.last_enrolled_at ? goTime(h.last_enrolled_at) : FLEET_ZERO_TIME,
    // ListHosts / HostLite: COALESCE(host_seen_times.seen_time, hosts.created_at)
    seen_time: goTime(seen ?? h.created_at),
    hostname: h.hostname,
    uuid: h.uuid,
    platform: h.platform,
    osquery_version: h.osquery_version,
    orbit_version: orbit ? orbit.version : null,
    fleet_desktop_version: orbit?.desktop_version ?? null,
    scripts_enabled: orbit?.scripts_enabled === null || orbit?.scripts_enabled === undefined ? null : orbit.scripts_enabled === 1,
    os_version: h.os_version,
    platform_like: h.platform_like,
    hardware_vendor: h.hardware_vendor,
    hardware_model: h.hardware_model,
    hardware_serial: h.hardware_serial,
    computer_name: h.computer_name,
    team_id: h.team_id,
    team_name: teamName(db, h.team_id),
  };
}

/** GET /api/v1/fleet/hosts/:id (getHostEndpoint → HostDetail): {host: …}, or undefined for an unknown id. */
export function getHostView(db: Db, id: number): { host: Record<string, unknown> } | undefined {
  const h = host(db, id);
  if (!h) return undefined;
  return {
    host: {
      ...hostFields(db, h),
      mdm: mdmHostData(db, h, true),
      end_users: endUsers(db, h),
      display_text: h.hostname,
      display_name: hostDisplayName(h),
    },
  };
}

/**
 * One host of GET /api/v1/fleet/hosts?device_mapping=true (listHostsEndpoint): device_mapping is the JSON array of the
 * host's host_emails, or null when it has none. That null is the #45066 symptom.
 */
export function listHostEntry(db: Db, h: HostRow | number, deviceMapping: boolean): Record<string, unknown> {
  const row = typeof h === 'number' ? host(db, h)! : h;
  const out: Record<string, unknown> = hostFields(db, row);
  if (deviceMapping) {
    const dm = deviceMappingRows(db, row.id);
    out.device_mapping = dm.length > 0 ? dm : null;
  }
  out.mdm = mdmHostData(db, row, false);
  out.display_text = row.hostname;
  out.display_name = hostDisplayName(row);
  return out;
}

/** GET /api/v1/fleet/hosts: every host, by id. */
export function listHostsView(db: Db, deviceMapping: boolean, query?: string): { hosts: Record<string, unknown>[] } {
  // `query`: a substring of hostname, computer_name, uuid or hardware_serial (server/datastore/mysql/hosts.go
  // hostSearchColumns; primary_ip is not a column here: the lab runs no osquery to report one).
  const like = query ? `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = (like === null
    ? db.prepare(`SELECT * FROM hosts ORDER BY id`).all()
    : db.prepare(`SELECT * FROM hosts WHERE hostname LIKE @q ESCAPE '\\' OR computer_name LIKE @q ESCAPE '\\' OR uuid LIKE @q ESCAPE '\\' OR hardware_serial LIKE @q ESCAPE '\\' ORDER BY id`).all({ q: like })) as HostRow[];
  return { hosts: rows.map((r) => listHostEntry(db, r, deviceMapping)) };
}

/** GET /api/v1/fleet/hosts/:id/device_mapping (listHostDeviceMappingEndpoint): always an array. */
export function deviceMappingView(db: Db, id: number): { host_id: number; device_mapping: { email: string; source: string }[] } | undefined {
  if (!host(db, id)) return undefined;
  return { host_id: id, device_mapping: deviceMappingRows(db, id) };
}

/**
 * HostByIdentifier: hostname, UUID, osquery host id, node key or hardware serial (server/datastore/mysql/hosts.go);
 * the first match by id.
 */
export function hostIdByIdentifier(db: Db, identifier: string): number | undefined {
  const r = db
    .prepare(`SELECT id FROM hosts WHERE ? IN (hostname, uuid, osquery_host_id, node_key, hardware_serial) ORDER BY id LIMIT 1`)
    .get(identifier) as { id: number } | undefined;
  return r?.id;
}

interface ActivityDbRow {
  id: number;
  created_at: string;
  user_id: number | null;
  user_name: string | null;
  user_email: string;
  activity_type: string;
  details: string | null;
  fleet_initiated: number;
}

/** fleet.Activity as ListActivities marshals it; a Fleet-initiated one has no actor. */
function activityJson(r: ActivityDbRow): Record<string, unknown> {
  return {
    created_at: goTime(r.created_at),
    id: r.id,
    actor_full_name: r.user_name,
    actor_id: r.user_id,
    actor_gravatar: null,
    actor_email: r.user_email === '' ? null : r.user_email,
    type: r.activity_type,
    fleet_initiated: r.fleet_initiated === 1,
    details: r.details === null ? null : (JSON.parse(r.details) as unknown),
  };
}

const META = { has_next_results: false, has_previous_results: false };

/** GET /api/v1/fleet/activities: the whole feed, newest first (the UI's order_key=created_at desc). */
export function activitiesView(db: Db): { activities: Record<string, unknown>[]; meta: typeof META } {
  const rows = db.prepare(`SELECT * FROM activities ORDER BY created_at DESC, id DESC`).all() as ActivityDbRow[];
  return { activities: rows.map(activityJson), meta: META };
}

/** GET /api/v1/fleet/hosts/:id/activities (ListHostPastActivities): the host's feed, newest first. */
export function hostActivitiesView(db: Db, id: number): { activities: Record<string, unknown>[]; meta: typeof META } | undefined {
  if (!host(db, id)) return undefined;
  const rows = db
    .prepare(`SELECT a.* FROM activities a JOIN host_activities ha ON ha.activity_id = a.id WHERE ha.host_id = ? ORDER BY a.created_at DESC, a.id DESC`)
    .all(id) as ActivityDbRow[];
  return { activities: rows.map(activityJson), meta: META };
}

/** The ids of every host, for views that show each one. */
export function hostIds(db: Db): number[] {
  return (db.prepare(`SELECT id FROM hosts ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
}
