import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { Store } from '../../../../emulators/lab/store.js';
import type { RawChange } from '../../../../emulators/lab/changelog.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parents(id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS kids(id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parents(id));
CREATE TABLE IF NOT EXISTS nonces(n TEXT PRIMARY KEY);
CREATE INDEX IF NOT EXISTS notes_body ON notes(body);
INSERT OR IGNORE INTO parents(id) VALUES (1);
`;

let dir: string;
let sunk: RawChange[][];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'enrollscope-store-'));
  sunk = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (name: string, light: boolean) => new Store('mdm', join(dir, name), SCHEMA, (_p, c) => sunk.push(c), ['nonces'], !light);
const insert = (s: Store, body: string) => s.tx((db) => db.prepare(`INSERT INTO notes(body) VALUES (?)`).run(body).changes);
const bodies = (s: Store) => s.read((db) => db.prepare(`SELECT body FROM notes ORDER BY id`).pluck().all());

describe.each([
  ['logged', false],
  ['light', true],
] as const)('Store.tx (%s)', (_name, light) => {
  it('commits, and counts only transactions that changed rows', () => {
    const s = open('a.sqlite', light);
    const w0 = s.writeCount;
    expect(insert(s, 'one')).toBe(1);
    expect(s.writeCount).toBe(w0 + 1);
    s.tx((db) => db.prepare(`SELECT count(*) FROM notes`).pluck().get());
    expect(s.writeCount).toBe(w0 + 1);
    // An unlogged table's write leaves no change log row but is still a write.
    s.tx((db) => db.prepare(`INSERT INTO nonces(n) VALUES ('x')`).run());
    expect(s.writeCount).toBe(w0 + 2);
    expect(bodies(s)).toEqual(['one']);
    s.close();
  });

  it('rolls back and rethrows when the callback throws; the next read-only transaction is no write', () => {
    const s = open('a.sqlite', light);
    const w0 = s.writeCount;
    const boom = new Error('boom');
    expect(() =>
      s.tx((db) => {
        db.prepare(`INSERT INTO notes(body) VALUES ('half')`).run();
        throw boom;
      }),
    ).toThrow(boom);
    expect(bodies(s)).toEqual([]);
    expect(s.writeCount).toBe(w0);
    s.tx(() => 0);
    expect(s.writeCount).toBe(w0);
    expect(sunk).toEqual([]);
    s.close();
  });

  it('a failing statement (foreign key) rolls the whole transaction back', () => {
    const s = open('a.sqlite', light);
    expect(() =>
      s.tx((db) => {
        db.prepare(`INSERT INTO notes(body) VALUES ('kept?')`).run();
        db.prepare(`INSERT INTO kids(parent) VALUES (99)`).run();
      }),
    ).toThrow(/FOREIGN KEY/);
    expect(bodies(s)).toEqual([]);
    s.close();
  });

  it('a callback may not return a promise: rolled back, TypeError', () => {
    const s = open('a.sqlite', light);
    expect(() =>
      s.tx((db) => {
        db.prepare(`INSERT INTO notes(body) VALUES ('async')`).run();
        return Promise.resolve(1);
      }),
    ).toThrow(TypeError);
    expect(bodies(s)).toEqual([]);
    s.close();
  });

  it('nests as a savepoint: an inner failure caught by the outer undoes only the inner writes', () => {
    const s = open('a.sqlite', light);
    s.tx((db) => {
      db.prepare(`INSERT INTO notes(body) VALUES ('outer')`).run();
      expect(() =>
        s.tx((inner) => {
          inner.prepare(`INSERT INTO notes(body) VALUES ('inner')`).run();
          throw new Error('inner');
        }),
      ).toThrow('inner');
      s.tx((inner) => inner.prepare(`INSERT INTO notes(body) VALUES ('inner ok')`).run());
      // better-sqlite3's own transaction() nests inside the same way.
      db.transaction(() => db.prepare(`INSERT INTO notes(body) VALUES ('bs3')`).run())();
    });
    expect(bodies(s)).toEqual(['outer', 'inner ok', 'bs3']);
    expect(s.read((db) => db.inTransaction)).toBe(false);
    s.close();
  });

  it('hands a cached statement back in the default row mode whatever the last caller set', () => {
    const s = open('a.sqlite', light);
    insert(s, 'x');
    const sql = `SELECT id, body FROM notes`;
    s.read((db) => {
      expect(db.prepare(sql).pluck().get()).toBe(1);
      expect(db.prepare(sql).get()).toEqual({ id: 1, body: 'x' });
      expect(db.prepare(sql).raw().get()).toEqual([1, 'x']);
      expect(db.prepare(sql).get()).toEqual({ id: 1, body: 'x' });
      expect(db.prepare(sql).expand().get()).toEqual({ notes: { id: 1, body: 'x' } });
      expect(db.prepare(sql).get()).toEqual({ id: 1, body: 'x' });
      const p = db.prepare(sql).pluck();
      p.raw(false); // not raw: still plucked, as better-sqlite3 keeps one mode
      expect(p.get()).toBe(1);
      p.pluck(false);
      expect(db.prepare(sql).get()).toEqual({ id: 1, body: 'x' });
      // One still being iterated is not shared.
      const it1 = db.prepare(sql).iterate();
      it1.next();
      expect(db.prepare(sql).pluck().get()).toBe(1);
      it1.return?.();
    });
    s.close();
  });
});

describe('a light store', () => {
  it('starts as the same file the schema executed on it would leave, with the light pragmas', () => {
    const s = open('light.sqlite', true);
    s.close();
    // What the schema leaves when run on a new file as before.
    const ref = new Database(join(dir, 'ref.sqlite'));
    ref.pragma('locking_mode = EXCLUSIVE');
    ref.pragma('journal_mode = MEMORY');
    ref.pragma('foreign_keys = ON');
    ref.transaction(() => ref.exec(SCHEMA))();
    ref.close();
    expect(readFileSync(join(dir, 'light.sqlite')).equals(readFileSync(join(dir, 'ref.sqlite')))).toBe(true);

    const again = open('light2.sqlite', true);
    again.read((db) => {
      expect(db.pragma('journal_mode', { simple: true })).toBe('memory');
      expect(db.pragma('locking_mode', { simple: true })).toBe('exclusive');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('synchronous', { simple: true })).toBe(0);
    });
    expect(again.dump().parents).toEqual([{ id: 1 }]);
    again.close();
  });

  it('keeps the rows of a file that already exists', () => {
    const first = open('kept.sqlite', true);
    insert(first, 'still here');
    first.close();
    const second = open('kept.sqlite', true);
    expect(bodies(second)).toEqual(['still here']);
    second.close();
  });

  it('builds the schema in a file that exists but is empty, as it always did', () => {
    writeFileSync(join(dir, 'empty.sqlite'), Buffer.alloc(0));
    const s = open('empty.sqlite', true);
    expect(s.dump().parents).toEqual([{ id: 1 }]);
    s.close();
  });
});

describe('a logged store', () => {
  it('hands the changes to the sink once per transaction, and restore counts as a write', () => {
    const s = open('logged.sqlite', false);
    const image = s.serialize();
    insert(s, 'a');
    s.tx((db) => db.prepare(`UPDATE notes SET body = 'b' WHERE id = 1`).run());
    expect(sunk.map((c) => c.map((x) => x.op))).toEqual([['insert'], ['update']]);
    const w = s.writeCount;
    s.restore(image);
    expect(s.writeCount).toBe(w + 1);
    expect(bodies(s)).toEqual([]);
    insert(s, 'after restore');
    expect(s.writeCount).toBe(w + 2);
    s.tx(() => 0);
    expect(s.writeCount).toBe(w + 2);
    s.close();
  });
});
