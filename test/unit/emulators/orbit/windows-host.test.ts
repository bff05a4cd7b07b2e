import { afterEach, describe, expect, it } from 'vitest';
import { tempLab } from '../../../helpers/lab.js';
import { ENROLL_SECRET_PATH, KEYSTORE_ENROLL_SECRET, orbitState } from '../../../../emulators/orbit/state.js';
import { adoptDeliveredSecret, DELIVERED_SECRET_KEY, DELIVERED_SECRET_VALUE, MDM_SYNC_INTERVAL_MS, throttledMdmSync, type WindowsHost } from '../../../../emulators/orbit/windows-host.js';

let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

function fakeWindows(value: string | undefined, enrolled = true): WindowsHost & { values: Map<string, string>; syncs: number } {
  const values = new Map<string, string>();
  if (value !== undefined) values.set(`${DELIVERED_SECRET_KEY}\\${DELIVERED_SECRET_VALUE}`, value);
  const w = {
    values,
    syncs: 0,
    registryValue: (key: string, name: string) => values.get(`${key}\\${name}`),
    deleteRegistryValue: (key: string, name: string) => void values.delete(`${key}\\${name}`),
    hasActiveMdmEnrollment: () => enrolled,
    syncMdm: async () => void w.syncs++,
  };
  return w;
}

describe("orbit's Windows enroll secret channel", () => {
  it('reads HKLM\\SOFTWARE\\FleetDM\\Orbit\\EnrollSecret', () => {
    expect(`HKLM\\${DELIVERED_SECRET_KEY}\\${DELIVERED_SECRET_VALUE}`).toBe('HKLM\\SOFTWARE\\FleetDM\\Orbit\\EnrollSecret');
  });

  it('a waiting secret goes into the keystore, retires secret.txt and is cleared from the registry', async () => {
    const t = tempLab({ seed: 'orbit-delivered' });
    dispose = t.dispose;
    const s = orbitState(t.lab);
    s.writeFile(ENROLL_SECRET_PATH, 'old');
    const w = fakeWindows('  fresh-secret \n');
    expect(await adoptDeliveredSecret(t.lab, s, w)).toBe('fresh-secret');
    expect(s.keystore(KEYSTORE_ENROLL_SECRET)).toBe('fresh-secret');
    expect(s.readFile(ENROLL_SECRET_PATH)).toBeUndefined();
    expect(w.values.size).toBe(0);
    expect(t.lab.recorder.all().map((x) => x.catalogId)).toEqual(['orbit.adopt-delivered-secret']);
  });

  it('an empty value or the installer\'s "dummy" means nothing is waiting: no step, nothing changes', async () => {
    const t = tempLab({ seed: 'orbit-delivered-none' });
    dispose = t.dispose;
    const s = orbitState(t.lab);
    for (const v of [undefined, '', '   ', 'dummy']) {
      const w = fakeWindows(v);
      expect(await adoptDeliveredSecret(t.lab, s, w)).toBeUndefined();
      expect(w.values.size).toBe(v === undefined ? 0 : 1);
    }
    expect(s.keystore(KEYSTORE_ENROLL_SECRET)).toBeUndefined();
    expect(t.lab.recorder.all()).toEqual([]);
  });

  it('a refused enroll asks for an MDM check-in at once, then at most every 5 min, and never without an enrollment', async () => {
    const t = tempLab({ seed: 'orbit-sync' });
    dispose = t.dispose;
    const w = fakeWindows(undefined);
    const sync = throttledMdmSync(t.lab, w);
    await sync();
    t.lab.clock.advance(MDM_SYNC_INTERVAL_MS - 1);
    await sync();
    expect(w.syncs).toBe(1);
    t.lab.clock.advance(1);
    await sync();
    expect(w.syncs).toBe(2);
    const unenrolled = fakeWindows(undefined, false);
    await throttledMdmSync(t.lab, unenrolled)();
    expect(unenrolled.syncs).toBe(0);
  });
});
