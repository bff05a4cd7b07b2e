import type { RawChange } from '../changelog.js';

/** One row of a watched table, its values shown the way the SQLite stores show theirs (normalise.ts). */
export type Row = Record<string, unknown>;

/** A table's rows by primary key: the key is the JSON of the key columns' values, in the key's column order. */
export type TableRows = ReadonlyMap<string, Row>;

/** The map key of a row: its primary key columns' values, as JSON (a composite key keeps its order). */
export function rowKeyOf(row: Row, keyColumns: readonly string[]): string {
  return JSON.stringify(keyColumns.map((c) => row[c] ?? null));
}

function sameRow(a: Row, b: Row): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => k in b && JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/**
 * What turned `before` into `after`, as the SQLite change log words it (changelog.ts RawChange): a key only in
 * `after` is an insert, only in `before` a delete, in both with another value an update. Inserts and updates come in
 * `after`'s order (the primary key order the snapshot read), deletes after them in `before`'s order.
 */
export function diffRows(table: string, before: TableRows, after: TableRows): RawChange[] {
  const out: RawChange[] = [];
  for (const [key, row] of after) {
    const old = before.get(key);
    if (old === undefined) out.push({ table, op: 'insert', before: null, after: row });
    else if (!sameRow(old, row)) out.push({ table, op: 'update', before: old, after: row });
  }
  for (const [key, row] of before) if (!after.has(key)) out.push({ table, op: 'delete', before: row, after: null });
  return out;
}
