/**
 * The behaviours by which Fleet versions differ on the Windows EUA / linking path, one switch per Fleet change.
 * A profile (profiles.ts) is the set of switches one Fleet version has on. Every switch names its public source.
 */
export interface FleetSwitch {
  id: string;
  /** One line, what the switch turns on. */
  title: string;
  /** The Fleet PR, issue or migration it comes from (public URL). */
  source: string;
  /** What differs, in a sentence or two, for `list --fleet` and the UI. */
  detail: string;
}

export const FLEET_SWITCHES = [
  {
    id: 'fleetd-install-one-command',
    title: 'The fleetd install is one queued command (Add + Exec in one row)',
    source: 'https://github.com/fleetdm/fleet/pull/43295',
    detail: 'The first EUA release queued the Add and the Exec as two commands (the Add under a random uuid); later Fleet stores one combined Add+Exec row.',
  },
  {
    id: 'eua-link-after-enroll',
    title: 'The EUA link is written after ds.EnrollOrbit, with host_emails',
    source: 'https://github.com/fleetdm/fleet/issues/45066',
    detail: 'Before the fix processWindowsEUAToken linked host_mdm_idp_accounts before the host row existed and wrote no host_emails (List hosts: device_mapping null); after it, AssociateHostMDMIdPAccount links once the host exists and reconciles host_emails.',
  },
  {
    id: 'windows-link-bookkeeping',
    title: 'The token path runs LinkWindowsHostMDMEnrollment',
    source: 'https://github.com/fleetdm/fleet/pull/49922',
    detail: 'host_emails via ReplaceHostDeviceMapping, installed_from_dep=false when not_in_oobe, the SCIM refresh: the same bookkeeping as the DevDetail link.',
  },
  {
    id: 'default-windows-enrollment-team',
    title: 'Hosts enrolled through Windows MDM join the default Windows enrollment fleet',
    source: 'https://github.com/fleetdm/fleet/pull/49922',
    detail: 'mdm_windows_enrollment_config.default_team_id names the team a linked Windows host is assigned to.',
  },
  {
    id: 'reverse-link-by-serial',
    title: 'Orbit enroll links an unlinked enrollment by its persisted DevDetail serial',
    source: 'https://github.com/fleetdm/fleet/pull/52614',
    detail: 'mdm_windows_enrollments.hardware_serial (from the DevDetail SMBIOSSerialNumber Get) links the enrollment at orbit enroll even with no EUA token, unless MDMWindowsConflictingEnrollmentHardwareID finds another enrollment on the same hardware.',
  },
  {
    id: 'hwdevid-unique-per-host',
    title: 'UNIQUE (mdm_hardware_id, host_uuid) instead of UNIQUE (mdm_hardware_id)',
    source: 'https://github.com/fleetdm/fleet/tree/main/server/datastore/mysql/migrations/tables',
    detail: 'The 2026-08-31 migration: machines cloned from one image share an HWDevID, and each keeps its own enrollment.',
  },
  {
    id: 'one-time-enroll-secrets',
    title: 'One-time enroll secrets for Windows MDM installs (behind auth.mdm_windows_one_time_enroll_secrets)',
    source: 'https://github.com/fleetdm/fleet/tree/main/server/datastore/mysql/migrations/tables',
    detail: 'host_one_time_enroll_secrets.mdm_windows_enrollment_id: the install command carries a secret good for one orbit enroll, so a re-enroll after host deletion needs a freshly pushed one.',
  },
  {
    id: 'sso-bind-activities',
    title: 'IdP bindings are recorded (bound_host_to_idp_account) and a late SSO sign-in cannot take over a settled binding',
    source: 'https://github.com/fleetdm/fleet/tree/main/server/service',
    detail: 'bindHostToIdPAccountFromSSO (TestBindHostToIdPAccountFromSSO): AssociateHostMDMIdPAccountFromSSO replaces a binding only while Fleet still waits on the device (pending prompt) and records bound_host_to_idp_account, or refused_host_idp_account_change when it keeps the old one.',
  },
  {
    id: 'deferred-mdm-enrolled-activity',
    title: 'The Windows mdm_enrolled activity waits for the host, and names it',
    source: 'https://github.com/fleetdm/fleet/pull/52235',
    detail: 'Before, the enroll request recorded mdm_enrolled at once with the DeviceName and an empty serial (an Entra enrollment has no host yet); since #50487/#52235 it carries host_id, host_serial and installed_from_dep, and when no host is known it is deferred and claimed (mdm_windows_enrollments.mdm_enrolled_activity_at) when the enrollment is linked to a host.',
  },
  {
    id: 'windows-esp',
    title: 'Autopilot enrollments are held at the Enrollment Status Page until setup experience is done (3 h timeout)',
    source: 'https://github.com/fleetdm/fleet/blob/main/server/service/microsoft_mdm.go',
    detail: 'getESPCommands: awaiting_configuration Pending sends the DMClient FirstSyncStatus hold, Active (orbit linked) waits for profiles and setup-experience software, then ServerHasFinishedProvisioning, or after 3 h the block (CustomErrorText, BlockInStatusPage, TimeOutUntilSyncFailure=1). Which release first shipped it is UNCONFIRMED (migration 20260409153716 added the columns); given to current only.',
  },
] as const satisfies readonly FleetSwitch[];

export type FleetSwitchId = (typeof FLEET_SWITCHES)[number]['id'];

export function findFleetSwitch(id: string): FleetSwitch | undefined {
  return FLEET_SWITCHES.find((s) => s.id === id);
}
