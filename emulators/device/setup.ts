import type { Db } from '../lab/store.js';
import type { CspTree } from './csp/tree.js';
import type { Hardware } from './state.js';

/**
 * The nodes Windows answers from its own state (entra-mde2.md §8.3 list; MS-MDM DevInfo/DevDetail):
 * ./DevInfo, ./DevDetail with Ext/Microsoft (SMBIOSSerialNumber is what Fleet links unlinked enrollments with,
 * fleet.md §6), DMClient/HWDevID, WindowsLicensing, DeviceStatus.
 */
export function writeBootNodes(csp: CspTree, db: Db, hw: Hardware, now: Date): void {
  const set = (p: string, v: string, f: 'chr' | 'int' = 'chr') => csp.set(db, p, v, f);
  set('./DevInfo/DevId', hw.mdmDeviceId);
  set('./DevInfo/Man', hw.manufacturer);
  set('./DevInfo/Mod', hw.model);
  set('./DevInfo/DmV', '1.3');
  set('./DevInfo/Lang', hw.locale);
  set('./DevDetail/DevTyp', 'Virtual Machine');
  set('./DevDetail/OEM', hw.manufacturer);
  set('./DevDetail/FwV', 'Hyper-V UEFI Release v4.1');
  set('./DevDetail/SwV', hw.osVersion);
  set('./DevDetail/HwV', 'Hyper-V UEFI Release v4.1');
  set('./DevDetail/LrgObj', 'true');
  set('./DevDetail/Ext/Microsoft/MobileID', '');
  set('./DevDetail/Ext/Microsoft/LocalTime', now.toISOString());
  set('./DevDetail/Ext/Microsoft/OSPlatform', 'Windows 11 Pro');
  set('./DevDetail/Ext/Microsoft/ProcessorType', '8664', 'int');
  set('./DevDetail/Ext/Microsoft/ProcessorArchitecture', '9', 'int');
  set('./DevDetail/Ext/Microsoft/DeviceName', hw.deviceName);
  set('./DevDetail/Ext/Microsoft/DNSComputerName', hw.deviceName);
  set('./DevDetail/Ext/Microsoft/TotalRAM', '8192', 'int');
  set('./DevDetail/Ext/Microsoft/TotalStorage', '130048', 'int');
  set('./DevDetail/Ext/Microsoft/SMBIOSSerialNumber', hw.serial);
  set('./DevDetail/Ext/Microsoft/DeviceHardwareData', '');
  set('./Vendor/MSFT/DMClient/HWDevID', hw.hwDevId);
  set('./Vendor/MSFT/WindowsLicensing/Edition', hw.osEdition, 'int');
  set('./Vendor/MSFT/DeviceStatus/OS/Edition', hw.osEdition, 'int');
  set('./Vendor/MSFT/DeviceStatus/OS/Mode', '0', 'int');
}
