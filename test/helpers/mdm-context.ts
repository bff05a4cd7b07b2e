import { tempLab } from './lab.js';
import { mdmSchema } from '../../emulators/mdm/store/schema.js';
import { createMdmContext, type MdmContext } from '../../emulators/mdm/context.js';
import { writeSettings, type MdmSettings } from '../../emulators/mdm/settings.js';
import { ensureIdentity } from '../../emulators/mdm/wstep/identity.js';
import { credentialsHash } from '../../emulators/protocols/syncml-auth.js';

/** An MDM context on a seeded lab, without HTTP: for unit tests of the store-level behaviour. */
export async function mdmFixture(settings: Partial<MdmSettings> = {}): Promise<{ ctx: MdmContext; dispose: () => void }> {
  const { lab, dispose } = tempLab({ seed: 'mdm-unit' });
  const store = lab.openStore('mdm', mdmSchema(settings.fleetProfile), { unlogged: ['lab_wstep_identity', 'lab_kv'] });
  const ctx = createMdmContext(lab, store);
  writeSettings(store, { serverUrl: 'http://127.0.0.1:1', ...settings });
  await ensureIdentity(ctx);
  return { ctx, dispose };
}

export interface EnrollmentSeed {
  deviceId: string;
  hwDevId?: string;
  upn: string;
  password: string;
  hostUuid?: string;
  notInOobe?: boolean;
}

/**
 * The mdm_windows_enrollments row exactly as Fleet's enroll writes it (fleet.md §2.7): username = DeviceID,
 * credentials_hash = MD5("DeviceID:password"), credentials_acknowledged = true, enroll_user_id = the UPN.
 */
export function seedEnrollment(ctx: MdmContext, e: EnrollmentSeed): number {
  const now = ctx.nowIso();
  return ctx.store.tx((db) => {
    const r = db
      .prepare(
        `INSERT INTO mdm_windows_enrollments(mdm_device_id, mdm_hardware_id, device_state, device_type, device_name, enroll_type, enroll_user_id,
         enroll_proto_version, enroll_client_version, not_in_oobe, created_at, updated_at, host_uuid, credentials_hash, credentials_acknowledged)
         VALUES (?, ?, 'MDMDeviceEnrolledEnrolled', 'CIMClient_Windows', 'DESKTOP-LAB', 'Full', ?, '5.0', '10.0.22631.1', ?, ?, ?, ?, ?, 1)`,
      )
      .run(e.deviceId, e.hwDevId ?? `HW-${e.deviceId}`, e.upn, e.notInOobe ? 1 : 0, now, now, e.hostUuid ?? '', credentialsHash(e.deviceId, e.password));
    return Number(r.lastInsertRowid);
  });
}

/** Every Fleet table's rows (lab_kv, Fleet's Redis, left out). */
export function fleetRows(ctx: MdmContext): Record<string, Record<string, unknown>[]> {
  const d = ctx.store.dump();
  delete d.lab_kv;
  return d;
}
