import { describe, it, expect, afterEach } from 'vitest';
import { mdmFixture } from '../../../../helpers/mdm-context.js';
import type { MdmContext } from '../../../../../emulators/mdm/context.js';
import type { FleetProfileName } from '../../../../../emulators/mdm/profiles/profiles.js';
import { conflictingEnrollmentHardwareId, deleteEnrolledDeviceOnReenrollment, insertEnrolledDevice, unlinkedEnrollmentByHardwareSerial, type NewEnrollment } from '../../../../../emulators/mdm/store/enrollments.js';
import { associateHostIdpAccountFromSso, getOrCreateIdpAccount, idpLinkByHostUuid } from '../../../../../emulators/mdm/store/idp.js';
import { listActivities, recordEnrollmentRejected, ENROLLMENT_REJECTED_TTL_MS } from '../../../../../emulators/mdm/store/activities.js';

let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

async function fixture(fleetProfile: FleetProfileName): Promise<MdmContext> {
  const f = await mdmFixture({ fleetProfile });
  dispose = f.dispose;
  return f.ctx;
}

const enrollment = (deviceId: string, hw: string, hostUuid: string): NewEnrollment => ({
  mdm_device_id: deviceId,
  mdm_hardware_id: hw,
  device_state: 'MDMDeviceEnrolledEnrolled',
  device_type: 'CIMClient_Windows',
  device_name: 'DESKTOP-1',
  enroll_type: 'Full',
  enroll_user_id: 'alice@example.com',
  enroll_proto_version: '5.0',
  enroll_client_version: '10.0',
  not_in_oobe: false,
  host_uuid: hostUuid,
  credentials_hash: Buffer.alloc(16),
  credentials_acknowledged: true,
  awaiting_configuration: 0,
  awaiting_configuration_at: null,
});

const deviceIds = (ctx: MdmContext) => ctx.store.read((db) => db.prepare(`SELECT mdm_device_id, host_uuid FROM mdm_windows_enrollments ORDER BY id`).all());

describe('MDMWindowsDeleteEnrolledDeviceOnReenrollment by the profile\'s unique key', () => {
  it('eua-first (UNIQUE mdm_hardware_id): a second machine with the same HWDevID takes over the first one\'s row', async () => {
    const ctx = await fixture('eua-first');
    const now = ctx.nowIso();
    ctx.store.tx((db) => insertEnrolledDevice(db, enrollment('DEV-A', 'HW', 'HOST-A'), now));
    ctx.store.tx((db) => {
      deleteEnrolledDeviceOnReenrollment(db, 'HW', { uniquePerHost: false }, { deviceId: 'DEV-B', hostUuid: 'HOST-B' });
      insertEnrolledDevice(db, enrollment('DEV-B', 'HW', 'HOST-B'), now);
    });
    expect(deviceIds(ctx)).toEqual([{ mdm_device_id: 'DEV-B', host_uuid: 'HOST-B' }]);
  });

  it('current (UNIQUE mdm_hardware_id, host_uuid): clones keep their rows; the same machine re-enrolling replaces its own', async () => {
    const ctx = await fixture('current');
    const now = ctx.nowIso();
    const key = { uniquePerHost: true };
    ctx.store.tx((db) => insertEnrolledDevice(db, enrollment('DEV-A', 'HW', 'HOST-A'), now));
    ctx.store.tx((db) => {
      deleteEnrolledDeviceOnReenrollment(db, 'HW', key, { deviceId: 'DEV-B', hostUuid: 'HOST-B' });
      insertEnrolledDevice(db, enrollment('DEV-B', 'HW', 'HOST-B'), now);
    });
    expect(deviceIds(ctx)).toEqual([{ mdm_device_id: 'DEV-A', host_uuid: 'HOST-A' }, { mdm_device_id: 'DEV-B', host_uuid: 'HOST-B' }]);
    // Machine A enrolls again (automatic: no host uuid yet): its own DeviceID's row goes, B's stays.
    ctx.store.tx((db) => {
      deleteEnrolledDeviceOnReenrollment(db, 'HW', key, { deviceId: 'DEV-A', hostUuid: '' });
      insertEnrolledDevice(db, enrollment('DEV-A', 'HW', ''), now);
    });
    expect(deviceIds(ctx)).toEqual([{ mdm_device_id: 'DEV-B', host_uuid: 'HOST-B' }, { mdm_device_id: 'DEV-A', host_uuid: '' }]);
  });
});

describe('the serial link lookups (#52614)', () => {
  it('finds the unlinked enrollment by its stored serial, and the conflicting hardware of a claimed host', async () => {
    const ctx = await fixture('current');
    const now = ctx.nowIso();
    ctx.store.tx((db) => {
      const id = insertEnrolledDevice(db, enrollment('DEV-A', 'HW-A', ''), now);
      db.prepare(`UPDATE mdm_windows_enrollments SET hardware_serial = 'SER-1' WHERE id = ?`).run(id);
      insertEnrolledDevice(db, enrollment('DEV-B', 'HW-B', 'HOST-B'), now);
    });
    ctx.store.read((db) => {
      expect(unlinkedEnrollmentByHardwareSerial(db, 'SER-1')?.mdm_device_id).toBe('DEV-A');
      expect(unlinkedEnrollmentByHardwareSerial(db, 'SER-2')).toBeUndefined();
      expect(unlinkedEnrollmentByHardwareSerial(db, '')).toBeUndefined();
      expect(conflictingEnrollmentHardwareId(db, 'HOST-B', 'HW-A')).toEqual({ conflicted: true, hardwareId: 'HW-B' });
      expect(conflictingEnrollmentHardwareId(db, 'HOST-B', 'HW-B')).toEqual({ conflicted: false, hardwareId: '' });
      expect(conflictingEnrollmentHardwareId(db, 'HOST-NEW', 'HW-A')).toEqual({ conflicted: false, hardwareId: '' });
    });
  });
});

describe('AssociateHostMDMIdPAccountFromSSO (TestBindHostToIdPAccountFromSSO)', () => {
  it('binds a host with nothing linked, replaces only when asked, and writes nothing for an unchanged binding', async () => {
    const ctx = await fixture('current');
    const now = ctx.nowIso();
    ctx.store.tx((db) => {
      let n = 0;
      const old = getOrCreateIdpAccount(db, 'old@example.com', () => `acct-${++n}`, now);
      const fresh = getOrCreateIdpAccount(db, 'new@example.com', () => `acct-${++n}`, now);
      expect(associateHostIdpAccountFromSso(db, 'H', old.uuid, false, now)).toEqual({ previous: '', written: true });
      expect(associateHostIdpAccountFromSso(db, 'H', fresh.uuid, false, now)).toEqual({ previous: old.uuid, written: false });
      expect(idpLinkByHostUuid(db, 'H')?.account_uuid).toBe(old.uuid);
      expect(associateHostIdpAccountFromSso(db, 'H', fresh.uuid, true, now)).toEqual({ previous: old.uuid, written: true });
      expect(idpLinkByHostUuid(db, 'H')?.account_uuid).toBe(fresh.uuid);
      expect(associateHostIdpAccountFromSso(db, 'H', fresh.uuid, true, now)).toEqual({ previous: fresh.uuid, written: false });
    });
  });
});

describe('host_enrollment_rejected (recordEnrollmentRejected)', () => {
  it("records Fleet's details once per subject and reason within 12 h", async () => {
    const ctx = await fixture('current');
    const t0 = ctx.lab.clock.now();
    const r = { reason: 'one_time_secret_spent', hostId: null, plane: 'orbit' as const, platform: 'windows', hardwareUuid: 'HW-UUID', hardwareSerial: 'SER' };
    ctx.store.tx((db) => {
      expect(recordEnrollmentRejected(db, r, t0)).not.toBeNull();
      expect(recordEnrollmentRejected(db, r, t0 + 60_000)).toBeNull();
      expect(recordEnrollmentRejected(db, { ...r, reason: 'one_time_secret_identifier_mismatch' }, t0 + 60_000)).not.toBeNull();
      expect(recordEnrollmentRejected(db, r, t0 + ENROLLMENT_REJECTED_TTL_MS + 1)).not.toBeNull();
    });
    const feed = ctx.store.read((db) => listActivities(db));
    expect(feed.map((a) => a.activity_type)).toEqual(['host_enrollment_rejected', 'host_enrollment_rejected', 'host_enrollment_rejected']);
    expect(Object.keys(feed.at(-1)!.details!)).toEqual(['host_id', 'host_display_name', 'host_serial', 'host_uuid', 'platform', 'enrollment_plane', 'reason']);
    expect(feed.at(-1)!.details).toMatchObject({ host_id: null, host_uuid: 'HW-UUID', enrollment_plane: 'orbit', reason: 'one_time_secret_spent' });
  });
});
