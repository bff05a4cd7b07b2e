import { describe, expect, it } from 'vitest';
import { diffRows, rowKeyOf, type Row } from '../../../../emulators/lab/mysql/diff.js';
import { isoDateTime, normaliseRow, normaliseValue } from '../../../../emulators/lab/mysql/normalise.js';
import { MysqlWatchError, parseMysqlUrl } from '../../../../emulators/lab/mysql/url.js';

const byKey = (rows: Row[], key: string[]) => new Map(rows.map((r) => [rowKeyOf(r, key), r]));

describe('MySQL snapshots → changes', () => {
  const key = ['enrollment_id', 'command_uuid'];
  const a = { enrollment_id: 1, command_uuid: 'c-1', acked_at: null };
  const b = { enrollment_id: 1, command_uuid: 'c-2', acked_at: null };
  const c = { enrollment_id: 2, command_uuid: 'c-1', acked_at: null };

  it('names an insert, an update and a delete by the composite primary key, and leaves unchanged rows out', () => {
    const before = byKey([a, b], key);
    const after = byKey([{ ...a, acked_at: '2026-01-15T09:00:01.123456Z' }, c], key);
    expect(diffRows('windows_mdm_command_queue', before, after)).toEqual([
      { table: 'windows_mdm_command_queue', op: 'update', before: a, after: { ...a, acked_at: '2026-01-15T09:00:01.123456Z' } },
      { table: 'windows_mdm_command_queue', op: 'insert', before: null, after: c },
      { table: 'windows_mdm_command_queue', op: 'delete', before: b, after: null },
    ]);
    expect(diffRows('windows_mdm_command_queue', before, byKey([b, a], key))).toEqual([]);
  });

  it('keeps key columns apart: (1, "c-1") and (2, "c-1") are two rows, and a key is its values in key order', () => {
    expect(rowKeyOf(a, key)).not.toBe(rowKeyOf(c, key));
    expect(rowKeyOf(a, key)).toBe(JSON.stringify([1, 'c-1']));
    expect(rowKeyOf({ id: null }, ['id'])).toBe('[null]');
  });

  it('sees a value change from null to \'\' (and back) as an update', () => {
    const before = byKey([{ id: 1, host_uuid: null }], ['id']);
    const after = byKey([{ id: 1, host_uuid: '' }], ['id']);
    expect(diffRows('mdm_windows_enrollments', before, after).map((ch) => ch.op)).toEqual(['update']);
    expect(diffRows('mdm_windows_enrollments', after, before).map((ch) => ch.op)).toEqual(['update']);
  });
});

describe('MySQL values as the SQLite stores show theirs', () => {
  it('writes DATETIME and TIMESTAMP text as ISO-8601 UTC, keeping the column\'s fractional seconds', () => {
    expect(isoDateTime('2026-01-15 09:00:00')).toBe('2026-01-15T09:00:00.000Z');
    expect(isoDateTime('2026-01-15 09:00:00.123456')).toBe('2026-01-15T09:00:00.123456Z');
    expect(isoDateTime('2026-01-15 09:00:00.5')).toBe('2026-01-15T09:00:00.500Z');
    expect(isoDateTime('0000-00-00 00:00:00')).toBe('0000-00-00 00:00:00');
    expect(normaliseValue('2026-01-15 09:00:00', 'timestamp')).toBe('2026-01-15T09:00:00.000Z');
    // A DATE, or a text column holding a date-like string, is left as it is.
    expect(normaliseValue('2026-01-15', 'date')).toBe('2026-01-15');
    expect(normaliseValue('2026-01-15 09:00:00', 'varchar')).toBe('2026-01-15 09:00:00');
  });

  it('writes bytes as upper-case hex (changelog.ts logs BLOB/BINARY with SQLite\'s hex()), JSON as its text', () => {
    expect(normaliseValue(Buffer.from([0x00, 0xab, 0x10]), 'binary')).toBe('00AB10');
    expect(normaliseValue({ host_id: 1, enrolled: true }, 'json')).toBe('{"host_id":1,"enrolled":true}');
    expect(normaliseValue('{"a":1}', 'longtext')).toBe('{"a":1}');
    expect(normaliseValue(null, 'datetime')).toBeNull();
    expect(normaliseValue(undefined, 'int')).toBeNull();
    expect(normaliseValue(7, 'int')).toBe(7);
  });

  it('keeps the table\'s columns, in its order, whatever the driver handed over', () => {
    const types = new Map([['id', 'int'], ['credentials_hash', 'binary'], ['created_at', 'timestamp']]);
    expect(Object.entries(normaliseRow({ created_at: '2026-01-15 09:00:00', id: 3, credentials_hash: null, extra: 1 }, types))).toEqual([
      ['id', 3], ['credentials_hash', null], ['created_at', '2026-01-15T09:00:00.000Z'],
    ]);
  });
});

describe('--mdm-mysql URL', () => {
  it('reads user, password, host, port, database and an optional socket; the shown form has no password', () => {
    expect(parseMysqlUrl('mysql://fleet_ro:p%40ss@db.lab:3307/fleet')).toEqual({ host: 'db.lab', port: 3307, user: 'fleet_ro', password: 'p@ss', database: 'fleet', shown: 'mysql://fleet_ro@db.lab:3307/fleet' });
    expect(parseMysqlUrl('mysql://fleet@127.0.0.1/fleet').port).toBe(3306);
    expect(parseMysqlUrl('mysql://root@localhost/fleet?socket=/run/mysqld/mysqld.sock')).toMatchObject({ socketPath: '/run/mysqld/mysqld.sock', password: '' });
  });

  it.each([
    ['fleet', /not a URL/],
    ['postgres://u:p@h/fleet', /must start with mysql:\/\//],
    ['mysql://u:p@h:3306/', /name Fleet's database/],
    ['mysql://u:p@h:3306/fleet/x', /name Fleet's database/],
    ['mysql://h:3306/fleet', /name a user/],
  ])('refuses %s with one line saying what to write', (url, msg) => {
    expect(() => parseMysqlUrl(url)).toThrow(MysqlWatchError);
    expect(() => parseMysqlUrl(url)).toThrow(msg);
  });
});
