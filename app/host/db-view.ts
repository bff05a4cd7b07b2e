import Database from 'better-sqlite3';
import { dumpTables } from '../../emulators/lab/store.js';
import { CHANGE_TABLE } from '../../emulators/lab/changelog.js';
import { mdmSchema } from '../../emulators/mdm/store/schema.js';
import { DEFAULT_FLEET_PROFILE } from '../../emulators/mdm/profiles/profiles.js';
import { activitiesView, deviceMappingView, getHostView, hostActivitiesView, hostIds, listHostEntry } from '../../emulators/mdm/api/host-view.js';
import type { DbView, FleetView } from '../contract.js';

/** Tables the DB view never shows: the change log itself and secrets a party keeps (a CA private key). */
const HIDDEN = [CHANGE_TABLE, 'lab_wstep_identity'];

/** Every table's rows of a serialized SQLite image, blobs as hex. */
export function dumpImage(image: Buffer): Record<string, Record<string, unknown>[]> {
  const db = new Database(image, { readonly: true });
  try {
    return dumpTables(db, HIDDEN);
  } finally {
    db.close();
  }
}

/**
 * "What Fleet shows" for the step on screen: Fleet's REST answers (GET host, the List hosts entry with
 * device_mapping=true, GET device_mapping, the host's and the global activity feed), computed from the MDM party's
 * rows of that step's snapshot by the same functions the MDM server serves them with (emulators/mdm/api/host-view.ts).
 * The rows are loaded into an in-memory copy of Fleet's schema (the newest profile's, a superset of the others).
 */
export function fleetViewOf(view: DbView): FleetView {
  const rows = view.parties.mdm ?? {};
  const db = new Database(':memory:');
  try {
    db.pragma('foreign_keys = OFF'); // a copy of rows that were consistent where they came from, in any table order
    db.exec(mdmSchema(DEFAULT_FLEET_PROFILE));
    for (const [table, list] of Object.entries(rows)) {
      const cols = new Set((db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name));
      if (cols.size === 0) continue;
      for (const row of list) {
        const keys = Object.keys(row).filter((k) => cols.has(k));
        if (keys.length === 0) continue;
        db.prepare(`INSERT INTO "${table}" (${keys.map((k) => `"${k}"`).join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`).run(
          ...keys.map((k) => sqlValue(row[k])),
        );
      }
    }
    return {
      stepIndex: view.stepIndex,
      hosts: hostIds(db).map((id) => ({
        id,
        getHost: getHostView(db, id)!,
        listEntry: listHostEntry(db, id, true),
        deviceMapping: deviceMappingView(db, id)!,
        activities: hostActivitiesView(db, id)!,
      })),
      activities: activitiesView(db),
    };
  } finally {
    db.close();
  }
}

function sqlValue(v: unknown): string | number | bigint | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** The newest of an external Fleet's views read at or before step `index`; an empty view when none was read yet. */
export function fleetViewAt(views: readonly FleetView[], index: number, url: string): FleetView {
  let best: FleetView | null = null;
  for (const v of views) if (v.stepIndex <= index && (!best || v.stepIndex >= best.stepIndex)) best = v;
  if (!best) return { stepIndex: index, fetched: { url, afterStep: -1 }, hosts: [], activities: { activities: [] } };
  return { ...best, stepIndex: index };
}
