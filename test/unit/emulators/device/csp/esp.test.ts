import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempLab } from '../../../../helpers/lab.js';
import type { Store } from '../../../../../emulators/lab/store.js';
import { CSP_SCHEMA } from '../../../../../emulators/device/csp/schema.js';
import { CspTree } from '../../../../../emulators/device/csp/tree.js';
import { applyEspTransition, espButtons, espTransition, espView, WINDOWS_DEFAULT_ESP_ERROR } from '../../../../../emulators/device/csp/esp.js';

const FSS = './Device/Vendor/MSFT/DMClient/Provider/Fleet/FirstSyncStatus';
const T0 = Date.parse('2026-01-15T09:00:00.000Z');

let store: Store;
let tree: CspTree;
let dispose: () => void;
beforeEach(() => {
  const t = tempLab();
  dispose = t.dispose;
  store = t.lab.openStore('device', CSP_SCHEMA);
  tree = new CspTree(store);
  store.tx((db) => tree.set(db, './Vendor/MSFT/DMClient/Provider/Fleet/EntDMID', 'B5B954E81FBCB94EB79BD08BE625F4EE'));
});
afterEach(() => dispose());

/** Server commands as the OMA-DM session runs them, then the device's evaluation. */
function server(cmds: [string, string, 'bool' | 'int' | 'chr'][]): void {
  store.tx((db) => {
    for (const [path, value, format] of cmds) expect(tree.replace(db, path, value, format).status).toBe('200');
  });
}
function step(now: number) {
  const t = store.read((db) => espTransition(tree, db, now));
  if (t) store.tx((db) => applyEspTransition(db, t));
  return t;
}

describe('the Enrollment Status Page from FirstSyncStatus (DMClient CSP)', () => {
  it('shows nothing until the server sets SkipDeviceStatusPage=false', () => {
    expect(step(T0)).toBeNull();
    server([[`${FSS}/SkipDeviceStatusPage`, 'false', 'bool']]);
    expect(step(T0)).toMatchObject({ state: 'showing', started_at: new Date(T0).toISOString() });
    expect(step(T0 + 1000)).toBeNull();
  });

  it('is released only when ServerHasFinishedProvisioning is true at device and user scope', () => {
    server([[`${FSS}/SkipDeviceStatusPage`, 'false', 'bool'], [`${FSS}/SkipUserStatusPage`, 'false', 'bool']]);
    step(T0);
    server([[`${FSS}/ServerHasFinishedProvisioning`, 'true', 'bool']]);
    expect(step(T0 + 60_000)).toBeNull();
    store.tx((db) => expect(tree.add(db, './User/Vendor/MSFT/DMClient/Provider/Fleet/FirstSyncStatus', undefined, 'node').status).toBe('200'));
    server([['./User/Vendor/MSFT/DMClient/Provider/Fleet/FirstSyncStatus/ServerHasFinishedProvisioning', 'true', 'bool']]);
    expect(step(T0 + 120_000)).toMatchObject({ state: 'released', error_text: null });
    expect(espView(store)?.state).toBe('released');
  });

  it('fails when TimeOutUntilSyncFailure minutes have passed on the clock: CustomErrorText, the buttons, Collect logs', () => {
    server([
      [`${FSS}/SkipDeviceStatusPage`, 'false', 'bool'],
      [`${FSS}/TimeOutUntilSyncFailure`, '180', 'int'],
      [`${FSS}/BlockInStatusPage`, '5', 'int'],
      [`${FSS}/AllowCollectLogsButton`, 'true', 'bool'],
      [`${FSS}/CustomErrorText`, 'Setup is taking longer than expected.', 'chr'],
    ]);
    step(T0);
    expect(step(T0 + 180 * 60_000 - 1)).toBeNull();
    expect(step(T0 + 180 * 60_000)).toMatchObject({ state: 'failed', error_text: 'Setup is taking longer than expected.', buttons: 'Reset PC,Continue anyway', collect_logs: 1 });
  });

  it('without a timeout node waits 60 minutes; without CustomErrorText shows Windows\' own text', () => {
    server([[`${FSS}/SkipDeviceStatusPage`, 'false', 'bool']]);
    step(T0);
    expect(step(T0 + 59 * 60_000)).toBeNull();
    expect(step(T0 + 60 * 60_000)).toMatchObject({ state: 'failed', error_text: WINDOWS_DEFAULT_ESP_ERROR, buttons: '', collect_logs: 0 });
  });

  it('BlockInStatusPage bits: 1 Reset PC, 2 Try again, 4 Continue anyway', () => {
    expect(espButtons('1')).toEqual(['Reset PC']);
    expect(espButtons('7')).toEqual(['Reset PC', 'Try again', 'Continue anyway']);
    expect(espButtons(null)).toEqual([]);
  });
});
