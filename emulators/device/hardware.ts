import { createHash } from 'node:crypto';
import type { LabIds } from '../lab/ids.js';
import type { Hardware } from './state.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * A plausible Hyper-V Windows 11 Pro VM, from the lab's ids (seeded runs get the same machine). DeviceID is
 * 32 upper hex and HWDevID 64 upper hex as in the captured Windows RST (fleet.md §7.3); HWDevID is a hash of the
 * hardware so that re-enrolling the same machine sends the same value (UNCONFIRMED what Windows hashes).
 */
export function makeHardware(ids: LabIds, overrides: Partial<Hardware> = {}): Hardware {
  const name = [...ids.bytes(7)].map((b) => ALNUM[b % ALNUM.length]).join('');
  const hardwareUuid = overrides.hardwareUuid ?? ids.uuid().toUpperCase();
  const serial = overrides.serial ?? `${ids.hex(2).toUpperCase()}-${[...ids.bytes(8)].map((b) => (b % 10).toString()).join('')}`;
  const mac = () => `00-15-5D-${ids.hex(3).toUpperCase().match(/../g)!.join('-')}`;
  return {
    deviceName: `DESKTOP-${name}`,
    manufacturer: 'Microsoft Corporation',
    model: 'Virtual Machine',
    osVersion: '10.0.22631.4602',
    osEdition: '48',
    locale: 'en-US',
    macs: [mac(), mac()],
    mdmDeviceId: ids.hex(16).toUpperCase(),
    ...overrides,
    serial,
    hardwareUuid,
    hwDevId: overrides.hwDevId ?? createHash('sha256').update(`${hardwareUuid}|${serial}`).digest('hex').toUpperCase(),
  };
}
