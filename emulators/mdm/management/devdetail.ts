import type { Db } from '../../lab/store.js';
import { dataText, type ParsedSyncMLMessage } from '../../protocols/syncml.js';
import { replaceHostEmails, updateInstalledFromDep, windowsHostsBySerial } from '../store/hosts.js';
import { updateEnrollmentHostUuid, type WindowsEnrollment } from '../store/management.js';
import { refreshHostScimUser } from '../store/scim.js';
import { isValidUPN } from './fleetd.js';
import { claimDeferredMdmEnrolledActivity } from '../store/activity-mdm-enrolled.js';

export const DEVDETAIL_SMBIOS_SERIAL_URI = './DevDetail/Ext/Microsoft/SMBIOSSerialNumber';

/** fleet.IsPlaceholderHardwareSerial: whitebox BIOS defaults and VM templates that identify nothing (a sample). */
const PLACEHOLDER_SERIALS = new Set(['', '0', 'none', 'n/a', 'default string', 'to be filled by o.e.m.', 'system serial number', '123456789', '0123456789']);

/**
 * LinkWindowsHostMDMEnrollment (fleet.md §6): set the enrollment's host_uuid; on the first link of a UPN enrollment,
 * installed_from_dep = false when not in OOBE, host_emails ← the UPN (source mdm_idp_accounts), SCIM mapping refreshed.
 */
export function linkWindowsHostMDMEnrollment(db: Db, e: WindowsEnrollment, host: { id: number; uuid: string }, nowIso: string): boolean {
  const updated = updateEnrollmentHostUuid(db, host.uuid, e.mdm_device_id, nowIso);
  if (updated && isValidUPN(e.enroll_user_id)) {
    if (e.not_in_oobe) updateInstalledFromDep(db, host.id, false, nowIso);
    replaceHostEmails(db, host.id, [e.enroll_user_id], 'mdm_idp_accounts', nowIso);
    refreshHostScimUser(db, host.id, e.enroll_user_id, nowIso);
  }
  if (updated) claimDeferredMdmEnrolledActivity(db, e, host, nowIso); // PR #52235: the deferred mdm_enrolled activity
  return updated;
}

/**
 * tryLinkUnlinkedEnrollmentFromDevDetail (fleet.md §6): a Results item for the SMBIOS serial Get, not a placeholder,
 * naming exactly one Windows host, links the enrollment. Returns the host UUID when linked.
 */
export function linkEnrollmentBySerial(db: Db, e: WindowsEnrollment, msg: ParsedSyncMLMessage, nowIso: string): string | undefined {
  let serial: string | undefined;
  for (const c of msg.commands) {
    if (c.verb !== 'Results') continue;
    for (const i of c.items) {
      if (i.source !== DEVDETAIL_SMBIOS_SERIAL_URI) continue;
      const candidate = (dataText(i.data) ?? '').trim();
      if (PLACEHOLDER_SERIALS.has(candidate.toLowerCase())) continue;
      serial = candidate;
      break;
    }
    if (serial) break;
  }
  if (!serial) return undefined;
  const hosts = windowsHostsBySerial(db, serial);
  if (hosts.length !== 1) return undefined;
  linkWindowsHostMDMEnrollment(db, e, hosts[0]!, nowIso);
  return hosts[0]!.uuid;
}
