import { describe, it, expect } from 'vitest';
import { activityHeadline, jsonLines, stepActivities, text } from '../../../../../renderer/features/fleet/fleet-json';

describe('fleet-json', () => {
  it('flags exactly the device_mapping: null line of Fleet JSON', () => {
    const lines = jsonLines({ id: 1, device_mapping: null, mdm: { device_mapping_like: null } });
    expect(lines.filter((l) => l.flag).map((l) => l.line.trim())).toEqual(['"device_mapping": null,']);
    expect(jsonLines({ device_mapping: [{ email: 'a@b.c', source: 'mdm_idp_accounts' }] }).some((l) => l.flag)).toBe(false);
  });

  it("a step's activities: the activities inserts with their host_activities links, details parsed", () => {
    const acts = stepActivities([
      { party: 'mdm', table: 'activities', op: 'insert', after: { id: 7, activity_type: 'mdm_enrolled', created_at: '2026-01-15T09:00:00.000Z', details: '{"host_id":1,"installed_from_dep":true}' } },
      { party: 'mdm', table: 'host_activities', op: 'insert', after: { host_id: 1, activity_id: 7 } },
      { party: 'mdm', table: 'activities', op: 'update', after: { id: 6, activity_type: 'x', details: null } },
      { party: 'mdm', table: 'hosts', op: 'insert', after: { id: 1 } },
    ]);
    expect(acts).toEqual([{ id: 7, type: 'mdm_enrolled', createdAt: '2026-01-15T09:00:00.000Z', details: { host_id: 1, installed_from_dep: true }, hostIds: [1] }]);
  });

  it("headlines in Fleet's words", () => {
    expect(activityHeadline('mdm_enrolled', { host_display_name: 'DESKTOP-1', mdm_platform: 'microsoft', installed_from_dep: false })).toBe(
      'Mobile device management (MDM) turned on for DESKTOP-1 (Windows) (manual)',
    );
    expect(activityHeadline('fleet_enrolled', { host_display_name: 'DESKTOP-1' })).toBe('DESKTOP-1 enrolled in Fleet');
    expect(activityHeadline('some_other_type', null)).toBe('some other type');
    expect(text(null)).toBe('null');
  });
});
