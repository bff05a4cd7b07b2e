import Database from 'better-sqlite3';

/** Tables the DB view never shows: the change log itself and secrets a party keeps (a CA private key). */
const HIDDEN = new Set(['_enrollscope_changes', 'lab_wstep_identity', 'sqlite_sequence']);

/** Every table's rows of a serialized SQLite image, blobs as hex. */
export function dumpImage(image: Buffer): Record<string, Record<string, unknown>[]> {
  const db = new Database(image, { readonly: true });
  try {
    const out: Record<string, Record<string, unknown>[]> = {};
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type='table' ORDER BY name`).pluck().all() as string[];
    for (const t of tables) {
      if (HIDDEN.has(t) || t.startsWith('sqlite_')) continue;
      const rows = db.prepare(`SELECT * FROM "${t.replace(/"/g, '""')}" ORDER BY rowid`).all() as Record<string, unknown>[];
      out[t] = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('hex') : v])));
    }
    return out;
  } finally {
    db.close();
  }
}
