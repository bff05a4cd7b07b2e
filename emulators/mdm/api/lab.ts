import type { FastifyInstance } from 'fastify';
import type { MdmContext } from '../context.js';
import { fleetError, sendFleetError, sendFleetJson } from '../fleet-error.js';
import { writeSettings } from '../settings.js';
import { forgetAzureJwks } from '../wstep/azure.js';
import { newEUAToken, WstepTokenError } from '../wstep/tokens.js';
import { queueCommand, QueueCommandError } from '../management/queue.js';
import { LAB_MDM_CLOCK_PATH, LAB_MDM_COMMANDS_PATH, LAB_MDM_EUA_TOKEN_PATH, LAB_MDM_SETTINGS_PATH, type LabMdmClock, type LabMdmSwitches } from '../../protocols/fleet-api.js';
import { JSON_DECODE_ERROR, guarded, invalidArgument, jsonObject } from './auth.js';

/**
 * The lab's own admin API: what Fleet has no REST API for. Not Fleet's: served under /lab/v1/mdm, with the same admin
 * token and Fleet's JSON error shape so one client handles both. Each switch says where Fleet keeps it.
 */

const SWITCHES: Record<keyof LabMdmSwitches, string> = {
  // Which Fleet build runs (after #41381 the MSI command line carries EUA_TOKEN): a build, not a setting.
  euaTokenEnabled: 'euaTokenEnabled',
  // config.MDM.AllowOrbitEndUserAuthBypass: fleet serve's server config (YAML / env), not AppConfig.
  allowOrbitEndUserAuthBypass: 'allowOrbitEndUserAuthBypass',
  // auth.mdm_windows_one_time_enroll_secrets: fleet serve's server config.
  mdmWindowsOneTimeEnrollSecrets: 'mdmWindowsOneTimeEnrollSecrets',
  // FLEET_DEV_AZURE_JWT_JWKS_URI: an environment variable of fleet serve --dev (server/mdm/microsoft/wstep.go).
  azureJwksUri: 'azureJwksUri',
};

export function labSwitches(ctx: MdmContext): LabMdmSwitches {
  const s = ctx.settings();
  return {
    euaTokenEnabled: s.euaTokenEnabled,
    allowOrbitEndUserAuthBypass: s.allowOrbitEndUserAuthBypass,
    mdmWindowsOneTimeEnrollSecrets: s.mdmWindowsOneTimeEnrollSecrets,
    azureJwksUri: s.azureJwksUri,
  };
}

/** An absolute http(s) URL, as jwkset's HTTP client needs (UNCONFIRMED: Fleet does not check it before the first fetch). */
const JWKS_URI = /^https?:\/\/[^/\s]+\/\S*$/;

/** A switches patch: booleans of the known names only (an unknown key or a wrong type is a 400, nothing written). */
export function switchesPatch(body: Record<string, unknown>): { ok: true; patch: Partial<LabMdmSwitches> } | { ok: false; reason: string } {
  const patch: Partial<LabMdmSwitches> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!(k in SWITCHES)) return { ok: false, reason: `unsupported key provided: "${k}"` };
    if (k === 'azureJwksUri') {
      if (v !== null && (typeof v !== 'string' || !JWKS_URI.test(v))) return { ok: false, reason: `invalid value at 'azureJwksUri': expected an http(s) URL or null` };
      patch.azureJwksUri = v;
      continue;
    }
    if (typeof v !== 'boolean') return { ok: false, reason: `invalid value type at '${k}': expected bool` };
    patch[k as Exclude<keyof LabMdmSwitches, 'azureJwksUri'>] = v;
  }
  return { ok: true, patch };
}

export function registerLabApi(app: FastifyInstance, ctx: MdmContext): void {
  app.get(LAB_MDM_SETTINGS_PATH, guarded(ctx, (_req, reply) => sendFleetJson(reply, labSwitches(ctx))));
  app.patch(
    LAB_MDM_SETTINGS_PATH,
    guarded(ctx, (req, reply) => {
      const body = jsonObject(req);
      if (!body) return sendFleetError(reply, 400, JSON_DECODE_ERROR);
      const p = switchesPatch(body);
      if (!p.ok) return sendFleetError(reply, 400, fleetError('Bad Request', p.reason));
      writeSettings(ctx.store, p.patch);
      // Fleet reads the env var at start: a new JWKS URI is a restart, and a restart empties jwkset's in-memory cache.
      if ('azureJwksUri' in p.patch) forgetAzureJwks(ctx);
      return sendFleetJson(reply, labSwitches(ctx));
    }),
  );
  // The lab clock: a lab that enrolls into this server from another process (run --mdm-url) brings this server's
  // clock to its own, so the tokens its Entra mints are neither expired nor not yet valid here, and its clock moves
  // (a token left to expire) reach this server. A Fleet has no such thing: it reads the wall clock.
  const clockView = (): LabMdmClock => ({ now: ctx.lab.clock.now(), offset_ms: ctx.lab.clock.offset, pinned: ctx.lab.clock.pinned });
  app.get(LAB_MDM_CLOCK_PATH, guarded(ctx, (_req, reply) => sendFleetJson(reply, clockView())));
  app.put(
    LAB_MDM_CLOCK_PATH,
    guarded(ctx, (req, reply) => {
      const body = jsonObject(req);
      if (!body || typeof body.now !== 'number' || !Number.isSafeInteger(body.now) || body.now < 0) return sendFleetError(reply, 400, fleetError('Bad Request', "invalid value at 'now': expected milliseconds since the epoch"));
      const base = ctx.lab.clock.now() - ctx.lab.clock.offset;
      ctx.lab.clock.restore({ offsetMs: body.now - base });
      return sendFleetJson(reply, clockView());
    }),
  );
  // NewEUAToken (server/mdm/microsoft/wstep.go) for any upn and device id: scenarios hand orbit a genuine token.
  app.post(
    LAB_MDM_EUA_TOKEN_PATH,
    guarded(ctx, async (req, reply) => {
      const body = jsonObject(req);
      if (!body || typeof body.upn !== 'string' || typeof body.device_id !== 'string') return sendFleetError(reply, 400, JSON_DECODE_ERROR);
      try {
        return sendFleetJson(reply, { token: await newEUAToken(ctx, body.upn, body.device_id) });
      } catch (e) {
        if (e instanceof WstepTokenError) return sendFleetError(reply, 422, invalidArgument('eua_token', e.message));
        throw e;
      }
    }),
  );
  // Any raw SyncML command for a device (Fleet's commands/run takes only <Exec>; Fleet queues the rest itself).
  app.post(
    LAB_MDM_COMMANDS_PATH,
    guarded(ctx, (req, reply) => {
      const body = jsonObject(req);
      if (!body || typeof body.device_id !== 'string' || typeof body.command !== 'string') return sendFleetError(reply, 400, JSON_DECODE_ERROR);
      try {
        const q = queueCommand(ctx, body.device_id, body.command);
        return sendFleetJson(reply, { command_uuid: q.commandUuid, target_loc_uri: q.targetLocUri, device_id: body.device_id });
      } catch (e) {
        if (e instanceof QueueCommandError) return sendFleetError(reply, 422, invalidArgument('command', e.message));
        throw e;
      }
    }),
  );
}
