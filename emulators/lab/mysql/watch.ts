import mysql from 'mysql2/promise';
import type { RawChange } from '../changelog.js';
import type { StepWatcher, WatchedRows } from '../lab.js';
import type { Step } from '../step.js';
import { diffRows, rowKeyOf, type Row } from './diff.js';
import { normaliseRow } from './normalise.js';
import { MysqlWatchError, parseMysqlUrl, type MysqlTarget } from './url.js';

/**
 * The Fleet tables the Windows enrollment, EUA and orbit flows write (../shared/reference/fleet.md §5, §6 and its
 * corrections 1, 2, 8, 10; Fleet's server/datastore/mysql/schema.sql). Only these are read: Fleet has some 200
 * tables, several of them wide or large (software inventory, query results), and a snapshot runs around every step.
 */
export const WATCHED_FLEET_TABLES = [
  'hosts', 'host_seen_times', 'host_mdm', 'host_orbit_info', 'host_emails',
  'mdm_idp_accounts', 'host_mdm_idp_accounts', 'mdm_windows_enrollments',
  'scim_users', 'scim_user_emails', 'host_scim_user',
  'windows_mdm_commands', 'windows_mdm_command_queue', 'windows_mdm_command_results', 'windows_mdm_responses',
  'activities',
] as const;

/**
 * A watched table with more rows than this is left out of the diff (with a warning): each step scans every watched
 * table's row hashes once or twice, and a 10,000-row `hosts` (Fleet's widest watched table) took ~0.45 s per scan on a
 * loaded 2-core machine (measured with MariaDB 10.11).
 */
export const DEFAULT_MAX_ROWS = 20_000;
/** Rows fetched in full per query when their hash changed. */
const FETCH_CHUNK = 200;

interface TableState {
  name: string;
  /** Column name → information_schema DATA_TYPE, in the table's column order. */
  types: Map<string, string>;
  key: string[];
  /** Row key → hash of the row as MySQL last gave it. */
  hashes: Map<string, string>;
  rows: Map<string, Row>;
  /** False once the table grew past the bound: its rows are no longer compared. */
  watched: boolean;
}

export interface MysqlWatcherOptions {
  tables?: readonly string[];
  maxRowsPerTable?: number;
  /** Told once per table that is skipped (too many rows, no primary key). */
  warn?: (line: string) => void;
}

const q = (id: string) => `\`${id.replace(/`/g, '``')}\``;

/**
 * Watches an external Fleet's MySQL, read-only, and reports the rows each lab step changed, keyed by primary key.
 * It keeps the watched tables' rows in memory and, around each step, reads one MD5 per row (QUOTE keeps NULL apart
 * from '') to find what changed, then fetches only those rows: a step costs one light scan per watched table.
 * Rows changed while no step is in flight (the lab's own admin calls, Fleet's cron jobs) are no step's doing:
 * they go to `outside`, never to a step. While steps overlap, a change goes to the first of them that ends.
 */
export class MysqlWatcher implements StepWatcher {
  readonly party = 'mdm' as const;
  /** Rows that changed between steps (kept for diagnostics, newest last, at most 1,000). */
  readonly outside: RawChange[] = [];
  private readonly tables: TableState[] = [];
  private inFlight = 0;
  /** Snapshots run one at a time, in the order the lab asks for them. */
  private queue: Promise<unknown> = Promise.resolve();
  private broken: Error | null = null;
  /** The watched tables' rows as of the last snapshot: a run's expectations read Fleet's rows here (scenarios/rows.ts). */
  readonly rows: WatchedRows;

  private constructor(
    private readonly conn: mysql.Connection,
    readonly target: MysqlTarget,
    private readonly maxRows: number,
    private readonly warn: (line: string) => void,
  ) {
    this.rows = {
      name: `Fleet's MySQL (${target.shown})`,
      refresh: () => this.refresh(),
      table: (name) => {
        const t = this.tables.find((x) => x.name === name && x.watched);
        return t && { columns: [...t.types.keys()], rows: [...t.rows.values()] };
      },
    };
    // A dropped connection must not crash the lab: it makes the next snapshot fail with this error instead.
    conn.on('error', (e: Error) => {
      this.broken = e;
    });
  }

  /** Connect, make the session read-only, read the watched tables' keys and take the first snapshot. */
  static async connect(url: string, opts: MysqlWatcherOptions = {}): Promise<MysqlWatcher> {
    const target = parseMysqlUrl(url);
    let conn: mysql.Connection;
    try {
      conn = await mysql.createConnection({
        host: target.host,
        port: target.port,
        user: target.user,
        password: target.password,
        database: target.database,
        ...(target.socketPath && { socketPath: target.socketPath }),
        connectTimeout: 5_000,
        // Dates as MySQL's text (normalise.ts makes ISO of it); big integers without precision loss.
        dateStrings: true,
        supportBigNumbers: true,
      });
    } catch (e) {
      throw new MysqlWatchError(`cannot connect to Fleet's MySQL at ${target.shown}: ${describe(e)}`);
    }
    const w = new MysqlWatcher(conn, target, opts.maxRowsPerTable ?? DEFAULT_MAX_ROWS, opts.warn ?? (() => {}));
    try {
      // Read-only for every statement of the session: the watcher never writes Fleet's DB (MySQL 8 and MariaDB).
      await conn.query('SET SESSION TRANSACTION READ ONLY');
      await conn.query("SET time_zone = '+00:00'");
      await w.loadTables(opts.tables ?? WATCHED_FLEET_TABLES);
      await w.snapshot();
    } catch (e) {
      await conn.end().catch(() => {});
      throw e instanceof MysqlWatchError ? e : new MysqlWatchError(`cannot read Fleet's MySQL at ${target.shown}: ${describe(e)}`);
    }
    return w;
  }

  /** The watched tables found in Fleet's DB and their primary keys. */
  get watched(): Readonly<Record<string, readonly string[]>> {
    return Object.fromEntries(this.tables.filter((t) => t.watched).map((t) => [t.name, t.key]));
  }

  private async loadTables(names: readonly string[]): Promise<void> {
    const [cols] = await this.conn.query<mysql.RowDataPacket[]>(
      `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS d FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?) ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      [names],
    );
    const [keys] = await this.conn.query<mysql.RowDataPacket[]>(
      `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE
       WHERE TABLE_SCHEMA = DATABASE() AND CONSTRAINT_NAME = 'PRIMARY' AND TABLE_NAME IN (?) ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      [names],
    );
    for (const name of names) {
      const types = new Map(cols.filter((r) => r.t === name).map((r) => [String(r.c), String(r.d)]));
      if (types.size === 0) continue; // an older or newer Fleet without this table
      const key = keys.filter((r) => r.t === name).map((r) => String(r.c));
      if (key.length === 0) {
        this.warn(`--mdm-mysql: ${name} has no primary key; its rows are not watched`);
        continue;
      }
      this.tables.push({ name, types, key, hashes: new Map(), rows: new Map(), watched: true });
    }
    if (this.tables.length === 0) throw new MysqlWatchError(`${this.target.shown} has none of Fleet's tables (${names.slice(0, 3).join(', ')}, …): is this Fleet's database?`);
  }

  /** Before a step waits at the gate: with nothing in flight, what changed since the last step is nobody's. */
  before(_step: Step): Promise<void> {
    const idle = this.inFlight === 0;
    this.inFlight++;
    return idle ? this.refresh() : Promise.resolve();
  }

  /** After the step's response (or its failure): the rows that changed since the step began. */
  after(_step: Step): Promise<RawChange[]> {
    this.inFlight = Math.max(0, this.inFlight - 1);
    return this.serial(() => this.snapshot());
  }

  /** Read the watched tables now (a run's end): what changed since the last step is nobody's, as between steps. */
  refresh(): Promise<void> {
    return this.serial(async () => {
      this.outside.push(...(await this.snapshot()));
      if (this.outside.length > 1_000) this.outside.splice(0, this.outside.length - 1_000);
    });
  }

  /** Whether the server holds this session read-only (MySQL 8 and MariaDB 11 call it transaction_read_only, MariaDB 10 tx_read_only). */
  async sessionReadOnly(): Promise<boolean> {
    for (const v of ['@@session.transaction_read_only', '@@session.tx_read_only']) {
      try {
        const [rows] = await this.conn.query<mysql.RowDataPacket[]>(`SELECT ${v} AS ro`);
        return Number(rows[0]?.ro) === 1;
      } catch {
        // Not this server's name for it: try the other.
      }
    }
    return false;
  }

  async close(): Promise<void> {
    await this.queue.catch(() => {});
    await this.conn.end().catch(() => {});
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Read every watched table's row hashes, fetch the rows whose hash moved, and return the changes since last time. */
  private async snapshot(): Promise<RawChange[]> {
    if (this.broken) throw new MysqlWatchError(`lost the connection to ${this.target.shown}: ${this.broken.message}`);
    const out: RawChange[] = [];
    for (const t of this.tables) if (t.watched) out.push(...(await this.snapshotTable(t)));
    return out;
  }

  private async snapshotTable(t: TableState): Promise<RawChange[]> {
    const cols = [...t.types.keys()];
    const hash = `MD5(CONCAT_WS('|', ${cols.map((c) => `QUOTE(${q(c)})`).join(', ')}))`;
    const [hashed] = await this.conn.query<mysql.RowDataPacket[]>(
      `SELECT ${t.key.map(q).join(', ')}, ${hash} AS _es_hash FROM ${q(t.name)} ORDER BY ${t.key.map(q).join(', ')} LIMIT ${this.maxRows + 1}`,
    );
    if (hashed.length > this.maxRows) {
      t.watched = false;
      this.warn(`--mdm-mysql: ${t.name} has more than ${this.maxRows.toLocaleString('en-US')} rows; it is no longer watched`);
      return [];
    }
    const keyTypes = new Map(t.key.map((c) => [c, t.types.get(c)!]));
    const hashes = new Map<string, string>();
    const order: string[] = [];
    // The key values as MySQL gave them: they go back as query parameters (a hex text would not match a BINARY key).
    const stale: Row[] = [];
    for (const r of hashed) {
      const k = rowKeyOf(normaliseRow(r, keyTypes), t.key);
      order.push(k);
      hashes.set(k, String(r._es_hash));
      if (t.hashes.get(k) !== String(r._es_hash)) stale.push(r);
    }
    const fetched = await this.fetchRows(t, stale);
    const rows = new Map<string, Row>();
    for (const k of order) {
      const row = fetched.get(k) ?? t.rows.get(k);
      // Deleted between the two reads: the next snapshot reports it.
      if (row) rows.set(k, row);
      else hashes.delete(k);
    }
    const changes = diffRows(t.name, t.rows, rows);
    t.hashes = hashes;
    t.rows = rows;
    return changes;
  }

  private async fetchRows(t: TableState, keys: Row[]): Promise<Map<string, Row>> {
    const out = new Map<string, Row>();
    for (let i = 0; i < keys.length; i += FETCH_CHUNK) {
      const chunk = keys.slice(i, i + FETCH_CHUNK);
      // By primary key: `id IN (…)`, or `(a = ? AND b = ?) OR …` for a composite key (both a PRIMARY range in EXPLAIN).
      const where = t.key.length === 1
        ? `${q(t.key[0]!)} IN (${chunk.map(() => '?').join(', ')})`
        : chunk.map(() => `(${t.key.map((c) => `${q(c)} = ?`).join(' AND ')})`).join(' OR ');
      const params = chunk.flatMap((k) => t.key.map((c) => k[c]));
      const [rows] = await this.conn.query<mysql.RowDataPacket[]>(`SELECT ${[...t.types.keys()].map(q).join(', ')} FROM ${q(t.name)} WHERE ${where}`, params);
      for (const r of rows) {
        const row = normaliseRow(r, t.types);
        out.set(rowKeyOf(row, t.key), row);
      }
    }
    return out;
  }
}

function describe(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const msg = err.message || String(e);
  return err.code && !msg.includes(err.code) ? `${err.code}: ${msg}` : msg;
}
