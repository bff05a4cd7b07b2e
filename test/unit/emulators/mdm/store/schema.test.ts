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

  it('§5 (the 2026-08-31 migration, current): mdm_windows_enrollments is unique on (mdm_hardware_id, host_uuid) and keyed on mdm_device_id and host_uuid', () => {
    expect(indexedColumns('mdm_windows_enrollments')).toEqual(['host_uuid', 'mdm_device_id', 'mdm_hardware_id,host_uuid']);
  });

  it('§5 (before the migration, eua-first): mdm_windows_enrollments is unique on mdm_hardware_id', async () => {
    dispose();
    ({ ctx, dispose } = await mdmFixture({ fleetProfile: 'eua-first' }));
    expect(indexedColumns('mdm_windows_enrollments')).toEqual(['host_uuid', 'mdm_device_id', 'mdm_hardware_id']);
  });
});
