/**
 * Reading Fleet's REST JSON for display (the DB tab's Fleet view, the inspector's Fleet activity): pure helpers, no
 * React, so the unit tests can check them.
 */

export type Json = Record<string, unknown>;

export function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A value as a short text: strings as they are, null as "null", the rest as JSON. */
export function text(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Fleet's JSON as its encoder writes it (two-space indent), split in lines; a line with `"device_mapping": null` is flagged. */
export function jsonLines(v: unknown): { line: string; flag: boolean }[] {
  return JSON.stringify(v, null, 2)
    .split('\n')
    .map((line) => ({ line, flag: /^\s*"device_mapping": null,?$/.test(line) }));
}

/** One activity of a step's DB changes: the `activities` insert with its `host_activities` links. */
export interface StepActivity {
  id: number;
  type: string;
  createdAt: string;
  details: Json | null;
  hostIds: number[];
}

interface Change {
  party: string;
  table: string;
  op: string;
  after: Record<string, unknown> | null;
}

/** The Fleet activities a step wrote (fleet.NewActivity rows it inserted), oldest first. */
export function stepActivities(changes: readonly Change[]): StepActivity[] {
  const links = changes.filter((c) => c.party === 'mdm' && c.table === 'host_activities' && c.op === 'insert' && c.after);
  return changes
    .filter((c) => c.party === 'mdm' && c.table === 'activities' && c.op === 'insert' && c.after)
    .map((c) => {
      const a = c.after!;
      let details: Json | null = null;
      if (typeof a.details === 'string') {
        try {
          details = obj(JSON.parse(a.details));
        } catch {
          details = null;
        }
      }
      const id = Number(a.id);
      return {
        id,
        type: String(a.activity_type ?? ''),
        createdAt: String(a.created_at ?? ''),
        details,
        hostIds: links.filter((l) => Number(l.after!.activity_id) === id).map((l) => Number(l.after!.host_id)),
      };
    });
}

/** What an activity is about, in Fleet's UI words where the type has them (frontend ActivityItem copy, abridged). */
export function activityHeadline(type: string, d: Json | null): string {
  const host = text(d?.host_display_name ?? d?.host_serial ?? 'a host');
  switch (type) {
    case 'mdm_enrolled':
      return `Mobile device management (MDM) turned on for ${host}${d?.mdm_platform === 'microsoft' ? ' (Windows)' : ''}${d?.installed_from_dep ? ' (automatic)' : ' (manual)'}`;
    case 'fleet_enrolled':
      return `${host} enrolled in Fleet`;
    case 'host_enrollment_rejected':
      return `Enrollment of ${host} rejected: ${text(d?.reason)}`;
    default:
      return type.replace(/_/g, ' ');
  }
}
