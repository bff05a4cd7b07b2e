import Database from 'better-sqlite3';
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { installChangeLog, drainChangeLog, CHANGE_TABLE, type RawChange } from './changelog.js';
import type { PartyId } from './step.js';

export type ChangeSink = (party: PartyId, changes: RawChange[]) => void;
export type Db = Database.Database;

/**
 * A party's state: one real SQLite file. Every write goes through `tx`, which runs in one transaction, drains
 * the change log and hands the changes to the lab. No party keeps a `Db` beyond a callback: step back replaces
 * the file under the store (`restore`).
 */
export class Store {
  private handle: Db;
  private writes = 0;

  constructor(
    readonly party: PartyId,
    readonly file: string,
    schema: string,
    private readonly sink: ChangeSink,
    unlogged: readonly string[] = [],
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.handle = Store.open(file);
    this.handle.exec(schema);
    installChangeLog(this.handle, unlogged);
  }

  private static open(file: string): Db {
    const db = new Database(file);
    // Rollback journal, not WAL: a serialized WAL DB cannot be reopened from its buffer (TOOLCHAIN.md).
    db.pragma('journal_mode = DELETE');
    db.pragma('foreign_keys = ON');
    return db;
  }

  /** Run `fn` in one transaction; if it throws, nothing is written and the error propagates. */
  tx<T>(fn: (db: Db) => T): T {
    let changes: RawChange[] = [];
    // Writes to unlogged tables (nonces, pending prompts) leave no change log rows but must still reach snapshots.
    const total = this.handle.prepare(`SELECT total_changes() AS n`).pluck();
    const before = total.get() as number;
    const result = this.handle.transaction(() => {
      const r = fn(this.handle);
      changes = drainChangeLog(this.handle);
      return r;
    }).immediate();
    if (changes.length > 0 || (total.get() as number) !== before) this.writes++;
    if (changes.length > 0) this.sink(this.party, changes);
    return result;
  }

  /** Reads need no transaction; `fn` must not write. */
  read<T>(fn: (db: Db) => T): T {
    return fn(this.handle);
  }

  /** How many committed transactions changed rows: lets snapshots skip unchanged stores. */
  get writeCount(): number {
    return this.writes;
  }

  serialize(): Buffer {
    return this.handle.serialize();
  }

  /** Put the store back to a serialized state: the file is rewritten and reopened. */
  restore(image: Buffer): void {
    this.handle.close();
    writeFileSync(this.file, image);
    this.handle = Store.open(this.file);
    this.writes++;
  }

  /** Every user table's rows in a stable order, as text: for tests. */
  dump(): Record<string, Record<string, unknown>[]> {
    return dumpTables(this.handle, [CHANGE_TABLE]);
  }

  fileBytes(): Buffer {
    return readFileSync(this.file);
  }

  close(): void {
    this.handle.close();
  }
}

/** Every table of a DB but SQLite's own and `hidden`, by name, rows by rowid, blobs as hex (tests, the DB view). */
export function dumpTables(db: Db, hidden: readonly string[] = []): Record<string, Record<string, unknown>[]> {
  const out: Record<string, Record<string, unknown>[]> = {};
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
  for (const t of tables) {
    if (hidden.includes(t)) continue;
    const rows = db.prepare(`SELECT * FROM "${t.replace(/"/g, '""')}" ORDER BY rowid`).all() as Record<string, unknown>[];
    out[t] = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('hex') : v])));
  }
  return out;
}
