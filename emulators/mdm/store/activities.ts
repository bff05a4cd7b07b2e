import type { Db } from '../../lab/store.js';

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
