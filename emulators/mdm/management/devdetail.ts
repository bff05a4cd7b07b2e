import type { Db } from '../../lab/store.js';
import { dataText, type ParsedSyncMLMessage } from '../../protocols/syncml.js';
import { replaceHostEmails, setHostTeamIfNone, updateInstalledFromDep, windowsHostsBySerial } from '../store/hosts.js';
import { updateEnrollmentHostUuid, type WindowsEnrollment } from '../store/management.js';
import { conflictingEnrollmentHardwareId, storeEnrollmentHardwareSerial, windowsEnrollmentDefaultTeam } from '../store/enrollments.js';
import { refreshHostScimUser } from '../store/scim.js';
import { isValidUPN } from './fleetd.js';
import { claimDeferredMdmEnrolledActivity } from '../store/activity-mdm-enrolled.js';

export const DEVDETAIL_SMBIOS_SERIAL_URI = './DevDetail/Ext/Microsoft/SMBIOSSerialNumber';

/** fleet.IsPlaceholderHardwareSerial: whitebox BIOS defaults and VM templates that identify nothing (a sample). */
const PLACEHOLDER_SERIALS = new Set(['', '0', 'none', 'n/a', 'default string', 'to be filled by o.e.m.', 'system serial number', '123456789', '0123456789']);

export function isPlaceholderHardwareSerial(serial: string): boolean {
  return PLACEHOLDER_SERIALS.has(serial.trim().toLowerCase());
}

/** What the bookkeeping of a first link may do beyond host_uuid, per Fleet profile. */
export interface LinkOptions {
  /** PR #49922 (switches.ts default-windows-enrollment-team): a team-less host joins the default Windows enrollment team. */
  defaultTeam: boolean;
  /** #52614 (switches.ts reverse-link-by-serial): refuse a host already claimed by other hardware (MDMWindowsConflictingEnrollmentHardwareID). */
  conflictGuard?: boolean;
}

/** The options of the profile's Fleet. */
export function linkOptions(fleet: (id: 'default-windows-enrollment-team' | 'reverse-link-by-serial') => boolean): LinkOptions {
  return { defaultTeam: fleet('default-windows-enrollment-team'), conflictGuard: fleet('reverse-link-by-serial') };
}

/**
 * LinkWindowsHostMDMEnrollment (fleet.md §6, osquery_utils since PR #46268): set the enrollment's host_uuid; on the
 * first link of a UPN enrollment, installed_from_dep = false when not in OOBE, host_emails ← the UPN (source
 * mdm_idp_accounts), SCIM mapping refreshed; since #49922 the host joins the default Windows enrollment team when it
 * has none (applying it only to team-less hosts is UNCONFIRMED).
 */
export function linkWindowsHostMDMEnrollment(db: Db, e: WindowsEnrollment, host: { id: number; uuid: string }, nowIso: string, opts: LinkOptions = { defaultTeam: false }): boolean {
  const updated = updateEnrollmentHostUuid(db, host.uuid, e.mdm_device_id, nowIso);
  if (updated && isValidUPN(e.enroll_user_id)) {
    if (e.not_in_oobe) updateInstalledFromDep(db, host.id, false, nowIso);
    replaceHostEmails(db, host.id, [e.enroll_user_id], 'mdm_idp_accounts', nowIso);
    refreshHostScimUser(db, host.id, e.enroll_user_id, nowIso);
  }
  if (updated && opts.defaultTeam) {
    const team = windowsEnrollmentDefaultTeam(db);
    if (team) setHostTeamIfNone(db, host.id, team.id, nowIso);
  }
  if (updated) claimDeferredMdmEnrolledActivity(db, e, host, nowIso); // PR #52235: the deferred mdm_enrolled activity
  return updated;
}

/** The device's answer to the SMBIOS serial Get in this message, trimmed ('' when the item is there but empty). */
export function devDetailSerialResult(msg: ParsedSyncMLMessage): string | undefined {
  for (const c of msg.commands) {
    if (c.verb !== 'Results') continue;
    for (const i of c.items) if (i.source === DEVDETAIL_SMBIOS_SERIAL_URI) return (dataText(i.data) ?? '').trim();
  }
  return undefined;
}

/**
 * The DevDetail serial of an unlinked enrollment (fleet.md corrections §2): a Results item for the SMBIOS serial Get
 * that is no placeholder is stored on the enrollment (hardware_serial, #52614: orbit enroll links by it later), and
 * tryLinkUnlinkedEnrollmentFromDevDetail links it when exactly one Windows host has that serial. Returns the host
 * UUID when linked. Storing only non-placeholder serials is UNCONFIRMED.
 */
export function linkEnrollmentBySerial(db: Db, e: WindowsEnrollment, msg: ParsedSyncMLMessage, nowIso: string, opts: LinkOptions = { defaultTeam: false }): string | undefined {
  const serial = devDetailSerialResult(msg);
  if (serial === undefined || isPlaceholderHardwareSerial(serial)) return undefined;
  storeEnrollmentHardwareSerial(db, e.id, serial, nowIso);
  const hosts = windowsHostsBySerial(db, serial);
  if (hosts.length !== 1) return undefined;
  if (opts.conflictGuard && conflictingEnrollmentHardwareId(db, hosts[0]!.uuid, e.mdm_hardware_id).conflicted) return undefined;
  linkWindowsHostMDMEnrollment(db, e, hosts[0]!, nowIso, opts);
  return hosts[0]!.uuid;
}
