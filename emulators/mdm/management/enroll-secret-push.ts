import type { Db } from '../../lab/store.js';
import type { MdmContext } from '../context.js';
import { goEscape } from '../../protocols/xml.js';
import { insertCommandForDevice, type WindowsEnrollment } from '../store/management.js';
import { ENROLL_SECRET_PLACEHOLDER, mintWindowsSecret, windowsOneTimeSecretsOn } from '../store/one-time-secrets.js';
import { enqueueInstallFleetdCommand, isValidUPN } from './fleetd.js';
import { fleetdMetadata } from './fleetd-base.js';
import { marshalPendingCommand } from './wire.js';

/**
 * The Fleetd enroll secret profile and its push to an enrollment whose host was deleted (Fleet server/service:
 * windowsEnrollSecretProfileSyncML, pushEnrollSecretToOrphanedEnrollment; https://github.com/fleetdm/fleet/tree/main/server/service).
 * Windows has no CSP for an arbitrary registry value, so Fleet ingests an ADMX declaring a policy on
 * HKLM\SOFTWARE\FleetDM\Orbit and sets it: the value EnrollSecret is what orbit reads before each enroll.
 */

/** The policy definition Fleet ingests (windowsEnrollSecretADMX): one Machine policy, a <text> element → REG_SZ. */
export const ENROLL_SECRET_ADMX = [
  '<policyDefinitions revision="1.0" schemaVersion="1.0">',
  '  <policyNamespaces>',
  '    <target namespace="FleetDM.Policies.Orbit" prefix="fleetd"/>',
  '    <using namespace="Microsoft.Policies.Windows" prefix="windows"/>',
  '  </policyNamespaces>',
  '  <resources minRequiredRevision="1.0"/>',
  '  <categories>',
  '    <category name="fleetd" displayName="Fleet"/>',
  '  </categories>',
  '  <policies>',
  '    <policy name="EnrollSecret" class="Machine" displayName="Fleetd enroll secret"',
  '            explainText="One-time enroll secret used by fleetd to enroll this host in Fleet."',
  '            key="SOFTWARE\\FleetDM\\Orbit">',
  '      <parentCategory ref="fleetd"/>',
  '      <supportedOn ref="windows:SUPPORTED_Windows7"/>',
  '      <elements>',
  '        <text id="EnrollSecret_Value" valueName="EnrollSecret" required="true"/>',
  '      </elements>',
  '    </policy>',
  '  </policies>',
  '</policyDefinitions>',
].join('\n');

/** windowsEnrollSecretADMXInstallURI: ADMXInstall/{AppName}/{SettingType}/{FileUID}. */
export const ENROLL_SECRET_ADMX_INSTALL_URI = './Device/Vendor/MSFT/Policy/ConfigOperations/ADMXInstall/FleetdEnrollSecret/Policy/FleetdEnrollSecretAdmx';
/** windowsEnrollSecretPolicyURI: Policy/Config/{AppName}~{SettingType}~{Category}/{Policy}. */
export const ENROLL_SECRET_POLICY_URI = './Device/Vendor/MSFT/Policy/Config/FleetdEnrollSecret~Policy~fleetd/EnrollSecret';

const META = ['    <Meta>', '      <Format xmlns="syncml:metinf">chr</Format>', '      <Type xmlns="syncml:metinf">text/plain</Type>', '    </Meta>'];

/**
 * windowsEnrollSecretProfileSyncML: an Add that ingests the ADMX (escaped into Data) and a Replace that sets the
 * policy to the host secret placeholder, expanded per enrollment at delivery (expandWindowsHostSecrets).
 */
export function enrollSecretProfileSyncML(): string {
  const value = goEscape(`<enabled/><data id="EnrollSecret_Value" value="${ENROLL_SECRET_PLACEHOLDER}"/>`);
  const item = (verb: string, uri: string, data: string) =>
    [`<${verb}>`, '  <Item>', ...META, '    <Target>', `      <LocURI>${uri}</LocURI>`, '    </Target>', `    <Data>${data}</Data>`, '  </Item>', `</${verb}>`].join('\n');
  return `${item('Add', ENROLL_SECRET_ADMX_INSTALL_URI, goEscape(ENROLL_SECRET_ADMX))}\n${item('Replace', ENROLL_SECRET_POLICY_URI, value)}`;
}

/**
 * buildCommandFromProfileBytes for the push: the profile in an <Atomic> whose CmdID is the command uuid, every nested
 * Add and Replace given a fresh uuid, stored as Go marshals SyncMLCmd (wire.ts). Fleet's CmdID also carries its
 * "IncludeFleetComment" marker, whose text is UNCONFIRMED and left out.
 */
function buildPushCommand(ctx: MdmContext, commandUuid: string): string {
  let atomic = `<Atomic><CmdID>${commandUuid}</CmdID>${enrollSecretProfileSyncML()}</Atomic>`;
  atomic = atomic.replace(/<(Add|Replace)>/g, (m) => `${m}<CmdID>${ctx.lab.ids.uuid()}</CmdID>`);
  const wire = marshalPendingCommand(atomic);
  if (!wire.ok) throw new Error(`the enroll secret push does not marshal: ${wire.error}`);
  return wire.xml;
}

/** The enrollment was linked to a host that no longer exists, and this Fleet mints Windows one-time secrets. */
export function isOrphanedEnrollment(db: Db, ctx: MdmContext, e: WindowsEnrollment): boolean {
  if (!windowsOneTimeSecretsOn(ctx) || e.host_uuid === '') return false;
  return db.prepare(`SELECT 1 FROM hosts WHERE uuid = ?`).get(e.host_uuid) === undefined;
}

/**
 * WindowsMDMEnrollSecretPushed: a push (a command on the policy URI) was already queued for the enrollment's live
 * secret, so a device whose fleetd is gone for good is not pushed one every session: once per secret.
 */
function alreadyPushed(db: Db, enrollmentId: number): boolean {
  return (
    db
      .prepare(
        `SELECT 1 FROM windows_mdm_command_queue q JOIN windows_mdm_commands c ON c.command_uuid = q.command_uuid
         WHERE q.enrollment_id = ? AND c.target_loc_uri = ?
           AND c.created_at >= (SELECT created_at FROM host_one_time_enroll_secrets WHERE mdm_windows_enrollment_id = ? AND consumed_at IS NULL ORDER BY id DESC LIMIT 1)`,
      )
      .get(enrollmentId, ENROLL_SECRET_POLICY_URI, enrollmentId) !== undefined
  );
}

/**
 * pushEnrollSecretToOrphanedEnrollment, at the new-session alert: DeleteHost took the host's one-time secrets, so the
 * agent holds one Fleet no longer knows; the enrollment survived, and its session is a channel only that device
 * holds. Fleet mints a secret for the enrollment and queues the enroll secret profile; for a UPN (user-driven or
 * Autopilot) enrollment the fleetd install goes with it, with the same secret (a no-op where fleetd is installed).
 * Returns whether it queued; when the install cannot be built, nothing is queued (Fleet: "queuing the push alone
 * would mark the secret pushed").
 */
export function pushEnrollSecretToOrphanedEnrollment(db: Db, ctx: MdmContext, e: WindowsEnrollment, euaToken: string, now: string): boolean {
  if (alreadyPushed(db, e.id)) return false;
  const withInstall = isValidUPN(e.enroll_user_id);
  if (withInstall && !fleetdMetadata(db, ctx)) return false;
  if (!mintWindowsSecret(db, ctx, e.id, now)) return false;
  const commandUuid = ctx.lab.ids.uuid();
  insertCommandForDevice(db, e.mdm_device_id, { command_uuid: commandUuid, raw_command: buildPushCommand(ctx, commandUuid), target_loc_uri: ENROLL_SECRET_POLICY_URI }, now);
  if (withInstall) enqueueInstallFleetdCommand(db, ctx, e.mdm_device_id, euaToken, now);
  return true;
}
