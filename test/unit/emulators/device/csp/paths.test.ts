import { describe, expect, it } from 'vitest';
import { normalizePath } from '../../../../../emulators/device/csp/paths.js';

const MSI = './Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7BA427C0AA-E2D5-40DF-ACE8-0D726A6BE096%7D';

describe('CSP paths (MS-MDM LocURIs)', () => {
  it('normalises escaped and ./Vendor LocURIs to one path', () => {
    expect(normalizePath(`${MSI}/DownloadInstall`)).toBe('./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/{A427C0AA-E2D5-40DF-ACE8-0D726A6BE096}/DownloadInstall');
    expect(normalizePath('./Vendor/MSFT/DMClient/Provider/MS%20DM%20Server/')).toBe('./Device/Vendor/MSFT/DMClient/Provider/MS DM Server');
  });
});
