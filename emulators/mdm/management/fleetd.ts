import type { Db } from '../../lab/store.js';
import type { MdmContext } from '../context.js';
import { globalEnrollSecrets, hostByUuid, hostSeenTime, orbitVersion } from '../store/hosts.js';
import { insertCommandForDevice, type WindowsEnrollment } from '../store/management.js';
import { fleetdMetadata } from './fleetd-base.js';
import { ENROLL_SECRET_PLACEHOLDER, mintWindowsSecret, windowsOneTimeSecretsOn } from '../store/one-time-secrets.js';

/** syncml.FleetdWindowsInstallerGUID: the fixed product code that stops the MSI being installed twice. */
export const FLEETD_INSTALLER_LOC_URI =
  './Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7BA427C0AA-E2D5-40DF-ACE8-0D726A6BE096%7D/DownloadInstall';

/**
 * fleet.FleetInternalCmdIDPrefix: the value is UNCONFIRMED (fleet.md §10). Fleet's test says "foo-internal-bar" is
 * not internal, so the prefix is most likely "fleet-internal-"; kept here, in one place.
 */
export const FLEET_INTERNAL_CMD_ID_PREFIX = 'fleet-internal-';

/** fleetdPresenceGracePeriod (microsoft_mdm.go): a check-in this long before the enrollment still counts. */
const FLEETD_PRESENCE_GRACE_MS = 90_000;

/** microsoft_mdm.IsValidUPN: how Fleet tells a UPN (automatic) enrollment from an orbit node key (programmatic). */
export function isValidUPN(s: string): boolean {
  return /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$/.test(s);
}

/**
 * isFleetdPresentOnDevice (fleet.md §3): programmatic enrollments always have fleetd; a UPN enrollment has it only
 * once it is linked to a host whose orbit reported a version and was seen since the enrollment (minus 90 s).
 */
export function isFleetdPresentOnDevice(db: Db, e: WindowsEnrollment): boolean {
  if (!isValidUPN(e.enroll_user_id)) return true;
  if (e.host_uuid === '') return false;
  const host = hostByUuid(db, e.host_uuid);
  if (!host) return false;
  const version = orbitVersion(db, host.id);
  const seen = hostSeenTime(db, host.id);
  if (version === undefined || version === '' || seen === undefined) return false;
  return Date.parse(seen) >= Date.parse(e.created_at) - FLEETD_PRESENCE_GRACE_MS;
}

/**
 * The one queued command of enqueueInstallFleetdCommand (fleet.md §3 step 5), byte for byte as Fleet writes it
 * (server/service/microsoft_mdm.go rawAddCmd + rawExecCmd, concatenated): an `<Add>` with the internal CmdID, then
 * the `<Exec>` whose Item holds Target, Data, Meta in that order (Fleet's, not the DTD's), with Fleet's newlines and
 * tab indents. The MsiInstallJob and its values (URL, hash, fleet URL, secret, token) are embedded raw, not escaped.
 */
export function buildInstallFleetdCommand(o: { execCmdId: string; msiUrl: string; msiSha256: string; fleetUrl: string; enrollSecret: string; euaToken: string }): string {
  return buildFleetdAdd(`${FLEET_INTERNAL_CMD_ID_PREFIX}fleetd-install-add`) + buildFleetdExec(o);
}

/** rawAddCmd: the `<Add>` of the installer node, no data, no trailing newline (server/service/microsoft_mdm.go). */
export function buildFleetdAdd(cmdId: string): string {
  return ['', '<Add>', `\t<CmdID>${cmdId}</CmdID>`, '\t<Item>', '\t\t<Target>', `\t\t\t<LocURI>${FLEETD_INSTALLER_LOC_URI}</LocURI>`, '\t\t</Target>', '\t</Item>', '</Add>'].join('\n');
}

/** rawExecCmd: the `<Exec>` with the MsiInstallJob, ending in a newline (server/service/microsoft_mdm.go). */
export function buildFleetdExec(o: { execCmdId: string; msiUrl: string; msiSha256: string; fleetUrl: string; enrollSecret: string; euaToken: string }): string {
  const eua = o.euaToken === '' ? '' : ` EUA_TOKEN="${o.euaToken}"`;
  const exec = [
    '',
    '<Exec>',
    `\t<CmdID>${o.execCmdId}</CmdID>`,
    '\t<Item>',
    '\t\t<Target>',
    `\t\t\t<LocURI>${FLEETD_INSTALLER_LOC_URI}</LocURI>`,
    '\t\t</Target>',
    '\t\t<Data>',
    '\t\t\t<MsiInstallJob id="{A427C0AA-E2D5-40DF-ACE8-0D726A6BE096}">',
    '\t\t\t<Product Version="1.0.0.0">',
    '\t\t\t\t<Download>',
    '\t\t\t\t\t<ContentURLList>',
    `\t\t\t\t\t\t<ContentURL>${o.msiUrl}</ContentURL>`,
    '\t\t\t\t\t</ContentURLList>',
    '\t\t\t\t</Download>',
    '\t\t\t\t<Validation>',
    `\t\t\t\t\t<FileHash>${o.msiSha256}</FileHash>`,
    '\t\t\t\t</Validation>',
    '\t\t\t\t<Enforcement>',
    `\t\t\t\t\t<CommandLine>/quiet FLEET_URL="${o.fleetUrl}" FLEET_SECRET="${o.enrollSecret}" ENABLE_SCRIPTS="True"${eua}</CommandLine>`,
    '\t\t\t\t\t<TimeOut>10</TimeOut>',
    '\t\t\t\t\t<RetryCount>1</RetryCount>',
    '\t\t\t\t\t<RetryInterval>5</RetryInterval>',
    '\t\t\t\t</Enforcement>',
    '\t\t\t</Product>',
    '\t\t\t</MsiInstallJob>',
    '\t\t</Data>',
    '\t\t<Meta>',
    '\t\t\t<Type xmlns="syncml:metinf">text/plain</Type>',
    '\t\t\t<Format xmlns="syncml:metinf">xml</Format>',
    '\t\t</Meta>',
    '\t</Item>',
    '</Exec>',
    '',
  ];
  return exec.join('\n');
}

/**
 * enqueueInstallFleetdCommand(deviceID) inside the session's transaction. `euaToken` was minted before the
 * transaction (generateWindowsEUAToken; "" when none could be). Returns the Exec CmdID, or undefined when Fleet would
 * skip (no global enroll secret, no MSI metadata).
 */
export function enqueueInstallFleetdCommand(db: Db, ctx: MdmContext, deviceId: string, euaToken: string, now: string): string | undefined {
  const oneTime = windowsOneTimeSecretsOn(ctx);
  const secrets = globalEnrollSecrets(db);
  // With one-time secrets the install no longer reads the global secret (UNCONFIRMED: whether Fleet still skips
  // when there is none; the lab does not, as the secret it sends is the minted one).
  if (secrets.length === 0 && !oneTime) return undefined;
  const meta = fleetdMetadata(db, ctx);
  if (!meta) return undefined;
  let enrollSecret = secrets[0]?.secret ?? '';
  if (oneTime) {
    // MintWindowsMDMOneTimeEnrollSecret before the command that resolves it is queued; the stored command holds the
    // placeholder, expanded per enrollment at delivery (expandWindowsHostSecrets).
    const enrollmentId = db.prepare(`SELECT id FROM mdm_windows_enrollments WHERE host_uuid = ? OR mdm_device_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`).pluck().get(deviceId, deviceId) as number | undefined;
    if (enrollmentId === undefined || !mintWindowsSecret(db, ctx, enrollmentId, now)) return undefined;
    enrollSecret = ENROLL_SECRET_PLACEHOLDER;
  }
  const execCmdId = ctx.lab.ids.uuid();
  const execArgs = {
    execCmdId,
    msiUrl: meta.fleetd_base_msi_url,
    msiSha256: meta.fleetd_base_msi_sha256,
    fleetUrl: ctx.settings().serverUrl,
    enrollSecret,
    euaToken,
  };
  if (!ctx.fleet('fleetd-install-one-command')) {
    // PR #43295: the Add (under a random uuid) and the Exec were two queued commands, inserted one after the other.
    // Queued in the same instant, MDMWindowsGetPendingCommands may hand them out in either order (why Fleet later
    // combined them: "they can be reordered when they are applied in the same second").
    const addCmdId = ctx.lab.ids.uuid();
    insertCommandForDevice(db, deviceId, { command_uuid: addCmdId, raw_command: buildFleetdAdd(addCmdId), target_loc_uri: FLEETD_INSTALLER_LOC_URI }, now);
    insertCommandForDevice(db, deviceId, { command_uuid: execCmdId, raw_command: buildFleetdExec(execArgs), target_loc_uri: FLEETD_INSTALLER_LOC_URI }, now);
    return execCmdId;
  }
  insertCommandForDevice(db, deviceId, { command_uuid: execCmdId, raw_command: buildInstallFleetdCommand(execArgs), target_loc_uri: FLEETD_INSTALLER_LOC_URI }, now);
  return execCmdId;
}
