/** Server commands on a node (MS-MDM). */
export type CspCommand = 'Get' | 'Add' | 'Replace' | 'Delete' | 'Exec';

/**
 * Which server commands each CSP node allows, as the Windows CSP reference documents them (DevInfo/DevDetail are
 * read-only, DMClient provider nodes are writable, EnterpriseDesktopAppManagement DownloadInstall takes Add and
 * Exec, its Status is Get only). The first matching rule wins; a path no rule knows is not in the tree (404).
 */
const RULES: { pattern: RegExp; allow: CspCommand[] }[] = [
  { pattern: /^\.\/DevInfo(\/|$)/, allow: ['Get'] },
  { pattern: /^\.\/DevDetail(\/|$)/, allow: ['Get'] },
  { pattern: /^\.\/Device\/Vendor\/MSFT\/DMClient\/HWDevID$/, allow: ['Get'] },
  { pattern: /^\.\/Device\/Vendor\/MSFT\/DMClient\/Provider\/[^/]+\/(EntDMID|UPN|AADResourceID)$/, allow: ['Get'] },
  { pattern: /^\.\/(Device|User)\/Vendor\/MSFT\/DMClient\/Provider\/[^/]+(\/.*)?$/, allow: ['Get', 'Add', 'Replace', 'Delete'] },
  // EnterpriseDesktopAppManagement CSP (entra-mde2.md §9).
  { pattern: /^\.\/(Device|User)\/Vendor\/MSFT\/EnterpriseDesktopAppManagement\/MSI\/[^/]+\/DownloadInstall$/, allow: ['Get', 'Add', 'Replace', 'Exec'] },
  { pattern: /^\.\/(Device|User)\/Vendor\/MSFT\/EnterpriseDesktopAppManagement\/MSI\/[^/]+\/(Status|LastError|LastErrorDesc|Version|Name|Publisher|InstallPath|InstallDate)$/, allow: ['Get'] },
  { pattern: /^\.\/(Device|User)\/Vendor\/MSFT\/EnterpriseDesktopAppManagement\/MSI\/[^/]+$/, allow: ['Get', 'Delete'] },
  { pattern: /^\.\/(Device|User)\/Vendor\/MSFT\/EnterpriseDesktopAppManagement(\/MSI)?$/, allow: ['Get'] },
  // The DM account written by the w7 APPLICATION characteristic; Fleet rekeys it (fleet.md §2.10).
  { pattern: /^\.\/SyncML\/DMAcc\/[^/]+\/AppAuth\/[^/]+\/AAuth(Name|Secret)$/, allow: ['Get', 'Replace'] },
  { pattern: /^\.\/SyncML\/DMAcc(\/.*)?$/, allow: ['Get'] },
  // ADMX ingestion (Policy CSP ConfigOperations/ADMXInstall/{AppName}/{Policy|Preference}/{FileUid}; csp/admx.ts).
  { pattern: /^\.\/Device\/Vendor\/MSFT\/Policy\/ConfigOperations\/ADMXInstall\/[^/]+\/(Policy|Preference)\/[^/]+$/, allow: ['Get', 'Add', 'Delete'] },
  { pattern: /^\.\/Device\/Vendor\/MSFT\/Policy\/ConfigOperations(\/.*)?$/, allow: ['Get'] },
  // Policy and ESP CSPs a Fleet profile or the Autopilot ESP writes.
  { pattern: /^\.\/(Device|User)\/Vendor\/MSFT\/Policy\/Config\/.+$/, allow: ['Get', 'Add', 'Replace', 'Delete'] },
  { pattern: /^\.\/(Device|User)\/Vendor\/MSFT\/EnrollmentStatusTracking\/.+$/, allow: ['Get', 'Add', 'Replace', 'Delete'] },
  { pattern: /^\.\/Device\/Vendor\/MSFT\/(NodeCache|WindowsLicensing|DeviceStatus|DeviceManageability)(\/.*)?$/, allow: ['Get'] },
];

export function allowedCommands(path: string): CspCommand[] | null {
  for (const r of RULES) if (r.pattern.test(path)) return r.allow;
  return null;
}
