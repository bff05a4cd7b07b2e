import { afterEach, describe, expect, it } from 'vitest';
import { mdmFixture } from '../../../../helpers/mdm-context.js';
import { deleteHostRows, HOST_REFS_BY_ID } from '../../../../../emulators/mdm/store/host-delete.js';
import { enrollOrbitHost, markHostSeen, upsertOrbitInfo } from '../../../../../emulators/mdm/store/hosts.js';

let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

describe('DeleteHost', () => {
  it('deletes the host and its host_id rows, and reports an unknown id without writing', async () => {
    const f = await mdmFixture({ fleetProfile: 'current' });
    dispose = f.dispose;
    const { ctx } = f;
    const id = ctx.store.tx((db) => {
      const h = enrollOrbitHost(db, { hardwareUuid: 'U', hardwareSerial: 'S', hostname: 'h', computerName: 'h', platform: 'windows', platformLike: 'windows', hardwareModel: 'm', osqueryIdentifier: 'U' }, 'nk', null, ctx.nowIso());
      markHostSeen(db, h, ctx.nowIso());
      upsertOrbitInfo(db, h, '1.55.0');
      return h;
    });
    const before = ctx.store.fileBytes();
    expect(ctx.store.tx((db) => deleteHostRows(db, id + 1))).toBe(false);
    expect(ctx.store.fileBytes().equals(before)).toBe(true);
    expect(ctx.store.tx((db) => deleteHostRows(db, id))).toBe(true);
    const d = ctx.store.dump();
    expect(d.hosts).toEqual([]);
    for (const t of HOST_REFS_BY_ID) expect(d[t] ?? [], t).toEqual([]);
  });
});
