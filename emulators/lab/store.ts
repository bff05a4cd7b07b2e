import Database from 'better-sqlite3';
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { installChangeLog, drainChangeLog, changeLogStatements, CHANGE_TABLE, type ChangeLogStatements, type RawChange } from './changelog.js';
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
  /** Statements every transaction runs, prepared once per handle (a restore opens a new one). */
  private stmts: { total: Database.Statement; drain: ChangeLogStatements | null };

  /** `changeLog: false` (load mode): no triggers, no change attribution; writes are still counted. */
  constructor(
    readonly party: PartyId,
    readonly file: string,
    schema: string,
    private readonly sink: ChangeSink,
    unlogged: readonly string[] = [],
    private readonly changeLog = true,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.handle = Store.open(file, !changeLog);
    // One transaction for the whole schema: each DDL statement would otherwise commit (journal file, fsync) alone.
    this.handle.transaction(() => {
      this.handle.exec(schema);
      if (changeLog) installChangeLog(this.handle, unlogged);
    })();
    this.stmts = this.prepare();
  }

  private static open(file: string, light = false): Db {
    const db = new Database(file);
    // Rollback journal, not WAL: a serialized WAL DB cannot be reopened from its buffer (TOOLCHAIN.md). A light
    // (load mode) store is never stepped back nor read by another connection: its journal lives in memory and the
    // file lock is taken once, so a commit is no journal file created and deleted (sqlite.org/pragma.html#pragma_journal_mode).
    if (light) {
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = MEMORY');
    } else db.pragma('journal_mode = DELETE');
    // The lab's DBs are a simulation's state, rebuilt by every run; history is in the snapshots. Waiting for the
    // disk at every commit (synchronous=FULL) bought only power-loss durability (sqlite.org/pragma.html#pragma_synchronous).
    db.pragma('synchronous = OFF');
    db.pragma('foreign_keys = ON');
    Store.cacheStatements(db);
    return db;
  }

  /**
   * Parties prepare their SQL at each call; compiling it is a good part of a short transaction's cost. The
   * connection keeps each statement it compiled and hands it out again, reset to the default row mode (a caller
   * may have plucked it); one still being iterated is not shared.
   */
  private static cacheStatements(db: Db): void {
    const compile = db.prepare.bind(db);
    const cache = new Map<string, Database.Statement>();
    db.prepare = ((sql: string) => {
      const had = cache.get(sql);
      if (had && !had.busy) {
        if (had.reader) had.pluck(false).expand(false).raw(false);
        return had;
      }
      const fresh = compile(sql);
      // SQL built with values in it would grow the cache without end: it holds the first few hundred texts only.
      if (!had && cache.size < 512) cache.set(sql, fresh);
      return fresh;
    }) as Db['prepare'];
  }

  private prepare(): { total: Database.Statement; drain: ChangeLogStatements | null } {
    return { total: this.handle.prepare(`SELECT total_changes() AS n`).pluck(), drain: this.changeLog ? changeLogStatements(this.handle) : null };
  }

  /** Run `fn` in one transaction; if it throws, nothing is written and the error propagates. */
  tx<T>(fn: (db: Db) => T): T {
    let changes: RawChange[] = [];
    // Writes to unlogged tables (nonces, pending prompts) leave no change log rows but must still reach snapshots.
    const { total, drain } = this.stmts;
    const before = total.get() as number;
    const result = this.handle.transaction(() => {
      const r = fn(this.handle);
      if (drain) changes = drainChangeLog(this.handle, drain);
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
    this.handle = Store.open(this.file, !this.changeLog);
    this.stmts = this.prepare();
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
