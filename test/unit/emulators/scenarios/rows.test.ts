import { describe, expect, it } from 'vitest';
import { fleetApiRowSource, type FleetApiView } from '../../../../emulators/scenarios/rows.js';
import type { FleetHost } from '../../../../emulators/protocols/fleet-api.js';

const host = (over: Partial<FleetHost>): FleetHost => ({
  id: 1,
  uuid: 'UUID-1',
  hostname: 'DESKTOP-1',
  computer_name: 'DESKTOP-1',
  platform: 'windows',
  hardware_serial: 'SER-1',
  orbit_version: '1.55.0',
  team_id: null,
  device_mapping: null,
  ...over,
});

const view: FleetApiView = {
  hosts: [
    host({ id: 1, uuid: 'UUID-1', device_mapping: [{ email: 'alice@lab', source: 'mdm_idp_accounts' }] }),
    // #45066: linked in host_mdm_idp_accounts, but no host_emails, so the API shows device_mapping null.
    host({ id: 2, uuid: 'UUID-2', hardware_serial: 'SER-2', orbit_version: null, device_mapping: null }),
  ],
  activities: [{ id: 1, created_at: '2026-01-15T09:00:00Z', type: 'fleet_enrolled', actor_full_name: null, actor_id: null, actor_email: null, fleet_initiated: true, details: null }],
};

describe('the Fleet API as a row source', () => {
  const rows = fleetApiRowSource(view);

  it('reads hosts, device mappings, orbit versions and activities by Fleet column names', () => {
    expect(rows.mdmRows('hosts', { uuid: 'UUID-2', hardware_serial: 'SER-2' })).toMatchObject({ matched: 1, total: 2 });
    expect(rows.mdmRows('hosts', { uuid: 'UUID-3' })).toMatchObject({ matched: 0 });
    expect(rows.mdmRows('host_emails', { host_id: 1, email: 'alice@lab', source: 'mdm_idp_accounts' })).toMatchObject({ matched: 1, total: 1 });
    expect(rows.mdmRows('host_orbit_info', { version: '1.55.0' })).toMatchObject({ matched: 1, total: 1 });
    expect(rows.mdmRows('activities', { activity_type: 'fleet_enrolled' })).toMatchObject({ matched: 1 });
  });

  it('sees the IdP link only through a device_mapping entry of source mdm_idp_accounts', () => {
    expect(rows.mdmRows('host_mdm_idp_accounts', { host_uuid: 'UUID-1' })).toMatchObject({ matched: 1 });
    expect(rows.mdmRows('host_mdm_idp_accounts', { host_uuid: 'UUID-2' })).toMatchObject({ matched: 0 });
    expect(rows.mdmRows('mdm_idp_accounts', { email: 'alice@lab' })).toMatchObject({ matched: 1 });
  });

  it('skips, with the reason, a table or a column the API does not show', () => {
    expect(rows.mdmRows('mdm_windows_enrollments', { host_uuid: 'UUID-1' })).toEqual({ skip: "Fleet's API does not show mdm.mdm_windows_enrollments (needs the embedded MDM store or --mdm-mysql)" });
    expect(rows.mdmRows('mdm_idp_accounts', { email: 'alice@lab', fullname: 'Alice' })).toEqual({ skip: "Fleet's API does not show mdm.mdm_idp_accounts.fullname (needs the embedded MDM store or --mdm-mysql)" });
    expect(rows.changes).toBe(false);
  });
});
