import type { Db } from '../../lab/store.js';
import type { MdmContext } from '../context.js';
import {
  ALERT,
  STATUS,
  UNENROLL_ALERT_TYPE,
  buildSyncML,
  nodeCommand,
  statusFor,
  syncHdr,
  type ParsedSyncMLCommand,
  type ParsedSyncMLMessage,
  type SyncMLCommand,
} from '../../protocols/syncml.js';
import { credentialsHash, md5Challenge } from '../../protocols/syncml-auth.js';
import {
  acknowledgeCredentials,
  deleteEnrollmentsByDeviceId,
  pendingCommands,
  queuedCommandUuids,
  recordCommandResult,
  refreshHasPendingCommands,
  saveResponse,
  storeNonce,
  updateCredentials,
  type WindowsEnrollment,
} from '../store/management.js';
import { enqueueInstallFleetdCommand, FLEET_INTERNAL_CMD_ID_PREFIX } from './fleetd.js';
import { devDetailSerialResult, linkEnrollmentBySerial, linkOptions, DEVDETAIL_SMBIOS_SERIAL_URI } from './devdetail.js';
import { MDM_PATHS } from '../../protocols/paths/mdm.js';
import { logOnStep, marshalPendingCommand, PENDING_CMD_LOG_PREFIX } from './wire.js';
import { expandWindowsHostSecrets } from '../store/one-time-secrets.js';
import { AWAITING, espCommands, noteEspOnStep } from './esp.js';
import { isOrphanedEnrollment, pushEnrollSecretToOrphanedEnrollment } from './enroll-secret-push.js';
import { claimDeferredMdmEnrolledActivity } from '../store/activity-mdm-enrolled.js';
import { hostByUuid } from '../store/hosts.js';

const NONCE_TTL_MS = 5 * 60_000;
/** The DMAcc account Fleet rekeys (rekeyWindowsDevice). */
const DMACC = './SyncML/DMAcc/0x0000800cABF8CA7D87C0FA21BB21B896AE2C8468CA07710326415228ACF2392EA1327077/AppAuth/CLCRED';

/** Server-side CmdIDs for the Status and internal commands of one reply, counting from 1. */
class CmdIds {
  private n = 0;
  next(): string {
    return String(++this.n);
  }
}

/** createResponseSyncML: SessionID and MsgID echo the request, Target = DeviceID, Source = the management URL. */
function reply(ctx: MdmContext, req: ParsedSyncMLMessage, commands: (SyncMLCommand | string)[]): string {
  const hdr = syncHdr({ sessionId: req.hdr.sessionId, msgId: req.hdr.msgId, target: req.hdr.source.trim(), source: ctx.url(MDM_PATHS.management) });
  return `${buildSyncML({ hdr, commands, final: true })}\n`;
}

export function isNewSessionAlert(c: ParsedSyncMLCommand): boolean {
  return c.verb === 'Alert' && (c.data === ALERT.clientInitiatedManagement || c.data === ALERT.serverInitiatedManagement);
}

/**
 * Challenge / Unauthorized (processIncomingMDMCmds): a SyncHdr Status 407 or 401 with Chal/Meta NextNonce =
 * base64(new uuid); the raw uuid is the nonce for 5 minutes. Unlike Fleet, nothing the untrusted device sent is
 * saved (Fleet stores its Status/Results here too); only the nonce (Fleet's Redis, lab_kv) changes.
 */
export function challengeReply(db: Db, ctx: MdmContext, req: ParsedSyncMLMessage, code: '401' | '407', now: number): string {
  const nonce = ctx.lab.ids.uuid();
  storeNonce(db, req.hdr.source.trim(), nonce, new Date(now + NONCE_TTL_MS).toISOString());
  const ids = new CmdIds();
  const status = statusFor({
    cmdId: ids.next(),
    msgRef: req.hdr.msgId,
    cmdRef: '0',
    cmd: 'SyncHdr',
    code,
    chal: md5Challenge(nonce),
  });
  return reply(ctx, req, [status]);
}

/**
 * rekeyWindowsDevice: new credentials (username = DeviceID, password = new uuid), the hash stored unacknowledged,
 * and a reply with Replace of AAuthName / AAuthSecret. The reply is not persisted (it holds the secret).
 */
export function rekeyReply(db: Db, ctx: MdmContext, req: ParsedSyncMLMessage, nowIso: string): string {
  const deviceId = req.hdr.source.trim();
  const password = ctx.lab.ids.uuid();
  updateCredentials(db, deviceId, credentialsHash(deviceId, password), nowIso);
  const ids = new CmdIds();
  return reply(ctx, req, [
    statusFor({ cmdId: ids.next(), msgRef: req.hdr.msgId, cmdRef: '0', cmd: 'SyncHdr', code: STATUS.ok }),
    nodeCommand('Replace', `${FLEET_INTERNAL_CMD_ID_PREFIX}rekey-credentials-username`, `${DMACC}/AAuthName`, deviceId, { format: 'chr' }),
    nodeCommand('Replace', `${FLEET_INTERNAL_CMD_ID_PREFIX}rekey-credentials-password`, `${DMACC}/AAuthSecret`, password, { format: 'chr' }),
  ]);
}

export interface TrustedInput {
  req: ParsedSyncMLMessage;
  rawRequest: string;
  enrollment: WindowsEnrollment;
  acknowledge: boolean;
  /** Whether the new-session handling must queue the fleetd install, decided before the transaction. */
  installFleetd: boolean;
  /** generateWindowsEUAToken, minted before the transaction ("" when none). */
  euaToken: string;
  nowIso: string;
}

/** A command's Results / Status that answer a queued command (CmdRef = its command_uuid). */
function trackedRefs(cmds: ParsedSyncMLCommand[]): ParsedSyncMLCommand[] {
  return cmds.filter((c) => (c.verb === 'Status' || c.verb === 'Results') && c.cmdRef !== undefined && c.cmdRef !== '' && c.cmdRef !== '0');
}

/**
 * A trusted message (processIncomingMDMCmds + getManagementResponse), in one transaction: SyncHdr Status 200, alerts
 * (1201/1200 new session → fleetd install; 1226 unenroll), Status 200 for every other command but Status/Results,
 * the device's message saved (gzip) when it answers commands, results matched by CmdRef and their queue rows acked,
 * the SMBIOS serial Get while unlinked, then the pending queue oldest first.
 */
export function trustedReply(db: Db, ctx: MdmContext, t: TrustedInput): string {
  const { req, enrollment } = t;
  const deviceId = enrollment.mdm_device_id;
  if (t.acknowledge) acknowledgeCredentials(db, deviceId, t.nowIso);
  const ids = new CmdIds();
  const out: (SyncMLCommand | string)[] = [statusFor({ cmdId: ids.next(), msgRef: req.hdr.msgId, cmdRef: '0', cmd: 'SyncHdr', code: STATUS.ok })];

  let hostUuid = enrollment.host_uuid;
  // The device's answer to the serial Get: stored, and the enrollment linked by it (devdetail.ts).
  const serialAnswered = devDetailSerialResult(req) !== undefined;
  if (hostUuid === '') hostUuid = linkEnrollmentBySerial(db, enrollment, req, t.nowIso, linkOptions((id) => ctx.fleet(id))) ?? '';

  let unenrolled = false;
  for (const c of req.commands) {
    if (c.verb === 'Alert') {
      if (isNewSessionAlert(c)) {
        // A deleted host's enrollment gets its way back (enroll-secret-push.ts), which carries the install itself
        // for UPN enrollments; whether Fleet then skips its own install queueing is UNCONFIRMED (the lab does, so
        // the device is not sent two installs).
        if (isOrphanedEnrollment(db, ctx, enrollment)) pushEnrollSecretToOrphanedEnrollment(db, ctx, enrollment, t.euaToken, t.nowIso);
        else if (t.installFleetd) enqueueInstallFleetdCommand(db, ctx, deviceId, t.euaToken, t.nowIso);
        // maybeCreateWindowsMDMEnrolledActivity at the session (#52235): a deferred mdm_enrolled whose enrollment is now
        // linked to a host is claimed here if no link site claimed it (linkWindowsEnrollmentFromOneTimeSecret: "rather
        // than waiting for the next management session").
        const host = hostUuid === '' ? undefined : hostByUuid(db, hostUuid);
        if (host) claimDeferredMdmEnrolledActivity(db, enrollment, host, t.nowIso);
      }
      if (c.data === ALERT.generic && c.items.some((i) => i.meta?.type === UNENROLL_ALERT_TYPE)) {
        deleteEnrollmentsByDeviceId(db, deviceId);
        unenrolled = true;
      }
      continue;
    }
    if (c.verb === 'Status' || c.verb === 'Results') continue;
    out.push(statusFor({ cmdId: ids.next(), msgRef: req.hdr.msgId, cmdRef: c.cmdId, cmd: c.verb, code: STATUS.ok }));
  }
  if (unenrolled) return reply(ctx, req, out);

  const refs = trackedRefs(req.commands);
  if (refs.length > 0) {
    const responseId = saveResponse(db, enrollment.id, t.rawRequest, t.nowIso);
    const queued = queuedCommandUuids(db, enrollment.id, [...new Set(refs.map((r) => r.cmdRef!))]);
    for (const uuid of queued) {
      const status = refs.find((r) => r.verb === 'Status' && r.cmdRef === uuid);
      const results = refs.find((r) => r.verb === 'Results' && r.cmdRef === uuid);
      recordCommandResult(
        db,
        { enrollmentId: enrollment.id, commandUuid: uuid, rawResult: results?.xml ?? null, statusCode: status?.data ?? null, responseId },
        t.nowIso,
      );
    }
    refreshHasPendingCommands(db, enrollment.id, t.nowIso);
  }

  // Fleet appends the Get to every trusted reply while the enrollment is unlinked (fleet.md corrections §2), except
  // (UNCONFIRMED) the reply to the message that answers it: asking again there would keep the session going forever.
  if (hostUuid === '' && !serialAnswered) out.push(nodeCommand('Get', `${FLEET_INTERNAL_CMD_ID_PREFIX}devdetail-smbios-serial`, DEVDETAIL_SMBIOS_SERIAL_URI));
  // getPendingMDMCmds (#53280): each queued command goes out re-marshalled; one that does not decode is skipped and
  // logged, and stays queued.
  for (const p of pendingCommands(db, enrollment.id)) {
    const wire = marshalPendingCommand(expandWindowsHostSecrets(db, p.raw_command, enrollment.id));
    if (wire.ok) out.push(wire.xml);
    else logOnStep(ctx, `${PENDING_CMD_LOG_PREFIX}: ${wire.error}`, p.command_uuid);
  }
  // getManagementResponse: the ESP commands last, after the pending queue (read above, so the finalize's backup
  // copies queued now are not sent twice), for Autopilot enrollments awaiting configuration (management/esp.ts).
  if (enrollment.awaiting_configuration !== AWAITING.none && ctx.fleet('windows-esp')) {
    const newSession = req.commands.some((c) => c.verb === 'Alert' && isNewSessionAlert(c));
    const esp = espCommands(db, ctx, enrollment, Date.parse(t.nowIso), newSession);
    noteEspOnStep(ctx, esp);
    out.push(...esp.commands);
  }
  return reply(ctx, req, out);
}

