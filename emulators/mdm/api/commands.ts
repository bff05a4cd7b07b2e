import type { FastifyInstance } from 'fastify';
import type { MdmContext } from '../context.js';
import { sendFleetError, sendFleetJson, type FleetJsonError } from '../fleet-error.js';
import { parseSyncML, SYNCML_NS, type ParsedSyncMLCommand } from '../../protocols/syncml.js';
import { queueCommand, QueueCommandError } from '../management/queue.js';
import type { FleetCommandEnqueued } from '../../protocols/fleet-api.js';
import { API_VERSIONS, JSON_DECODE_ERROR, guarded, invalidArgument, jsonObject } from './auth.js';

/** fleet.NoHostsTargeted for run-command (server/service/mdm.go RunMDMCommand): InvalidArgumentError WithStatus(404). */
const NO_HOSTS = 'No hosts targeted. Make sure you provide a valid UUID.';
/** RunMDMCommand: a targeted host without a Fleet MDM enrollment (AreHostsConnectedToFleetMDM), 412. */
const MDM_OFF = "Can't run the MDM command because one or more hosts have MDM turned off. Run the following command to see a list of hosts with MDM on: fleetctl get hosts --mdm.";
/** fleet.WindowsMDMNotConfiguredMessage (server/fleet/errors.go). UNCONFIRMED text. */
const WINDOWS_MDM_OFF = "Windows MDM isn't turned on. For more information about setting up MDM, please visit https://fleetdm.com/learn-more-about/windows-mdm";

/** server.Base64DecodePaddingAgnostic: std base64, padded or not; anything else fails. */
export function decodeBase64Command(s: string): string | undefined {
  const t = s.replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(t) || t.length % 4 === 1) return undefined;
  return Buffer.from(t, 'base64').toString('utf8');
}

/**
 * fleet.ParseWindowsMDMCommand (server/fleet/microsoft_mdm.go): one top-level <Exec> with exactly one <Item>; its
 * errors are the reasons of InvalidArgumentError("command", …), 422.
 */
export function parseWindowsCommand(raw: string): { ok: true; cmd: ParsedSyncMLCommand } | { ok: false; reason: string } {
  let cmds: ParsedSyncMLCommand[];
  try {
    cmds = parseSyncML(`<SyncML xmlns="${SYNCML_NS}"><SyncHdr/><SyncBody>${raw.trim()}</SyncBody></SyncML>`).commands;
  } catch (e) {
    return { ok: false, reason: `The payload isn't valid XML: ${(e as Error).message}` };
  }
  if (cmds.length === 0) return { ok: false, reason: "The payload isn't valid XML: EOF" };
  if (cmds.length > 1) return { ok: false, reason: 'You can run only a single <Exec> command.' };
  const cmd = cmds[0]!;
  if (cmd.verb !== 'Exec') return { ok: false, reason: 'You can run only <Exec> command type.' };
  if (cmd.items.length !== 1) return { ok: false, reason: 'You can run only a single <Exec> command.' };
  return { ok: true, cmd };
}

type Run = { ok: true; result: FleetCommandEnqueued } | { ok: false; status: number; error: FleetJsonError };

const fail = (status: number, error: FleetJsonError): Run => ({ ok: false, status, error });

/** RunMDMCommand's checks in its order: hosts, their MDM, Windows MDM on, base64, the SyncML; then one queue per host. */
export function runCommand(ctx: MdmContext, command: string, hostUuids: string[]): Run {
  const targets = ctx.store.read((db) =>
    hostUuids.map((uuid) => ({
      uuid,
      known: db.prepare(`SELECT 1 FROM hosts WHERE uuid = ? UNION SELECT 1 FROM mdm_windows_enrollments WHERE host_uuid = ?`).get(uuid, uuid) !== undefined,
      deviceId: db.prepare(`SELECT mdm_device_id FROM mdm_windows_enrollments WHERE host_uuid = ? ORDER BY created_at DESC, id DESC LIMIT 1`).pluck().get(uuid) as string | undefined,
    })),
  ).filter((t) => t.known);
  if (targets.length === 0) return fail(404, invalidArgument('host_uuids', NO_HOSTS));
  if (targets.some((t) => t.deviceId === undefined)) return fail(412, invalidArgument('host_uuids', MDM_OFF));
  if (!ctx.settings().windowsMdmEnabled) return fail(400, invalidArgument('host_uuids', WINDOWS_MDM_OFF));
  const raw = decodeBase64Command(command);
  if (raw === undefined) return fail(400, invalidArgument('command', 'unable to decode base64 command'));
  const parsed = parseWindowsCommand(raw);
  if (!parsed.ok) return fail(422, invalidArgument('command', parsed.reason));
  // MDMWindowsInsertCommandForHosts: the command's CmdID is its command_uuid; TargetLocURI is the request_type.
  let first: { commandUuid: string; targetLocUri: string } | undefined;
  try {
    for (const t of targets) {
      const q = queueCommand(ctx, t.deviceId!, first ? raw.replace(/<CmdID>[^<]*<\/CmdID>/, `<CmdID>${first.commandUuid}</CmdID>`) : raw);
      first ??= q;
    }
  } catch (e) {
    // A CmdID already used: the insert's duplicate key (MySQL 1062), which transport_error.go answers 409.
    if (e instanceof QueueCommandError) return fail(409, { message: 'Validation Failed', errors: [{ name: 'base', reason: e.message }] });
    throw e;
  }
  return { ok: true, result: { command_uuid: first!.commandUuid, request_type: first!.targetLocUri, platform: 'windows' } };
}

/** POST /api/v1/fleet/commands/run (server/service/mdm.go runMDMCommandEndpoint): `{command, host_uuids}`. */
export function registerCommands(app: FastifyInstance, ctx: MdmContext): void {
  for (const v of API_VERSIONS) {
    app.post(
      `/api/${v}/fleet/commands/run`,
      guarded(ctx, (req, reply) => {
        const body = jsonObject(req);
        if (!body) return sendFleetError(reply, 400, JSON_DECODE_ERROR);
        const { command, host_uuids: hosts } = body;
        if ((command !== undefined && typeof command !== 'string') || (hosts !== undefined && !(Array.isArray(hosts) && hosts.every((h) => typeof h === 'string')))) {
          return sendFleetError(reply, 400, JSON_DECODE_ERROR);
        }
        const r = runCommand(ctx, command ?? '', (hosts ?? []) as string[]);
        return r.ok ? sendFleetJson(reply, r.result) : sendFleetError(reply, r.status, r.error);
      }),
    );
  }
}
