import type { FastifyInstance } from 'fastify';
import type { MdmContext } from '../context.js';
import { fleetError, sendFleetError, sendFleetJson } from '../fleet-error.js';
import { globalEnrollSecrets, insertEnrollSecret } from '../store/hosts.js';
import { registerSso } from '../sso/routes.js';
import { enrollOrbit } from './enroll.js';
import { orbitConfig } from './config.js';
import { CAPABILITIES_HEADER, SERVER_ORBIT_CAPABILITIES, parseCapabilities, parseEnrollOrbitRequest, parseJsonObject } from './request.js';

export const ORBIT_ENROLL_PATH = '/api/fleet/orbit/enroll';
export const ORBIT_CONFIG_PATH = '/api/fleet/orbit/config';

/** fleet.NewAuthFailedError: Fleet hides the internal reason ("invalid secret") behind "Authentication failed". */
const AUTH_FAILED = fleetError('Authentication failed');
/** fleet.NewOrbitIDPAuthRequiredError: OrbitError{Message: END_USER_AUTH_REQUIRED, code: 401}. */
const END_USER_AUTH_REQUIRED = fleetError('END_USER_AUTH_REQUIRED');

/** One global enroll secret, made at server start when the DB has none (the FLEET_SECRET of the MSI install). */
export function ensureGlobalEnrollSecret(ctx: MdmContext): string {
  const existing = ctx.store.read((db) => globalEnrollSecrets(db))[0];
  if (existing) return existing.secret;
  const secret = ctx.lab.ids.bytes(24).toString('base64');
  ctx.store.tx((db) => insertEnrollSecret(db, secret, null, ctx.nowIso()));
  return secret;
}

/** Registers the orbit routes (fleet.md §4) and the SSO pages orbit opens (§4.3). */
export async function registerOrbit(app: FastifyInstance, ctx: MdmContext): Promise<void> {
  ensureGlobalEnrollSecret(ctx);
  registerSso(app, ctx);

  app.post(ORBIT_ENROLL_PATH, async (req, reply) => {
    reply.header('X-Fleet-Capabilities', SERVER_ORBIT_CAPABILITIES);
    const body = parseEnrollOrbitRequest(req.rawBody ?? '');
    if (body instanceof Error) return sendFleetError(reply, 400, fleetError(body.message));
    const outcome = await enrollOrbit(ctx, body, parseCapabilities(req.headers[CAPABILITIES_HEADER]));
    if (!outcome.ok) return sendFleetError(reply, 401, outcome.error === 'invalid-secret' ? AUTH_FAILED : END_USER_AUTH_REQUIRED);
    return sendFleetJson(reply, { orbit_node_key: outcome.nodeKey });
  });

  app.post(ORBIT_CONFIG_PATH, async (req, reply) => {
    reply.header('X-Fleet-Capabilities', SERVER_ORBIT_CAPABILITIES);
    const body = parseJsonObject(req.rawBody ?? '');
    if (body instanceof Error) return sendFleetError(reply, 400, fleetError(body.message));
    const nodeKey = typeof body.orbit_node_key === 'string' ? body.orbit_node_key : '';
    const info = body.orbit_info;
    const version = typeof info === 'object' && info !== null && 'version' in info && typeof info.version === 'string' ? info.version : undefined;
    const config = nodeKey === '' ? undefined : orbitConfig(ctx, nodeKey, version);
    if (!config) return sendFleetError(reply, 401, AUTH_FAILED);
    return sendFleetJson(reply, config);
  });
}
