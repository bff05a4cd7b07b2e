import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mdmSchema } from '../../../../emulators/mdm/store/schema';
import { ENTRA_SCHEMA } from '../../../../emulators/entra/schema';
import { DEVICE_SCHEMA } from '../../../../emulators/device/schema';
import { SWTPM_SCHEMA, TPM_SCHEMA } from '../../../../emulators/device/tpm/schema';
import { ORBIT_SCHEMA } from '../../../../emulators/orbit/schema';
import { keyColumns, ROW_KEYS, rowKey, rowKeyLabel } from '../../../../renderer/lib/row-identity';

/** Every table's PRIMARY KEY columns, in key order, as SQLite reads the schema. */
function primaryKeys(schema: string): Record<string, string[]> {
  const db = new Database(':memory:');
  db.exec(schema);
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
  const out: Record<string, string[]> = {};
  for (const t of tables) {
    const cols = db.prepare('SELECT name, pk FROM pragma_table_info(?)').all(t) as { name: string; pk: number }[];
    out[t] = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
  }
  db.close();
  return out;
}

describe('row identity', () => {
  it.each([
    // The newest profile's schema has every table (the older ones lack the tables later migrations added).
    ['mdm', mdmSchema('current')],
    ['entra', ENTRA_SCHEMA],
    ['device', DEVICE_SCHEMA],
    // One party, two backends: the in-process TPM's table and swtpm's blobs (emulators/device/tpm/schema.ts).
    ['tpm', TPM_SCHEMA + SWTPM_SCHEMA],
    ['orbit', ORBIT_SCHEMA],
  ] as const)("names every %s table by the schema's primary key", (party, schema) => {
    expect(ROW_KEYS[party]).toEqual(primaryKeys(schema));
  });

  it('gives every version of a row the same key, and other rows another', () => {
    const before = { uuid: 'a1', username: 'alice', updated_at: '1' };
    const after = { uuid: 'a1', username: 'alice2', updated_at: '2' };
    expect(rowKey('mdm', 'mdm_idp_accounts', before)).toBe(rowKey('mdm', 'mdm_idp_accounts', after));
    expect(rowKey('mdm', 'mdm_idp_accounts', before)).not.toBe(rowKey('mdm', 'mdm_idp_accounts', { ...before, uuid: 'b2' }));
    // the same key value in another table or party is another row
    expect(rowKey('mdm', 'hosts', { id: 1 })).not.toBe(rowKey('mdm', 'teams', { id: 1 }));
    expect(rowKeyLabel('mdm', 'windows_mdm_command_queue', { enrollment_id: 1, command_uuid: 'c', acked_at: null })).toBe('enrollment_id = 1, command_uuid = c');
  });

  it("falls back to Fleet's id / uuid / host_uuid columns for a table it does not know, else the whole row", () => {
    expect(keyColumns('external', 'something', { host_uuid: 'h', x: 1 })).toEqual(['host_uuid']);
    expect(keyColumns('external', 'something', { x: 1 })).toEqual([]);
    expect(rowKey('external', 'something', { x: 1, y: 2 })).toBe(rowKey('external', 'something', { y: 2, x: 1 }));
    expect(rowKeyLabel('external', 'something', { x: 1 })).toBe('the whole row');
  });
});
