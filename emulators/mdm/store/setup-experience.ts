/**
 * Fleet's Windows setup experience (docs/Contributing/architecture/setup-experience.md; server/service/
 * setup_experience.go; server/datastore/mysql/setup_experience.go): software marked install_during_setup is enqueued
 * in setup_experience_status_results when orbit calls /api/fleet/orbit/setup_experience/init; each status call moves
 * the next pending item to running (SetupExperienceNextStep queues its install); orbit's install result marks it
 * success or failure (maybeUpdateSetupExperienceStatus). On Windows only software installers take part (no scripts,
 * no profiles, no bootstrap package). The ESP (management/esp.ts) reads the same rows.
 */
import type { Db } from '../../lab/store.js';
import type { MdmContext } from '../context.js';
import type { Host } from './hosts.js';

export type SetupExperienceStatus = 'pending' | 'running' | 'success' | 'failure' | 'cancelled';

export interface SetupExperienceResult {
  id: number;
  host_uuid: string;
  name: string;
  status: SetupExperienceStatus;
  software_installer_id: number | null;
  host_software_installs_execution_id: string | null;
  error: string | null;
  software_title_id: number | null;
}

/** A software installer an admin uploaded and marked "install during setup" (POST /api/latest/fleet/software/package + setup_experience). */
export function addSetupExperienceSoftware(db: Db, o: { name: string; filename: string; version?: string; teamId?: number | null; now: string }): number {
  db.prepare(`INSERT OR IGNORE INTO software_titles(name, source) VALUES (?, 'programs')`).run(o.name);
  const titleId = db.prepare(`SELECT id FROM software_titles WHERE name = ? AND source = 'programs'`).pluck().get(o.name) as number;
  const teamId = o.teamId ?? null;
  return Number(
    db
      .prepare(
        `INSERT INTO software_installers(team_id, global_or_team_id, title_id, filename, version, platform, install_during_setup, uploaded_at)
         VALUES (?, ?, ?, ?, ?, 'windows', 1, ?)`,
      )
      .run(teamId, teamId ?? 0, titleId, o.filename, o.version ?? '1.0.0', o.now).lastInsertRowid,
  );
}

/** The admin's call as the lab's console and scenarios make it: one transaction on the MDM server's store. */
export function configureSetupExperienceSoftware(ctx: MdmContext, o: { name: string; filename: string; version?: string; teamId?: number | null }): number {
  const now = ctx.nowIso();
  return ctx.store.tx((db) => addSetupExperienceSoftware(db, { ...o, now }));
}

/** fleet.HostUUIDForSetupExperience: on Windows the osquery host id (what orbit enrolled with), else the host UUID. */
export function hostUuidForSetupExperience(db: Db, host: Host): string {
  const row = db.prepare(`SELECT osquery_host_id FROM hosts WHERE id = ?`).get(host.id) as { osquery_host_id: string | null } | undefined;
  return row?.osquery_host_id ? row.osquery_host_id : host.uuid;
}

function teamOf(db: Db, hostId: number): number {
  return (db.prepare(`SELECT team_id FROM hosts WHERE id = ?`).pluck().get(hostId) as number | null) ?? 0;
}

/** HasWindowsSetupExperienceItemsForTeam: is any Windows installer marked install_during_setup for the team (0 = no team). */
export function hasWindowsSetupExperienceItemsForTeam(db: Db, teamId: number): boolean {
  return db.prepare(`SELECT 1 FROM software_installers WHERE install_during_setup = 1 AND platform = 'windows' AND global_or_team_id = ? LIMIT 1`).get(teamId) !== undefined;
}

/** EnqueueSetupExperienceItems: the host's old rows cleared, one pending row per setup software (ordered by name); true when any. */
export function enqueueSetupExperienceItems(db: Db, host: Host): boolean {
  const seHostUuid = hostUuidForSetupExperience(db, host);
  db.prepare(`DELETE FROM setup_experience_status_results WHERE host_uuid = ?`).run(seHostUuid);
  const r = db
    .prepare(
      `INSERT INTO setup_experience_status_results(host_uuid, name, status, software_installer_id)
       SELECT ?, st.name, 'pending', si.id FROM software_installers si JOIN software_titles st ON st.id = si.title_id
       WHERE si.install_during_setup = 1 AND si.platform = 'windows' AND si.global_or_team_id = ?
       ORDER BY st.name ASC, si.id ASC`,
    )
    .run(seHostUuid, teamOf(db, host.id));
  return r.changes > 0;
}

/** ListSetupExperienceResultsByHostUUID, with each row's software title. */
export function listSetupExperienceResults(db: Db, seHostUuid: string): SetupExperienceResult[] {
  return db
    .prepare(
      `SELECT r.*, si.title_id AS software_title_id FROM setup_experience_status_results r
       LEFT JOIN software_installers si ON si.id = r.software_installer_id WHERE r.host_uuid = ? ORDER BY r.id`,
    )
    .all(seHostUuid) as SetupExperienceResult[];
}

/**
 * SetupExperienceNextStep for software: while nothing runs, the first pending item becomes running and its install
 * is queued for the host (host_software_installs; Fleet's upcoming_activities queue is not modelled).
 */
export function setupExperienceNextStep(db: Db, ctx: MdmContext, host: Host, now: string): void {
  const seHostUuid = hostUuidForSetupExperience(db, host);
  const rows = listSetupExperienceResults(db, seHostUuid);
  if (rows.some((r) => r.status === 'running')) return;
  const next = rows.find((r) => r.status === 'pending');
  if (!next) return;
  const executionId = ctx.lab.ids.uuid();
  db.prepare(`INSERT INTO host_software_installs(execution_id, host_id, software_installer_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`).run(
    executionId,
    host.id,
    next.software_installer_id,
    now,
    now,
  );
  db.prepare(`UPDATE setup_experience_status_results SET status = 'running', host_software_installs_execution_id = ? WHERE id = ?`).run(executionId, next.id);
}

/** The orbit config's pending_software_installer_ids: the host's install executions with no result that were not cancelled. */
export function pendingSoftwareInstallIds(db: Db, hostId: number): string[] {
  return db.prepare(`SELECT execution_id FROM host_software_installs WHERE host_id = ? AND install_script_exit_code IS NULL AND canceled = 0 ORDER BY id`).pluck().all(hostId) as string[];
}

/**
 * SaveHostSoftwareInstallResult + maybeUpdateSetupExperienceStatus: the exit code stored on the execution, and its
 * setup experience row success (exit 0) or failure. Undefined when the host has no such execution (Fleet's notFound).
 */
export function saveSoftwareInstallResult(db: Db, host: Host, r: { installUuid: string; exitCode: number | null; output: string | null }, now: string): boolean {
  const u = db
    .prepare(`UPDATE host_software_installs SET install_script_exit_code = ?, install_script_output = ?, updated_at = ? WHERE execution_id = ? AND host_id = ?`)
    .run(r.exitCode, r.output, now, r.installUuid, host.id);
  if (u.changes === 0) return false;
  if (r.exitCode !== null) {
    const status: SetupExperienceStatus = r.exitCode === 0 ? 'success' : 'failure';
    db.prepare(`UPDATE setup_experience_status_results SET status = ?, error = ? WHERE host_software_installs_execution_id = ? AND status IN ('pending', 'running')`).run(
      status,
      status === 'failure' ? `install script exited with ${r.exitCode}` : null,
      r.installUuid,
    );
  }
  return true;
}

/**
 * CancelHostUpcomingActivity for each pending/running item, then CancelPendingSetupExperienceSteps (status
 * 'cancelled'); returns the first software item that was in flight (for the canceled_setup_experience activity).
 */
export function cancelPendingSetupExperienceSteps(db: Db, host: Host, seHostUuid: string): SetupExperienceResult | undefined {
  const inFlight = listSetupExperienceResults(db, seHostUuid).filter((r) => r.status === 'pending' || r.status === 'running');
  for (const r of inFlight) {
    if (r.host_software_installs_execution_id) db.prepare(`UPDATE host_software_installs SET canceled = 1 WHERE execution_id = ? AND host_id = ?`).run(r.host_software_installs_execution_id, host.id);
  }
  db.prepare(`UPDATE setup_experience_status_results SET status = 'cancelled' WHERE host_uuid = ? AND status IN ('pending', 'running')`).run(seHostUuid);
  return inFlight.find((r) => r.software_installer_id !== null);
}

/** SetupExperienceStatusResult as the status endpoint marshals it (the JSON tags are UNCONFIRMED beyond name and status). */
export function resultJson(r: SetupExperienceResult): Record<string, unknown> {
  return { name: r.name, status: r.status, software_title_id: r.software_title_id, execution_id: r.host_software_installs_execution_id ?? '' };
}
