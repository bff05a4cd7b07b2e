import { describe, it, expect } from 'vitest';
import { mdmFixture, seedEnrollment } from '../../../../helpers/mdm-context.js';
import {
  CLAIM_NOTHING_RECORDED,
  claimDeferredMdmEnrolledActivity,
  hostDisplayName,
  installedFromDep,
  recordMdmEnrolledAtEnrollment,
} from '../../../../../emulators/mdm/store/activity-mdm-enrolled.js';
import { enrollmentByDeviceId } from '../../../../../emulators/mdm/store/enrollments.js';
import { hostActivities, listActivities } from '../../../../../emulators/mdm/store/activities.js';
import type { MdmContext } from '../../../../../emulators/mdm/context.js';
import type { FleetProfileName } from '../../../../../emulators/mdm/profiles/profiles.js';

const UPN = 'alice@contoso.example';

async function world(profile: FleetProfileName) {
  const f = await mdmFixture({ fleetProfile: profile });
  seedEnrollment(f.ctx, { deviceId: 'DEV-1', hwDevId: 'HW-1', upn: UPN, password: 'pw' });
  const now = f.ctx.nowIso();
  const hostId = f.ctx.store.tx((db) =>
    Number(
      db
        .prepare(`INSERT INTO hosts(uuid, hostname, computer_name, platform, hardware_serial, created_at, updated_at) VALUES ('HOST-UUID', 'desktop-1', 'DESKTOP-1', 'windows', 'SER-1', ?, ?)`)
        .run(now, now).lastInsertRowid,
    ),
  );
  return { ...f, hostId, now };
}

const claimed = (ctx: MdmContext) => ctx.store.read((db) => db.prepare(`SELECT mdm_enrolled_activity_at AS v FROM mdm_windows_enrollments WHERE mdm_hardware_id = 'HW-1'`).get() as { v: string | null }).v;

describe('claimDeferredMdmEnrolledActivity (#52235)', () => {
  it('claims once: the activity names the host (id, serial, display name, installed_from_dep) and is on its feed', async () => {
    const w = await world('current');
    try {
      expect(claimed(w.ctx)).toBeNull();
      const e = w.ctx.store.read((db) => enrollmentByDeviceId(db, 'DEV-1'));
      const id = w.ctx.store.tx((db) => claimDeferredMdmEnrolledActivity(db, e, { id: w.hostId }, w.now));
      expect(id).not.toBeNull();
      const feed = w.ctx.store.read((db) => listActivities(db));
      expect(feed).toHaveLength(1);
      expect(feed[0]).toMatchObject({
        activity_type: 'mdm_enrolled',
        fleet_initiated: true,
        host_ids: [w.hostId],
        details: { host_id: w.hostId, host_serial: 'SER-1', host_display_name: 'DESKTOP-1', installed_from_dep: true, mdm_platform: 'microsoft', enrollment_id: null, platform: 'windows' },
      });
      expect(claimed(w.ctx)).toBe(w.now);
      // a second link (orbit re-enroll, another DevDetail reply) records nothing more
      expect(w.ctx.store.tx((db) => claimDeferredMdmEnrolledActivity(db, e, { id: w.hostId }, w.now))).toBeNull();
      expect(w.ctx.store.read((db) => hostActivities(db, w.hostId))).toHaveLength(1);
    } finally {
      w.dispose();
    }
  });

  it('a host deleted before the claim: the claim is spent with the zero-time marker, nothing recorded', async () => {
    const w = await world('current');
    try {
      const e = w.ctx.store.read((db) => enrollmentByDeviceId(db, 'DEV-1'));
      expect(w.ctx.store.tx((db) => claimDeferredMdmEnrolledActivity(db, e, { id: 999 }, w.now))).toBeNull();
      expect(claimed(w.ctx)).toBe(CLAIM_NOTHING_RECORDED);
      expect(w.ctx.store.read((db) => listActivities(db))).toHaveLength(0);
    } finally {
      w.dispose();
    }
  });

  it('a profile without the switch has no claim column and nothing deferred: the claim writes nothing', async () => {
    const w = await world('eua-link-fix');
    try {
      const e = w.ctx.store.read((db) => enrollmentByDeviceId(db, 'DEV-1'));
      const before = w.ctx.store.fileBytes();
      expect(w.ctx.store.tx((db) => claimDeferredMdmEnrolledActivity(db, e, { id: w.hostId }, w.now))).toBeNull();
      expect(w.ctx.store.fileBytes().equals(before)).toBe(true);
      expect(w.ctx.store.tx((db) => claimDeferredMdmEnrolledActivity(db, undefined, { id: w.hostId }, w.now))).toBeNull();
    } finally {
      w.dispose();
    }
  });
});

describe('recordMdmEnrolledAtEnrollment', () => {
  const enrollment = { mdm_hardware_id: 'HW-1', device_name: 'DESKTOP-RST', host_uuid: '', enroll_user_id: UPN, not_in_oobe: 0 };

  it('before #52235: at once, with the RST DeviceName and an empty serial; with a known host, its display name and serial', async () => {
    const w = await world('eua-first');
    try {
      w.ctx.store.tx((db) => recordMdmEnrolledAtEnrollment(db, enrollment, false, w.now));
      w.ctx.store.tx((db) => recordMdmEnrolledAtEnrollment(db, { ...enrollment, host_uuid: 'HOST-UUID' }, false, w.now));
      const [withHost, bare] = w.ctx.store.read((db) => listActivities(db));
      expect(bare!.details).toEqual({ host_serial: '', host_display_name: 'DESKTOP-RST', installed_from_dep: false, mdm_platform: 'microsoft', enrollment_id: null, platform: '' });
      expect(bare!.host_ids).toEqual([]);
      expect(withHost!.details).toMatchObject({ host_serial: 'SER-1', host_display_name: 'DESKTOP-1' });
    } finally {
      w.dispose();
    }
  });

  it('since #52235: deferred without a host (claim column stays NULL), at once and claimed with one', async () => {
    const w = await world('current');
    try {
      expect(w.ctx.store.tx((db) => recordMdmEnrolledAtEnrollment(db, enrollment, true, w.now))).toBeNull();
      expect(claimed(w.ctx)).toBeNull();
      expect(w.ctx.store.tx((db) => recordMdmEnrolledAtEnrollment(db, { ...enrollment, host_uuid: 'HOST-UUID' }, true, w.now))).not.toBeNull();
      expect(claimed(w.ctx)).toBe(w.now);
      expect(w.ctx.store.read((db) => hostActivities(db, w.hostId))[0]!.details).toMatchObject({ host_id: w.hostId, host_serial: 'SER-1' });
    } finally {
      w.dispose();
    }
  });
});

describe('installedFromDep and hostDisplayName', () => {
  it.each([
    [UPN, 0, true],
    [UPN, 1, false],
    ['orbit-node-key', 0, false],
  ] as const)('UPN %s, NotInOobe %s → %s', (user, notInOobe, expected) => {
    expect(installedFromDep({ enroll_user_id: user, not_in_oobe: notInOobe })).toBe(expected);
  });
  it('computer name, else hostname, else "model (serial)"', () => {
    expect(hostDisplayName({ computer_name: 'C', hostname: 'h', hardware_model: 'M', hardware_serial: 'S' })).toBe('C');
    expect(hostDisplayName({ computer_name: '', hostname: 'h', hardware_model: 'M', hardware_serial: 'S' })).toBe('h');
    expect(hostDisplayName({ computer_name: '', hostname: '', hardware_model: 'M', hardware_serial: 'S' })).toBe('M (S)');
    expect(hostDisplayName({ computer_name: '', hostname: '', hardware_model: '', hardware_serial: 'S' })).toBe('');
  });
});
