import { LabIds } from '../lab/ids.js';
import { makeHardware } from '../device/hardware.js';
import type { Shard } from './shard.js';

/** Who one virtual device of a load is: its hardware and the Entra user who signs in at its OOBE. */
export interface DeviceIdentity {
  /** The device's number across every shard: shard.index * devicesPerShard + its number in the shard. */
  globalIndex: number;
  /** The seed of the device's own lab (its TPM, ids and hardware come from it). */
  seed: string;
  hardwareUuid: string;
  serial: string;
  deviceName: string;
  mdmDeviceId: string;
  upn: string;
  password: string;
  displayName: string;
}

/**
 * Device `n` of a shard. Shards own disjoint ranges of global indexes, and everything a device is follows from the
 * seed and its global index: N copies with the same seed and --devices never share a device or a user, and a
 * re-run of one shard makes the same fleet again.
 */
export function deviceIdentity(seed: string, shard: Shard, devicesPerShard: number, n: number, domain: string): DeviceIdentity {
  const globalIndex = shard.index * devicesPerShard + n;
  const deviceSeed = `${seed}/load-device/${globalIndex}`;
  const hw = makeHardware(new LabIds(deviceSeed));
  const no = String(globalIndex).padStart(6, '0');
  return {
    globalIndex,
    seed: deviceSeed,
    hardwareUuid: hw.hardwareUuid,
    // Hyper-V VM serials are digit groups (fleet.md §7.3); the global index makes them unique by construction.
    serial: `${hw.serial.slice(0, 5)}${no}`,
    deviceName: hw.deviceName,
    mdmDeviceId: hw.mdmDeviceId,
    upn: `load-${no}@${domain}`,
    password: `Enrollscope-Load-${new LabIds(`${deviceSeed}/password`).hex(6)}`,
    displayName: `Load User ${no}`,
  };
}
