import type Database from 'better-sqlite3';
import type { ChangeOp } from './step.js';

/**
 * The change log: AFTER triggers on every table write the old and new row, as JSON, into one log table, so a
 * store can tell exactly which rows a transaction inserted, updated or deleted. The log is drained inside the
 * same transaction, so at commit it is empty again and a rolled-back transaction leaves no trace.
 */
export const CHANGE_TABLE = '_enrollscope_changes';

interface ColumnInfo {
  name: string;
  type: string;
}

export interface RawChange {
  table: string;
  op: ChangeOp;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** JSON cannot hold BLOBs: blob columns (Fleet's BINARY(16) credentials_hash) are logged as hex. */
function rowJson(alias: 'OLD' | 'NEW', columns: ColumnInfo[]): string {
  const parts = columns.map((c) => {
    const isBlob = /BLOB|BINARY/i.test(c.type);
    const ref = `${alias}.${quoteIdent(c.name)}`;
    const value = isBlob ? `CASE WHEN ${ref} IS NULL THEN NULL ELSE hex(${ref}) END` : ref;
    return `'${c.name.replace(/'/g, "''")}', ${value}`;
  });
  return `json_object(${parts.join(', ')})`;
}

/** `unlogged`: tables whose rows are not shown as changes (e.g. a CA private key a party keeps). */
export function installChangeLog(db: Database.Database, unlogged: readonly string[] = []): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${CHANGE_TABLE} (
    seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL, old_row TEXT, new_row TEXT)`);
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ?`)
    .pluck()
    .all(CHANGE_TABLE) as string[];
  for (const table of tables.filter((t) => !unlogged.includes(t))) {
    const columns = db.prepare(`SELECT name, type FROM pragma_table_info(?)`).all(table) as ColumnInfo[];
    const t = quoteIdent(table);
    const lit = `'${table.replace(/'/g, "''")}'`;
    const trig = (op: string) => quoteIdent(`_es_${table}_${op}`);
    db.exec(`
      CREATE TRIGGER IF NOT EXISTS ${trig('ins')} AFTER INSERT ON ${t} BEGIN
        INSERT INTO ${CHANGE_TABLE}(tbl, op, old_row, new_row) VALUES (${lit}, 'insert', NULL, ${rowJson('NEW', columns)});
      END;
      CREATE TRIGGER IF NOT EXISTS ${trig('upd')} AFTER UPDATE ON ${t} BEGIN
        INSERT INTO ${CHANGE_TABLE}(tbl, op, old_row, new_row) VALUES (${lit}, 'update', ${rowJson('OLD', columns)}, ${rowJson('NEW', columns)});
      END;
      CREATE TRIGGER IF NOT EXISTS ${trig('del')} AFTER DELETE ON ${t} BEGIN
        INSERT INTO ${CHANGE_TABLE}(tbl, op, old_row, new_row) VALUES (${lit}, 'delete', ${rowJson('OLD', columns)}, NULL);
      END;`);
  }
}

interface LogRow {
  seq: number;
  tbl: string;
  op: ChangeOp;
  old_row: string | null;
  new_row: string | null;
}

/** The two statements a drain runs, prepared once per connection (a store keeps them). */
export interface ChangeLogStatements {
  read: Database.Statement;
  clear: Database.Statement;
}

export function changeLogStatements(db: Database.Database): ChangeLogStatements {
  return { read: db.prepare(`SELECT seq, tbl, op, old_row, new_row FROM ${CHANGE_TABLE} ORDER BY seq`), clear: db.prepare(`DELETE FROM ${CHANGE_TABLE}`) };
}

/** Read and clear the log; call inside the writing transaction. */
export function drainChangeLog(db: Database.Database, stmts: ChangeLogStatements = changeLogStatements(db)): RawChange[] {
  const rows = stmts.read.all() as LogRow[];
  if (rows.length === 0) return [];
  stmts.clear.run();
  return rows
    .map((r) => ({
      table: r.tbl,
      op: r.op,
      before: r.old_row === null ? null : (JSON.parse(r.old_row) as Record<string, unknown>),
      after: r.new_row === null ? null : (JSON.parse(r.new_row) as Record<string, unknown>),
    }))
    .filter((c) => c.op !== 'update' || JSON.stringify(c.before) !== JSON.stringify(c.after));
}
