import { afterEach, describe, expect, it } from 'vitest';
import { mdmFixture, seedEnrollment } from '../../../../helpers/mdm-context.js';
import { consumeOneTimeSecret, ENROLL_SECRET_PLACEHOLDER, expandWindowsHostSecrets, liveWindowsSecret, lookupOneTimeSecret, mintWindowsSecret, resolveEnrollSecret } from '../../../../../emulators/mdm/store/one-time-secrets.js';
import { enrollOrbitHost } from '../../../../../emulators/mdm/store/hosts.js';
import { deleteHostRows } from '../../../../../emulators/mdm/store/host-delete.js';
import type { MdmContext } from '../../../../../emulators/mdm/context.js';

let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

async function fixture(oneTime = true) {
  const f = await mdmFixture({ fleetProfile: 'current', mdmWindowsOneTimeEnrollSecrets: oneTime });
  dispose = f.dispose;
  const enrollmentId = seedEnrollment(f.ctx, { deviceId: 'DEV-1', upn: 'alice@example.com', password: 'pw' });
  return { ctx: f.ctx, enrollmentId };
}

const host = (ctx: MdmContext, uuid: string) =>
  ctx.store.tx((db) => enrollOrbitHost(db, { hardwareUuid: uuid, hardwareSerial: 'S1', hostname: 'h', computerName: 'h', platform: 'windows', platformLike: 'windows', hardwareModel: 'm', osqueryIdentifier: uuid }, `nk-${uuid}`, null, ctx.nowIso()));

describe('host_one_time_enroll_secrets', () => {
  it('minting reuses the live secret and binds nothing before the host exists', async () => {
    const { ctx, enrollmentId } = await fixture();
    const a = ctx.store.tx((db) => mintWindowsSecret(db, ctx, enrollmentId, ctx.nowIso()))!;
    const b = ctx.store.tx((db) => mintWindowsSecret(db, ctx, enrollmentId, ctx.nowIso()))!;
    expect(a).toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = ctx.store.dump().host_one_time_enroll_secrets!;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ host_id: null, mdm_windows_enrollment_id: enrollmentId, team_id: null, platform: 'windows', hardware_uuid: '' });
  });

  it('expands the placeholder with the live secret, XML-escaped, and to empty once consumed', async () => {
    const { ctx, enrollmentId } = await fixture();
    const secret = ctx.store.tx((db) => mintWindowsSecret(db, ctx, enrollmentId, ctx.nowIso()))!;
    const raw = `<CommandLine>FLEET_SECRET="${ENROLL_SECRET_PLACEHOLDER}"</CommandLine>`;
    expect(ctx.store.read((db) => expandWindowsHostSecrets(db, raw, enrollmentId))).toBe(`<CommandLine>FLEET_SECRET="${secret}"</CommandLine>`);
    ctx.store.tx((db) => db.prepare(`UPDATE host_one_time_enroll_secrets SET secret = 'a&b<c' WHERE mdm_windows_enrollment_id = ?`).run(enrollmentId));
    expect(ctx.store.read((db) => expandWindowsHostSecrets(db, raw, enrollmentId))).toBe('<CommandLine>FLEET_SECRET="a&amp;b&lt;c"</CommandLine>');
    const id = host(ctx, 'UUID-1');
    const row = ctx.store.read((db) => lookupOneTimeSecret(db, ctx, 'a&b<c'))!;
    expect(ctx.store.tx((db) => consumeOneTimeSecret(db, row.id, id, ctx.nowIso()))).toBe('ok');
    expect(ctx.store.read((db) => liveWindowsSecret(db, enrollmentId))).toBeUndefined();
    expect(ctx.store.read((db) => expandWindowsHostSecrets(db, raw, enrollmentId))).toBe('<CommandLine>FLEET_SECRET=""</CommandLine>');
    // A second orbit use is spent, and resolution refuses it before any write, naming the host it was bound to.
    expect(ctx.store.tx((db) => consumeOneTimeSecret(db, row.id, id, ctx.nowIso()))).toBe('one_time_secret_spent');
    expect(ctx.store.read((db) => resolveEnrollSecret(db, ctx, 'a&b<c', 'UUID-1'))).toEqual({ rejected: 'one_time_secret_spent', hostId: id });
  });

  it('a secret bound to another existing host is refused as an identifier mismatch; the flag off makes it no secret at all', async () => {
    const { ctx, enrollmentId } = await fixture();
    const secret = ctx.store.tx((db) => mintWindowsSecret(db, ctx, enrollmentId, ctx.nowIso()))!;
    const a = host(ctx, 'UUID-A');
    ctx.store.tx((db) => db.prepare(`UPDATE host_one_time_enroll_secrets SET host_id = ?`).run(a));
    expect(ctx.store.read((db) => resolveEnrollSecret(db, ctx, secret, 'UUID-B'))).toEqual({ rejected: 'one_time_secret_identifier_mismatch', hostId: a });
    expect(ctx.store.read((db) => resolveEnrollSecret(db, ctx, secret, 'uuid-a'))).toMatchObject({ secret, oneTimeEnrollmentId: enrollmentId });
    ctx.store.tx((db) => deleteHostRows(db, a));
    expect(ctx.store.dump().host_one_time_enroll_secrets).toEqual([]);
  });

  it('is not honoured while the flag is off', async () => {
    const { ctx, enrollmentId } = await fixture(false);
    ctx.store.tx((db) =>
      db.prepare(`INSERT INTO host_one_time_enroll_secrets(secret, mdm_windows_enrollment_id, platform, hardware_uuid, hardware_serial, created_at) VALUES ('s', ?, 'windows', '', '', ?)`).run(enrollmentId, ctx.nowIso()),
    );
    expect(ctx.store.read((db) => lookupOneTimeSecret(db, ctx, 's'))).toBeUndefined();
  });
});
