import { describe, expect, it } from 'vitest';
import { ROW_KEYS } from '../../../../renderer/lib/row-identity';
import { fleetPrimaryKeys } from '../../../helpers/fleet-mysql-schema';

describe('row identity of an external Fleet\'s MySQL rows', () => {
  it('follows every watched Fleet table by the primary key Fleet\'s schema gives it', () => {
    const keys = fleetPrimaryKeys();
    expect(Object.keys(keys).length).toBeGreaterThanOrEqual(16);
    for (const [table, key] of Object.entries(keys)) expect(ROW_KEYS.mdm?.[table], table).toEqual(key);
  });
});
