import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mdmFixture } from '../../../../helpers/mdm-context.js';
import type { MdmContext } from '../../../../../emulators/mdm/context.js';

let ctx: MdmContext;
let dispose: () => void;
beforeEach(async () => ({ ctx, dispose } = await mdmFixture()));
afterEach(() => dispose());

/** Indexed column lists of a table, as SQLite reports them (unique constraints included). */
function indexedColumns(table: string): string[] {
  return ctx.store.read((db) => {
    const list = db.prepare(`SELECT name FROM pragma_index_list(?)`).all(table) as { name: string }[];
    return list.map((i) => (db.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(i.name) as { name: string }[]).map((c) => c.name).join(',')).sort();
  });
}

describe("Fleet's keys (fleet.md §5)", () => {
  it('§5: windows_mdm_command_queue has the (enrollment_id, acked_at) and (acked_at) indexes besides its primary key', () => {
    expect(indexedColumns('windows_mdm_command_queue')).toEqual(['acked_at', 'enrollment_id,acked_at', 'enrollment_id,command_uuid']);
  });

  it('§5: scim_users is keyed on external_id and unique on user_name', () => {
    expect(indexedColumns('scim_users')).toEqual(['external_id', 'user_name']);
  });

  it('§5: mdm_windows_enrollments (current) is unique on (mdm_hardware_id, host_uuid), keyed on mdm_device_id, host_uuid and (host_uuid, hardware_serial)', () => {
    expect(indexedColumns('mdm_windows_enrollments')).toEqual(['host_uuid', 'host_uuid,hardware_serial', 'mdm_device_id', 'mdm_hardware_id,host_uuid']);
  });
});

describe('the schema follows the Fleet profile (fleet.md corrections §8)', () => {
  it('eua-first: unique on mdm_hardware_id alone, no 2026-08-31 columns, no mdm_windows_enrollment_config', async () => {
    dispose();
    ({ ctx, dispose } = await mdmFixture({ fleetProfile: 'eua-first' }));
    expect(indexedColumns('mdm_windows_enrollments')).toEqual(['host_uuid', 'host_uuid,hardware_serial', 'mdm_device_id', 'mdm_hardware_id']);
    const cols = ctx.store.read((db) => (db.prepare(`SELECT name FROM pragma_table_info('mdm_windows_enrollments')`).all() as { name: string }[]).map((c) => c.name));
    expect(cols).toContain('hardware_serial');
    expect(cols).not.toContain('entra_device_id');
    expect(ctx.store.read((db) => db.prepare(`SELECT name FROM sqlite_master WHERE name = 'mdm_windows_enrollment_config'`).all())).toEqual([]);
  });

  it('current: the 2026 columns and mdm_windows_enrollment_config(default_team_id)', () => {
    const cols = ctx.store.read((db) => (db.prepare(`SELECT name FROM pragma_table_info('mdm_windows_enrollments')`).all() as { name: string }[]).map((c) => c.name));
    expect(cols).toEqual(expect.arrayContaining(['hardware_serial', 'ztd_registration_id', 'deleted_host_team_id', 'entra_device_id']));
    const cfg = ctx.store.read((db) => (db.prepare(`SELECT name FROM pragma_table_info('mdm_windows_enrollment_config')`).all() as { name: string }[]).map((c) => c.name));
    expect(cfg).toContain('default_team_id');
  });
});
