import type { FastifyInstance, FastifyReply } from 'fastify';
import type { MdmContext } from '../context.js';
import { fleetError, sendFleetError, sendFleetJson } from '../fleet-error.js';
import { MDM_PATHS } from '../../protocols/paths/mdm.js';
import { hostByOrbitNodeKey, type Host } from '../store/hosts.js';
import { parseJsonObject, SERVER_ORBIT_CAPABILITIES } from './request.js';
import {
  enqueueSetupExperienceItems,
  hostUuidForSetupExperience,
  listSetupExperienceResults,
  resultJson,
  saveSoftwareInstallResult,
  setupExperienceNextStep,
} from '../store/setup-experience.js';

/** fleet.NewAuthFailedError for a node key no host has (authenticatedOrbitHost). */
const AUTH_FAILED = fleetError('Authentication failed');

type Body = Record<string, unknown>;

/** The orbit_node_key authentication every authenticated orbit endpoint runs first; undefined → 401 sent. */
function orbitHost(ctx: MdmContext, body: Body, reply: FastifyReply): Host | undefined {
  const key = typeof body.orbit_node_key === 'string' ? body.orbit_node_key : '';
  const host = key === '' ? undefined : ctx.store.read((db) => hostByOrbitNodeKey(db, key));
  if (!host) sendFleetError(reply, 401, AUTH_FAILED);
  return host;
}

/** A Go struct field of type *int / *string / bool, as encoding/json refuses a wrong JSON type (400, nothing written). */
function fieldError(body: Body, name: string, want: 'number' | 'string' | 'boolean', goType: string, struct: string): Error | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === want && (want !== 'number' || Number.isInteger(v))) return undefined;
  return new Error(`json decoder error: json: cannot unmarshal ${typeof v} into Go struct field ${struct}.${name} of type ${goType}`);
}

/**
 * The orbit setup-experience routes (server/service/handler.go): init and status (orbit node key), and the software
 * install result that moves a setup-experience item to success or failure (server/service/orbit.go
 * SaveHostSoftwareInstallResult → maybeUpdateSetupExperienceStatus). Every check runs before the one transaction.
 */
export function registerOrbitSetupExperience(app: FastifyInstance, ctx: MdmContext): void {
  const route = (path: string, handle: (body: Body, reply: FastifyReply) => FastifyReply) =>
    app.post(path, async (req, reply) => {
      reply.header('X-Fleet-Capabilities', SERVER_ORBIT_CAPABILITIES);
      const body = parseJsonObject(req.rawBody ?? '');
      if (body instanceof Error) return sendFleetError(reply, 400, fleetError(body.message));
      return handle(body, reply);
    });

  // SetupExperienceInit → EnqueueSetupExperienceItems: {"result": {"enabled": bool}} (OrbitSetupExperienceInitResponse).
  route(MDM_PATHS.orbitSetupExperienceInit, (body, reply) => {
    const host = orbitHost(ctx, body, reply);
    if (!host) return reply;
    const enabled = ctx.store.tx((db) => enqueueSetupExperienceItems(db, host));
    return sendFleetJson(reply, { result: { enabled } });
  });

  // GetOrbitSetupExperienceStatus, Windows branch: software only; the next item is queued (SetupExperienceNextStep).
  route(MDM_PATHS.orbitSetupExperienceStatus, (body, reply) => {
    const bad = fieldError(body, 'force_release', 'boolean', 'bool', 'GetOrbitSetupExperienceStatusRequest') ?? fieldError(body, 'reset_failed_setup_steps', 'boolean', 'bool', 'GetOrbitSetupExperienceStatusRequest');
    if (bad) return sendFleetError(reply, 400, fleetError(bad.message));
    const host = orbitHost(ctx, body, reply);
    if (!host) return reply;
    const now = ctx.nowIso();
    const software = ctx.store.tx((db) => {
      const seHostUuid = hostUuidForSetupExperience(db, host);
      const before = listSetupExperienceResults(db, seHostUuid).map(resultJson);
      setupExperienceNextStep(db, ctx, host, now);
      return before;
    });
    return sendFleetJson(reply, { setup_experience_results: { software } });
  });

  // OrbitPostSoftwareInstallResultRequest: install_uuid, install_script_exit_code (*int), install_script_output (*string).
  route(MDM_PATHS.orbitSoftwareInstallResult, (body, reply) => {
    const S = 'OrbitPostSoftwareInstallResultRequest';
    const bad =
      fieldError(body, 'install_uuid', 'string', 'string', S) ??
      fieldError(body, 'install_script_exit_code', 'number', 'int', S) ??
      fieldError(body, 'install_script_output', 'string', 'string', S);
    if (bad) return sendFleetError(reply, 400, fleetError(bad.message));
    const host = orbitHost(ctx, body, reply);
    if (!host) return reply;
    const installUuid = typeof body.install_uuid === 'string' ? body.install_uuid : '';
    const exitCode = typeof body.install_script_exit_code === 'number' ? body.install_script_exit_code : null;
    const output = typeof body.install_script_output === 'string' ? body.install_script_output : null;
    const now = ctx.nowIso();
    const saved = installUuid !== '' && ctx.store.tx((db) => saveSoftwareInstallResult(db, host, { installUuid, exitCode, output }, now));
    // Fleet's notFound for an execution the host does not have: 404 "Resource Not Found" (the reason's wording is UNCONFIRMED).
    if (!saved) return sendFleetError(reply, 404, fleetError('Resource Not Found', `HostSoftwareInstall ${installUuid} was not found in the datastore`));
    return reply.code(204).send();
  });
}
