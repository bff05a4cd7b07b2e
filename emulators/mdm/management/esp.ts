/**
 * The Autopilot Enrollment Status Page as Fleet drives it (getESPCommands, handleESPHoldOrTransition,
 * handleESPRelease, buildESPBlockCommands, buildESPReleaseCommands in server/service/microsoft_mdm.go; the texts and
 * the 3 h in server/mdm/microsoft/esp.go). An OOBE automatic enrollment is stored awaiting_configuration = Pending
 * (enrollment/enroll.ts); every trusted management reply then carries, after the queued commands:
 * - Pending, host not linked yet: the hold (user-scope Provider Adds, FirstSyncStatus Skip*=false,
 *   BlockInStatusPage=1, AllowCollectLogsButton, CustomErrorText = the timeout text, TimeOutUntilSyncFailure=180,
 *   DevicePreparation InstallationState=1), resent each session;
 * - Pending, orbit linked the host: CAS to Active and DevicePreparation InstallationState=3;
 * - Active: wait until every setup-experience item is terminal, then release (InstallationState=3,
 *   ServerHasFinishedProvisioning at device and user scope), or after 3 h (or a failure) the block commands; the
 *   final commands are also queued (persistESPFinalCommands) and the CAS to None commits the finalize.
 * All of it runs inside the session's one transaction, on the lab clock.
 */
import type { Db } from '../../lab/store.js';
import type { MdmContext } from '../context.js';
import { goEscape } from '../../protocols/xml.js';
import { currentStep } from '../../lab/context.js';
import { insertCommandForDevice, type WindowsEnrollment } from '../store/management.js';
import { hostByUuid } from '../store/hosts.js';
import { insertActivity } from '../store/activities.js';
import {
  cancelPendingSetupExperienceSteps,
  hasWindowsSetupExperienceItemsForTeam,
  hostUuidForSetupExperience,
  listSetupExperienceResults,
} from '../store/setup-experience.js';

/** fleet.WindowsMDMAwaitingConfiguration: 0 none, 1 pending, 2 active (migration 20260409153716). */
export const AWAITING = { none: 0, pending: 1, active: 2 } as const;

/** microsoft_mdm.ESPTimeoutSeconds: 3 hours. */
export const ESP_TIMEOUT_MS = 3 * 60 * 60 * 1000;

/** microsoft_mdm.ESPTimeoutErrorText. */
export const ESP_TIMEOUT_ERROR_TEXT = 'Setup is taking longer than expected. Please try again. If this keeps happening, please contact your IT admin.';
/** microsoft_mdm.ESPSoftwareFailureErrorText (the require_all_software_windows hard block). */
export const ESP_SOFTWARE_FAILURE_ERROR_TEXT = 'Critical software failed to install. Reset your device to try again. If failures keep happening, please contact your IT admin.';
const ESP_CONTINUABLE_SUFFIX = 'Reset your device to try again, or proceed and install missing software via self-service. If unavailable, contact your IT admin.';

/** BlockInStatusPage bit flags (DMClient CSP): 1 Reset PC, 2 Try again, 4 Continue anyway. Fleet's hard and soft block. */
export const ESP_BLOCK_BUTTONS = { reset: '1', resetAndContinue: '5' } as const;

/** syncml.DocProvisioningAppProviderID: the DMClient provider the provisioning doc names. */
const PROVIDER = 'Fleet';
const DEVICE_FSS = `./Device/Vendor/MSFT/DMClient/Provider/${PROVIDER}/FirstSyncStatus`;
const USER_PROVIDER = `./User/Vendor/MSFT/DMClient/Provider/${PROVIDER}`;
const POLICY_PROVIDER = `./Device/Vendor/MSFT/EnrollmentStatusTracking/DevicePreparation/PolicyProviders/${PROVIDER}`;

/** joinFailedNames + ESPSoftwareFailureContinuableErrorText: "A", "A and B", "A, B, and C", at most 3 then "N more". */
export function continuableErrorText(failedNames: string[]): string {
  let items = failedNames.filter((n) => n !== '');
  if (items.length === 0) return `Some software failed to install. ${ESP_CONTINUABLE_SUFFIX}`;
  if (items.length > 3) items = [...items.slice(0, 3), `${items.length - 3} more`];
  const list = items.length === 1 ? items[0]! : items.length === 2 ? `${items[0]} and ${items[1]}` : `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1]}`;
  return `${list} failed to install. ${ESP_CONTINUABLE_SUFFIX}`;
}

type Format = 'node' | 'bool' | 'int' | 'chr';

interface EspCmd {
  verb: 'Add' | 'Replace';
  cmdId: string;
  target: string;
  format: Format;
  data?: string;
}

/**
 * Go's xml.Marshal of the SyncMLCmd newSyncMLCmdNode/Bool/Int/Text build (server/fleet/windows_mdm.go struct order:
 * CmdID, Item{Target, Meta{Type, Format}, Data}); Type text/plain except for a node, whose Meta has only the Format
 * and no Data (newSyncMLCmdNode is newer than the copies read: its exact fields are UNCONFIRMED).
 */
export function espWire(c: EspCmd): string {
  const meta =
    c.format === 'node'
      ? `<Meta><Format xmlns="syncml:metinf">node</Format></Meta>`
      : `<Meta><Type xmlns="syncml:metinf">text/plain</Type><Format xmlns="syncml:metinf">${c.format}</Format></Meta>`;
  const data = c.data === undefined ? '' : `<Data>${goEscape(c.data)}</Data>`;
  return `<${c.verb}><CmdID>${goEscape(c.cmdId)}</CmdID><Item><Target><LocURI>${goEscape(c.target)}</LocURI></Target>${meta}${data}</Item></${c.verb}>`;
}

function cmd(ctx: MdmContext, verb: EspCmd['verb'], target: string, format: Format, data?: string): EspCmd {
  return { verb, cmdId: ctx.lab.ids.uuid(), target, format, ...(data !== undefined && { data }) };
}

/** handleESPHoldOrTransition's hold commands, in Fleet's order (idempotent; the Adds get 418 after the first session). */
export function holdCommands(ctx: MdmContext): EspCmd[] {
  return [
    cmd(ctx, 'Add', USER_PROVIDER, 'node'),
    cmd(ctx, 'Add', `${USER_PROVIDER}/FirstSyncStatus`, 'node'),
    cmd(ctx, 'Replace', `${DEVICE_FSS}/SkipDeviceStatusPage`, 'bool', 'false'),
    cmd(ctx, 'Replace', `${DEVICE_FSS}/SkipUserStatusPage`, 'bool', 'false'),
    cmd(ctx, 'Replace', `${DEVICE_FSS}/BlockInStatusPage`, 'int', ESP_BLOCK_BUTTONS.reset),
    cmd(ctx, 'Replace', `${DEVICE_FSS}/AllowCollectLogsButton`, 'bool', 'true'),
    cmd(ctx, 'Replace', `${DEVICE_FSS}/CustomErrorText`, 'chr', ESP_TIMEOUT_ERROR_TEXT),
    // TimeOutUntilSyncFailure is in minutes (DMClient CSP range 60-1440): ESPTimeoutSeconds/60.
    cmd(ctx, 'Replace', `${DEVICE_FSS}/TimeOutUntilSyncFailure`, 'int', String(ESP_TIMEOUT_MS / 60_000)),
    cmd(ctx, 'Add', POLICY_PROVIDER, 'node'),
    cmd(ctx, 'Replace', `${POLICY_PROVIDER}/InstallationState`, 'int', '1'),
  ];
}

/** buildESPBlockCommands: the failure screen with `errorText`, the buttons, Collect logs, and a 1-minute timeout to trigger it. */
export function blockCommands(ctx: MdmContext, errorText: string, buttons: string): EspCmd[] {
  return [
    cmd(ctx, 'Replace', `${DEVICE_FSS}/CustomErrorText`, 'chr', errorText),
    cmd(ctx, 'Replace', `${DEVICE_FSS}/BlockInStatusPage`, 'int', buttons),
    cmd(ctx, 'Replace', `${DEVICE_FSS}/AllowCollectLogsButton`, 'bool', 'true'),
    // Not ServerHasFinishedProvisioning: that would tell the ESP it succeeded (Fleet's comment; #43776).
    cmd(ctx, 'Replace', `${DEVICE_FSS}/TimeOutUntilSyncFailure`, 'int', '1'),
  ];
}

/** buildESPReleaseCommands: DevicePreparation complete, ServerHasFinishedProvisioning at device and user scope. */
export function releaseCommands(ctx: MdmContext): EspCmd[] {
  return [
    cmd(ctx, 'Replace', `${POLICY_PROVIDER}/InstallationState`, 'int', '3'),
    cmd(ctx, 'Replace', `${DEVICE_FSS}/ServerHasFinishedProvisioning`, 'bool', 'true'),
    cmd(ctx, 'Replace', `./User/Vendor/MSFT/DMClient/Provider/${PROVIDER}/FirstSyncStatus/ServerHasFinishedProvisioning`, 'bool', 'true'),
  ];
}

/** SetMDMWindowsAwaitingConfiguration: a compare-and-swap, true when the row moved. */
export function setAwaitingConfiguration(db: Db, deviceId: string, from: number, to: number, nowIso: string): boolean {
  return db.prepare(`UPDATE mdm_windows_enrollments SET awaiting_configuration = ?, updated_at = ? WHERE mdm_device_id = ? AND awaiting_configuration = ?`).run(to, nowIso, deviceId, from).changes > 0;
}

/**
 * require_all_software_windows ("Cancel setup if software fails", team or app config mdm.macos_setup): the lab has
 * no such setting, so Fleet's default (false): a failure or a timeout gives the soft block with "Continue anyway".
 */
const REQUIRE_ALL_SOFTWARE_WINDOWS = false;

/** What the ESP decided in this reply, for the step's detail. */
export interface EspDecision {
  phase: 'hold' | 'active' | 'wait' | 'release' | 'block' | 'none';
  reason?: string;
  commands: string[];
}

/**
 * getESPCommands for one trusted reply (only while awaiting_configuration is not None). `e` is the enrollment as the
 * request loaded it (Fleet's enrolledDevice): a link made later in the same message shows only in the next one.
 */
export function espCommands(db: Db, ctx: MdmContext, e: WindowsEnrollment, nowMs: number, newSession: boolean): EspDecision {
  const nowIso = new Date(nowMs).toISOString();
  if (e.awaiting_configuration === AWAITING.pending) {
    // Fleet appends the hold to every reply (getManagementResponse), and its comment says "sent on every management
    // session"; a device answering each reply would never end its session, so the lab sends it on the session's
    // first message (Alert 1201/1200). UNCONFIRMED: what a real Windows client does with the repeats.
    if (e.host_uuid === '') return newSession ? { phase: 'hold', commands: holdCommands(ctx).map(espWire) } : { phase: 'hold', reason: 'sent on the first message of the session', commands: [] };
    if (!setAwaitingConfiguration(db, e.mdm_device_id, AWAITING.pending, AWAITING.active, nowIso)) return { phase: 'none', commands: [] };
    return { phase: 'active', reason: 'orbit linked the host: DevicePreparation complete', commands: [espWire(cmd(ctx, 'Replace', `${POLICY_PROVIDER}/InstallationState`, 'int', '3'))] };
  }
  if (e.awaiting_configuration !== AWAITING.active || e.host_uuid === '') return { phase: 'none', commands: [] };

  // time.Since(AwaitingConfigurationAt) > ESPTimeoutSeconds: strictly more than 3 h of lab time since the enrollment.
  const timedOut = e.awaiting_configuration_at !== null && nowMs - Date.parse(e.awaiting_configuration_at) > ESP_TIMEOUT_MS;
  const host = hostByUuid(db, e.host_uuid);
  if (!host) return { phase: 'wait', reason: 'the host is not there yet', commands: [] };
  const seHostUuid = hostUuidForSetupExperience(db, host);
  const failed: string[] = [];
  if (!timedOut) {
    // Stages 1-2 (Windows profiles pending) do not apply: the lab has no Windows configuration profiles.
    const results = listSetupExperienceResults(db, seHostUuid);
    if (results.length === 0 && hasWindowsSetupExperienceItemsForTeam(db, host.team_id ?? 0)) return { phase: 'wait', reason: 'setup experience configured, orbit has not called init', commands: [] };
    let inFlight = false;
    for (const r of results) {
      if (r.status === 'failure') failed.push(r.name);
      else if (r.status !== 'success' && r.status !== 'cancelled') inFlight = true;
    }
    if (inFlight && (failed.length === 0 || !REQUIRE_ALL_SOFTWARE_WINDOWS)) {
      return { phase: 'wait', reason: `setup experience in flight: ${results.filter((r) => r.status === 'pending' || r.status === 'running').map((r) => `${r.name} (${r.status})`).join(', ')}`, commands: [] };
    }
  } else {
    for (const r of listSetupExperienceResults(db, seHostUuid)) if (r.status === 'failure') failed.push(r.name);
  }

  const problem = timedOut || failed.length > 0;
  let cmds: EspCmd[];
  let reason: string;
  if (problem && REQUIRE_ALL_SOFTWARE_WINDOWS) {
    cmds = blockCommands(ctx, failed.length > 0 ? ESP_SOFTWARE_FAILURE_ERROR_TEXT : ESP_TIMEOUT_ERROR_TEXT, ESP_BLOCK_BUTTONS.reset);
    reason = timedOut ? 'timeout (hard block)' : 'software failed (hard block)';
  } else if (problem) {
    cmds = blockCommands(ctx, failed.length > 0 ? continuableErrorText(failed) : ESP_TIMEOUT_ERROR_TEXT, ESP_BLOCK_BUTTONS.resetAndContinue);
    reason = timedOut ? 'the 3-hour ESP timeout' : `software failed: ${failed.join(', ')}`;
  } else {
    cmds = releaseCommands(ctx);
    reason = 'every setup experience item is done';
  }

  if (timedOut) {
    // Cancel what is still pending before the CAS; the canceled_setup_experience activity on every timeout (#38785).
    const first = cancelPendingSetupExperienceSteps(db, host, seHostUuid);
    const titleId = first?.software_title_id ?? 0;
    insertActivity(db, {
      type: 'canceled_setup_experience',
      details: { host_id: host.id, host_display_name: host.computer_name || host.hostname, software_title: first?.name ?? '', software_title_id: titleId },
      hostIds: [host.id],
      now: nowIso,
    });
  }
  const wire = cmds.map(espWire);
  // persistESPFinalCommands: backup copies under the same CmdIDs, so the device's ack clears them.
  cmds.forEach((c, i) => insertCommandForDevice(db, e.host_uuid, { command_uuid: c.cmdId, raw_command: wire[i]!, target_loc_uri: c.target }, nowIso));
  if (!setAwaitingConfiguration(db, e.mdm_device_id, AWAITING.active, AWAITING.none, nowIso)) return { phase: 'none', commands: [] };
  return { phase: problem ? 'block' : 'release', reason, commands: wire };
}

/** The decision on the running step's detail (`esp`), so the timeline says why Fleet held, waited, released or blocked. */
export function noteEspOnStep(ctx: MdmContext, d: EspDecision): void {
  const s = currentStep();
  const step = s ? ctx.lab.recorder.get(s.stepId) : undefined;
  if (!step) return;
  step.detail = { ...step.detail, esp: { phase: d.phase, ...(d.reason !== undefined && { reason: d.reason }), commands: d.commands.length } };
}
