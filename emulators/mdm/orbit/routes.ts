import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MdmContext } from '../context.js';
import { fleetError, sendFleetError, sendFleetJson } from '../fleet-error.js';
import { MDM_PATHS } from '../../protocols/paths/mdm.js';
import { currentStep } from '../../lab/context.js';
import { enrollOrbit, type EnrollOutcome } from './enroll.js';
import { orbitConfig } from './config.js';
import { registerOrbitSetupExperience } from './setup-experience-routes.js';
import { CAPABILITIES_HEADER, SERVER_ORBIT_CAPABILITIES, parseCapabilities, parseEnrollOrbitRequest, parseJsonObject } from './request.js';

/** fleet.NewAuthFailedError: Fleet hides the internal reason ("invalid secret") behind "Authentication failed". */
const AUTH_FAILED = fleetError('Authentication failed');
/** fleet.NewOrbitIDPAuthRequiredError: OrbitError{Message: END_USER_AUTH_REQUIRED, code: 401}. */
const END_USER_AUTH_REQUIRED = fleetError('END_USER_AUTH_REQUIRED');

type OrbitHandler<T> = (body: T, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/**
 * newOrbitNoAuthEndpointer: every orbit answer carries the server's X-Fleet-Capabilities; a body that does not
 * decode is a 400 with the decoder's message.
 */
function orbitEndpoint<T>(parse: (raw: string) => T | Error, handle: OrbitHandler<T>) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    reply.header('X-Fleet-Capabilities', SERVER_ORBIT_CAPABILITIES);
    const body = parse(req.rawBody ?? '');
    if (body instanceof Error) return sendFleetError(reply, 400, fleetError(body.message));
    return handle(body, req, reply);
  };
}

/**
 * What Fleet's server logs for this enroll (the wire only says END_USER_AUTH_REQUIRED or the 500's message), put on
 * the step the request belongs to as `detail.fleetLog`, so the timeline shows why: e.g. processWindowsEUAToken's
 * "there was an error parsing the EUA token claims: token is expired by 1h0m0s" (server/service/orbit.go).
 */
function logEnrollToStep(ctx: MdmContext, outcome: EnrollOutcome | { ok: false; error: 'server-error'; message: string }): void {
  const stepCtx = currentStep();
  const step = stepCtx && ctx.lab.recorder.get(stepCtx.stepId);
  if (!step) return;
  const fleetLog =
    outcome.ok ? { endUserAuth: outcome.decision.kind, ...(outcome.log.length > 0 && { link: outcome.log }) }
    : outcome.error === 'end-user-auth-required' ? { endUserAuth: outcome.decision.kind, reason: 'reason' in outcome.decision ? outcome.decision.reason : undefined }
    : outcome.error === 'server-error' ? { error: outcome.message }
    : { error: 'invalid secret' };
  step.detail = { ...step.detail, fleetLog };
  ctx.lab.recorder.touch(step);
}

/** An internal error as Fleet encodes it: HTTP 500, the message as message and reason, and a uuid (ctxerr). */
function serverErrorFor(ctx: MdmContext) {
  return (reply: FastifyReply, message: string) => sendFleetError(reply, 500, fleetError(message, message, ctx.lab.ids.uuid()));
}

/** Registers the orbit routes (fleet.md §4): enroll and config. The SSO pages orbit opens are their own group (sso/routes.ts). */
export function registerOrbit(app: FastifyInstance, ctx: MdmContext): void {
  const serverError = serverErrorFor(ctx);
  app.post(
    MDM_PATHS.orbitEnroll,
    orbitEndpoint(parseEnrollOrbitRequest, async (body, req, reply) => {
      let outcome;
      try {
        outcome = await enrollOrbit(ctx, body, parseCapabilities(req.headers[CAPABILITIES_HEADER]));
      } catch (e) {
        // A datastore error in the enrollment: Fleet's 500 JSON error with the error's uuid (transport_error.go encodeError).
        logEnrollToStep(ctx, { ok: false, error: 'server-error', message: (e as Error).message });
        return serverError(reply, (e as Error).message);
      }
      logEnrollToStep(ctx, outcome);
      if (!outcome.ok && outcome.error === 'server-error') return serverError(reply, outcome.message);
      if (!outcome.ok) return sendFleetError(reply, 401, outcome.error === 'invalid-secret' ? AUTH_FAILED : END_USER_AUTH_REQUIRED);
      return sendFleetJson(reply, { orbit_node_key: outcome.nodeKey });
    }),
  );

  app.post(
    MDM_PATHS.orbitConfig,
    orbitEndpoint(parseJsonObject, async (body, _req, reply) => {
      const nodeKey = typeof body.orbit_node_key === 'string' ? body.orbit_node_key : '';
      const info = body.orbit_info;
      const version = typeof info === 'object' && info !== null && 'version' in info && typeof info.version === 'string' ? info.version : undefined;
      const config = nodeKey === '' ? undefined : orbitConfig(ctx, nodeKey, version);
      if (!config) {
        // AuthenticateOrbitHost: fleet.NewAuthRequiredError("authentication error: invalid orbit node key") (or
        // "missing orbit node key"): HTTP 401 "Authentication required", the internal reason only logged.
        const internal = `authentication error: ${nodeKey === '' ? 'missing' : 'invalid'} orbit node key`;
        const s = currentStep();
        const step = s && ctx.lab.recorder.get(s.stepId);
        if (step) step.detail = { ...step.detail, fleetLog: { error: internal } };
        return sendFleetError(reply, 401, fleetError('Authentication required'));
      }
      return sendFleetJson(reply, config);
    }),
  );
  registerOrbitSetupExperience(app, ctx);
}
