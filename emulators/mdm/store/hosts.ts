import type { Db } from '../../lab/store.js';

/** `hosts` columns the lab reads (fleet.md §5). */
export interface Host {
  id: number;
  uuid: string;
  orbit_node_key: string | null;
  hostname: string;
  computer_name: string;
  platform: string;
  hardware_serial: string;
  team_id: number | null;
  created_at: string;
}

export interface EnrollSecret {
  secret: string;
  team_id: number | null;
}

/** GetEnrollSecrets(nil): the global secrets, oldest first. */
export function globalEnrollSecrets(db: Db): EnrollSecret[] {
  return db.prepare(`SELECT secret, team_id FROM enroll_secrets WHERE team_id IS NULL ORDER BY created_at ASC, secret ASC`).all() as EnrollSecret[];
}

/** VerifyEnrollSecret: the secret row (global or team) or undefined. */
export function enrollSecret(db: Db, secret: string): EnrollSecret | undefined {
  return db.prepare(`SELECT secret, team_id FROM enroll_secrets WHERE secret = ?`).get(secret) as EnrollSecret | undefined;
}

export function insertEnrollSecret(db: Db, secret: string, teamId: number | null, now: string): void {
  db.prepare(`INSERT INTO enroll_secrets(secret, team_id, created_at) VALUES (?, ?, ?)`).run(secret, teamId, now);
}

/** The team's mdm.macos_setup.enable_end_user_authentication. */
export function teamEndUserAuthEnabled(db: Db, teamId: number): boolean {
  const row = db.prepare(`SELECT enable_end_user_authentication AS v FROM teams WHERE id = ?`).get(teamId) as { v: number } | undefined;
  return row?.v === 1;
}

/** HostLiteByIdentifier: by uuid (Fleet also matches osquery_host_id, hostname, serial; uuid is what the lab uses). */
export function hostByUuid(db: Db, uuid: string): Host | undefined {
  if (uuid === '') return undefined;
  return db.prepare(`SELECT * FROM hosts WHERE uuid = ? OR osquery_host_id = ? ORDER BY id LIMIT 1`).get(uuid, uuid) as Host | undefined;
}

function hostByOsqueryIdentifier(db: Db, identifier: string): Host | undefined {
  if (identifier === '') return undefined;
  return db.prepare(`SELECT * FROM hosts WHERE osquery_host_id = ?`).get(identifier) as Host | undefined;
}

export function hostByOrbitNodeKey(db: Db, nodeKey: string): Host | undefined {
  return db.prepare(`SELECT * FROM hosts WHERE orbit_node_key = ?`).get(nodeKey) as Host | undefined;
}

/** HostPreviouslyOrbitEnrolled: a host with this hardware UUID already holds an orbit node key. */
export function hostPreviouslyOrbitEnrolled(db: Db, hardwareUuid: string): boolean {
  const h = hostByUuid(db, hardwareUuid);
  return h !== undefined && h.orbit_node_key !== null && h.orbit_node_key !== '';
}

export interface OrbitHostInfo {
  hardwareUuid: string;
  hardwareSerial: string;
  hostname: string;
  computerName: string;
  platform: string;
  platformLike: string;
  hardwareModel: string;
  osqueryIdentifier: string;
}

/**
 * ds.EnrollOrbit: insert the host or update the one with this hardware UUID, with a new orbit node key; the host's
 * team follows the enroll secret. Returns the host id.
 */
export function enrollOrbitHost(db: Db, info: OrbitHostInfo, nodeKey: string, teamId: number | null, now: string): number {
  // matchHostDuringEnrollment (server/datastore/mysql/hosts.go): the osquery identifier first, then the hardware UUID;
  // matching by UUID alone made a new UUID with a known identifier collide on osquery_host_id (UNIQUE).
  const existing = hostByOsqueryIdentifier(db, info.osqueryIdentifier || info.hardwareUuid) ?? hostByUuid(db, info.hardwareUuid);
  if (existing) {
    db.prepare(
      `UPDATE hosts SET orbit_node_key = ?, hostname = ?, computer_name = ?, platform = ?, platform_like = ?, hardware_serial = ?,
       hardware_model = ?, team_id = ?, last_enrolled_at = ?, updated_at = ? WHERE id = ?`,
    ).run(nodeKey, info.hostname, info.computerName, info.platform, info.platformLike, info.hardwareSerial, info.hardwareModel, teamId, now, now, existing.id);
    return existing.id;
  }
  const r = db
    .prepare(
      `INSERT INTO hosts(osquery_host_id, orbit_node_key, uuid, hostname, computer_name, platform, platform_like, hardware_serial, hardware_model,
       team_id, last_enrolled_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      info.osqueryIdentifier || info.hardwareUuid,
      nodeKey,
      info.hardwareUuid,
      info.hostname,
      info.computerName,
      info.platform,
      info.platformLike,
      info.hardwareSerial,
      info.hardwareModel,
      teamId,
      now,
      now,
      now,
    );
  return Number(r.lastInsertRowid);
}

/** host_seen_times: every authenticated orbit call moves it forward. */
export function markHostSeen(db: Db, hostId: number, now: string): void {
  db.prepare(`INSERT INTO host_seen_times(host_id, seen_time) VALUES (?, ?) ON CONFLICT(host_id) DO UPDATE SET seen_time = excluded.seen_time WHERE excluded.seen_time > host_seen_times.seen_time`).run(hostId, now);
}

export function hostSeenTime(db: Db, hostId: number): string | undefined {
  return (db.prepare(`SELECT seen_time FROM host_seen_times WHERE host_id = ?`).get(hostId) as { seen_time: string } | undefined)?.seen_time;
}

/** host_orbit_info (Fleet fills it from osquery's orbit_info detail query). */
export function upsertOrbitInfo(db: Db, hostId: number, version: string): void {
  db.prepare(`INSERT INTO host_orbit_info(host_id, version) VALUES (?, ?) ON CONFLICT(host_id) DO UPDATE SET version = excluded.version WHERE host_orbit_info.version <> excluded.version`).run(hostId, version);
}

export function orbitVersion(db: Db, hostId: number): string | undefined {
  return (db.prepare(`SELECT version FROM host_orbit_info WHERE host_id = ?`).get(hostId) as { version: string } | undefined)?.version;
}

/** Whether the host is MDM-enrolled per host_mdm. */
export function hostMdmEnrolled(db: Db, hostId: number): boolean {
  const row = db.prepare(`SELECT enrolled FROM host_mdm WHERE host_id = ?`).get(hostId) as { enrolled: number } | undefined;
  return row?.enrolled === 1;
}

/** Windows hosts with this hardware serial (WindowsHostLiteByHardwareSerial wants exactly one). */
export function windowsHostsBySerial(db: Db, serial: string): Host[] {
  return db.prepare(`SELECT * FROM hosts WHERE hardware_serial = ? AND platform = 'windows' ORDER BY id`).all(serial) as Host[];
}

/** ReplaceHostDeviceMapping(host, emails, source): the host's emails of that source become exactly `emails`. */
export function replaceHostEmails(db: Db, hostId: number, emails: string[], source: string, now: string): void {
  const current = (db.prepare(`SELECT email FROM host_emails WHERE host_id = ? AND source = ?`).all(hostId, source) as { email: string }[]).map((r) => r.email);
  const del = db.prepare(`DELETE FROM host_emails WHERE host_id = ? AND source = ? AND email = ?`);
  for (const e of current) if (!emails.includes(e)) del.run(hostId, source, e);
  const ins = db.prepare(`INSERT INTO host_emails(host_id, email, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`);
  for (const e of emails) if (!current.includes(e)) ins.run(hostId, e, source, now, now);
}

/** UpdateMDMInstalledFromDEP(host, value) on an existing host_mdm row. */
export function updateInstalledFromDep(db: Db, hostId: number, value: boolean, now: string): void {
  db.prepare(`UPDATE host_mdm SET installed_from_dep = ?, updated_at = ? WHERE host_id = ? AND installed_from_dep <> ?`).run(value ? 1 : 0, now, hostId, value ? 1 : 0);
}

/** The host joins `teamId` when it has no team (the default Windows enrollment team, PR #49922). */
export function setHostTeamIfNone(db: Db, hostId: number, teamId: number, now: string): boolean {
  return db.prepare(`UPDATE hosts SET team_id = ?, updated_at = ? WHERE id = ? AND team_id IS NULL`).run(teamId, now, hostId).changes > 0;
}

/** fleet.HostDisplayName: computer name, else hostname, else "model (serial)". */
export function hostDisplayName(h: { computer_name: string; hostname: string; hardware_model: string; hardware_serial: string }): string {
  if (h.computer_name !== '') return h.computer_name;
  if (h.hostname !== '') return h.hostname;
  if (h.hardware_model !== '' && h.hardware_serial !== '') return `${h.hardware_model} (${h.hardware_serial})`;
  return '';
}
