import type { MdmContext } from '../context.js';
import { parseSyncML, SYNCML_NS, SyncMLParseError, type ParsedSyncMLCommand } from '../../protocols/syncml.js';
import { enrollmentByDeviceId, insertCommandForDevice } from '../store/management.js';

const QUEUEABLE = new Set(['Add', 'Replace', 'Delete', 'Get', 'Exec', 'Atomic', 'Sequence']);

export class QueueCommandError extends Error {
  override name = 'QueueCommandError';
}

export interface QueuedCommandInfo {
  commandUuid: string;
  rawCommand: string;
  targetLocUri: string;
  enrollmentId: number;
}

function firstTarget(c: ParsedSyncMLCommand): string {
  const own = c.items.find((i) => i.target !== undefined)?.target;
  if (own !== undefined) return own;
  for (const n of c.commands ?? []) {
    const t = firstTarget(n);
    if (t !== '') return t;
  }
  return '';
}

/**
 * Queue one raw SyncML command for a device (Fleet's "run MDM command" for Windows: windows_mdm_commands +
 * windows_mdm_command_queue on the device's latest enrollment, has_pending_commands = 1). The command's CmdID is its
 * command_uuid, so the device's Status / Results (CmdRef) find it; a command without CmdID gets a new uuid.
 * It goes out in the device's next management session.
 */
export function queueCommand(ctx: MdmContext, deviceId: string, rawCommandXml: string): QueuedCommandInfo {
  let cmds: ParsedSyncMLCommand[];
  try {
    cmds = parseSyncML(`<SyncML xmlns="${SYNCML_NS}"><SyncHdr/><SyncBody>${rawCommandXml}</SyncBody></SyncML>`).commands;
  } catch (e) {
    throw new QueueCommandError(e instanceof SyncMLParseError ? `the command is not well-formed XML: ${e.message}` : (e as Error).message);
  }
  if (cmds.length !== 1) throw new QueueCommandError(`expected exactly one top-level SyncML command, got ${cmds.length}`);
  const cmd = cmds[0]!;
  if (!QUEUEABLE.has(cmd.verb)) throw new QueueCommandError(`a server cannot send <${cmd.verb}>`);
  let raw = rawCommandXml.trim();
  let commandUuid = cmd.cmdId;
  if (commandUuid === '') {
    commandUuid = ctx.lab.ids.uuid();
    raw = /<CmdID\s*\/>|<CmdID>\s*<\/CmdID>/.test(raw)
      ? raw.replace(/<CmdID\s*\/>|<CmdID>\s*<\/CmdID>/, `<CmdID>${commandUuid}</CmdID>`)
      : raw.replace(/^<([A-Za-z]+)(\s[^>]*)?>/, (m) => `${m}<CmdID>${commandUuid}</CmdID>`);
  }
  const now = ctx.nowIso();
  return ctx.store.tx((db) => {
    if (!enrollmentByDeviceId(db, deviceId)) throw new QueueCommandError(`no windows mdm enrollment for device ${deviceId}`);
    if (db.prepare(`SELECT 1 FROM windows_mdm_commands WHERE command_uuid = ?`).get(commandUuid)) throw new QueueCommandError(`command ${commandUuid} already exists`);
    const targetLocUri = firstTarget(cmd);
    const enrollmentId = insertCommandForDevice(db, deviceId, { command_uuid: commandUuid, raw_command: raw, target_loc_uri: targetLocUri }, now);
    return { commandUuid, rawCommand: raw, targetLocUri, enrollmentId };
  });
}
