import Database from 'better-sqlite3';
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { installChangeLog, drainChangeLog, changeLogStatements, CHANGE_TABLE, type ChangeLogStatements, type RawChange } from './changelog.js';
import type { PartyId } from './step.js';

export type ChangeSink = (party: PartyId, changes: RawChange[]) => void;
export type Db = Database.Database;

/** The statements `tx` runs around every callback, and the change log's, prepared once per handle. */
interface TxStatements {
  total: Database.Statement;
  begin: Database.Statement;
  commit: Database.Statement;
  /** Compiled at first need: most handles (a load-mode device's) never roll back nor nest. */
  rare: RareStatements | null;
  drain: ChangeLogStatements | null;
}
interface RareStatements {
  rollback: Database.Statement;
  savepoint: Database.Statement;
  release: Database.Statement;
  rollbackTo: Database.Statement;
}

/** A statement's row mode, as better-sqlite3 keeps it (one of flat, pluck, expand, raw: src/objects/statement.cpp). */
type RowMode = 'flat' | 'pluck' | 'expand' | 'raw';
interface Cached {
  stmt: Database.Statement;
  reader: boolean;
  mode: RowMode;
}

/** better-sqlite3's own savepoint name (lib/methods/transaction.js), so a `db.transaction()` inside nests the same way. */
const SAVEPOINT = '`\t_bs3.\t`';
const compileUncached = Database.prototype.prepare;

/**
 * A party's state: one real SQLite file. Every write goes through `tx`, which runs in one transaction, drains
 * the change log and hands the changes to the lab. No party keeps a `Db` beyond a callback: step back replaces
 * the file under the store (`restore`).
 */
export class Store {
  private handle: Db;
  private writes = 0;
  /** Statements every transaction runs, prepared once per handle (a restore opens a new one). */
  private stmts: TxStatements;
  /** total_changes() when the last transaction ended (or the handle opened): the next one's starting count. */
  private total = 0;
  /** Light stores' schemas built once, as a DB file image, by schema text. */
  private static readonly images = new Map<string, Buffer>();

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
    // A light store on a new file starts as a copy of its schema's image: the same file `exec(schema)` would leave, without compiling the DDL per device.
    const copy = !changeLog && Store.createFrom(file, schema);
    if (copy) this.handle = Store.open(file, true);
    else {
      this.handle = Store.open(file, !changeLog);
      Store.build(this.handle, schema, changeLog ? unlogged : null);
    }
    // A schema may seed rows; a copied image's connection has written nothing yet.
    this.stmts = this.prepare(!copy);
  }

  /** One transaction for the whole schema: each DDL statement would otherwise commit (journal file, fsync) alone. */
  private static build(db: Db, schema: string, changeLogOf: readonly string[] | null): void {
    db.transaction(() => {
      db.exec(schema);
      if (changeLogOf) installChangeLog(db, changeLogOf);
    })();
  }

  /** Write the schema's image as a new file; false if the file exists (its rows are kept: the schema is run on it). */
  private static createFrom(file: string, schema: string): boolean {
    try {
      // 'wx': create only, failing if it exists (nodejs.org/api/fs.html#file-system-flags): no separate existence check.
      writeFileSync(file, Store.schemaImage(schema), { flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  }

  /** The file image of an empty DB with `schema`, built once in memory (sqlite.org/c3ref/serialize.html). */
  private static schemaImage(schema: string): Buffer {
    let image = Store.images.get(schema);
    if (!image) {
      const mem = new Database(':memory:');
      // As on a store's own handle: a schema that seeds rows is checked the same way.
      mem.pragma('foreign_keys = ON');
      Store.build(mem, schema, null);
      image = mem.serialize();
      // The header a file's one schema commit leaves: change counter 1, valid for that change, the library's version
      // number (sqlite.org/fileformat2.html#database_header, offsets 24, 92, 96); a memory DB leaves them 0.
      const [major, minor, patch] = (mem.prepare('SELECT sqlite_version()').pluck().get() as string).split('.').map(Number);
      if (image.length >= 100) {
        image.writeUInt32BE(1, 24);
        image.writeUInt32BE(1, 92);
        image.writeUInt32BE(major! * 1_000_000 + minor! * 1000 + patch!, 96);
      }
      mem.close();
      Store.images.set(schema, image);
    }
    return image;
  }

  private static open(file: string, light = false): Db {
    const db = new Database(file);
    // Rollback journal, not WAL: a serialized WAL DB cannot be reopened from its buffer (TOOLCHAIN.md). A light
    // (load mode) store is never stepped back nor read by another connection: its journal lives in memory and the
    // file lock is taken once, so a commit is no journal file created and deleted (sqlite.org/pragma.html#pragma_journal_mode).
    // The lab's DBs are a simulation's state, rebuilt by every run; history is in the snapshots. Waiting for the
    // disk at every commit (synchronous=FULL) bought only power-loss durability (sqlite.org/pragma.html#pragma_synchronous).
    // One exec for all pragmas: no statement objects made for results nobody reads.
    db.exec(`${light ? 'PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY;' : 'PRAGMA journal_mode = DELETE;'} PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;`);
    Store.cacheStatements(db);
    return db;
  }

  /**
   * Parties prepare their SQL at each call; compiling it is a good part of a short transaction's cost. The
   * connection keeps each statement it compiled and hands it out again, reset to the default row mode (a caller
   * may have plucked it); one still being iterated is not shared. The cache follows each statement's row mode
   * itself, so a handout resets only a mode a caller set (one native call, not three).
   */
  private static cacheStatements(db: Db): void {
    const cache = new Map<string, Cached>();
    db.prepare = ((sql: string) => {
      const had = cache.get(sql);
      if (had && !(had.reader && had.stmt.busy)) {
        if (had.mode !== 'flat') {
          const mode = had.mode;
          had.mode = 'flat';
          proto[mode].call(had.stmt, false);
        }
        return had.stmt;
      }
      const fresh = compileUncached.call(db, sql);
      // SQL built with values in it would grow the cache without end: it holds the first few hundred texts only.
      if (!had && cache.size < 512) cache.set(sql, track(fresh));
      return fresh;
    }) as Db['prepare'];
  }

  /** `wrote`: the handle may have written already (its schema); a new connection's total_changes() is 0. */
  private prepare(wrote: boolean): TxStatements {
    const p = (sql: string) => compileUncached.call(this.handle, sql);
    const stmts: TxStatements = {
      total: p(`SELECT total_changes() AS n`).pluck(),
      begin: p('BEGIN IMMEDIATE'),
      commit: p('COMMIT'),
      rare: null,
      drain: this.changeLog ? changeLogStatements(this.handle) : null,
    };
    this.total = wrote ? (stmts.total.get() as number) : 0;
    return stmts;
  }

  private rare(): RareStatements {
    const p = (sql: string) => compileUncached.call(this.handle, sql);
    return (this.stmts.rare ??= { rollback: p('ROLLBACK'), savepoint: p(`SAVEPOINT ${SAVEPOINT}`), release: p(`RELEASE ${SAVEPOINT}`), rollbackTo: p(`ROLLBACK TO ${SAVEPOINT}`) });
  }

  /**
   * Run `fn` in one transaction; if it throws, nothing is written and the error propagates. BEGIN IMMEDIATE and
   * COMMIT are run here as better-sqlite3's `transaction().immediate()` runs them (lib/methods/transaction.js),
   * SAVEPOINT when the handle is already in one, without building its wrapper functions at every call.
   */
  tx<T>(fn: (db: Db) => T): T {
    let changes: RawChange[] = [];
    const db = this.handle;
    const s = this.stmts;
    const nested = db.inTransaction;
    // Writes to unlogged tables (nonces, pending prompts) leave no change log rows but must still reach snapshots.
    // total_changes() only moves with this connection's writes (sqlite.org/c3ref/total_changes.html): the last
    // transaction's closing count is this one's opening count; a nested one counts from its own start.
    const before = nested ? (s.total.get() as number) : this.total;
    (nested ? this.rare().savepoint : s.begin).run();
    let result: T;
    try {
      result = fn(db);
      if (s.drain) changes = drainChangeLog(db, s.drain);
      if (result && typeof (result as { then?: unknown }).then === 'function') throw new TypeError('Transaction function cannot return a promise');
      (nested ? this.rare().release : s.commit).run();
    } catch (e) {
      // As better-sqlite3: undo only if SQLite has not already rolled back (sqlite.org/lang_transaction.html, "Response To Errors").
      if (db.inTransaction) {
        const r = this.rare();
        (nested ? r.rollbackTo : r.rollback).run();
        if (nested) r.release.run();
      }
      if (db.open) this.total = s.total.get() as number;
      throw e;
    }
    const after = s.total.get() as number;
    this.total = after;
    if (changes.length > 0 || after !== before) this.writes++;
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
    this.stmts = this.prepare(false);
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

type ModeMethods = Record<Exclude<RowMode, 'flat'>, (this: Database.Statement, ...on: [boolean?]) => Database.Statement>;
/** better-sqlite3's Statement prototype (the class is not exported), taken from the first statement cached. */
let proto: ModeMethods;

/** Give a cached statement row-mode methods that note the mode they set, as the native ones set it. */
function track(stmt: Database.Statement): Cached {
  const entry: Cached = { stmt, reader: stmt.reader, mode: 'flat' };
  if (!entry.reader) return entry;
  proto ??= Object.getPrototypeOf(stmt) as ModeMethods;
  for (const mode of ['pluck', 'expand', 'raw'] as const) {
    Object.defineProperty(stmt, mode, {
      configurable: true,
      writable: true,
      value(this: Database.Statement, ...args: [boolean?]) {
        const r = proto[mode].apply(this, args);
        const on = args.length === 0 ? true : args[0];
        if (on) entry.mode = mode;
        else if (entry.mode === mode) entry.mode = 'flat';
        return r;
      },
    });
  }
  return entry;
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
