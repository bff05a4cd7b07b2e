import type { FastifyInstance } from 'fastify';
import { createHmac } from 'node:crypto';
import type { MdmContext } from '../context.js';
import { fleetError, sendFleetError, sendFleetJson } from '../fleet-error.js';
import { loadIdentity } from '../wstep/identity.js';
import type { FleetLogin } from '../../protocols/fleet-api.js';
import { API_VERSIONS, JSON_DECODE_ERROR, jsonObject, sameSecret } from './auth.js';
import { fleetApiToken } from './token.js';

/** The lab admin's login: Fleet's first user (fleetctl setup), a global admin. */
export const ADMIN_EMAIL = 'admin@enrollscope.lab';
const ADMIN_NAME = 'Lab Admin';

/**
 * The admin's password, derived like the API token (api/token.ts) from the world's WSTEP identity key: the same for a
 * world, writes nothing. Fleet's password rules (12+ characters, a number and a symbol: server/fleet/users.go
 * ValidatePasswordRequirements) hold: base64url of 18 bytes plus "1!".
 */
export function adminPassword(ctx: MdmContext): string {
  const key = loadIdentity(ctx).privateKey.export({ type: 'pkcs8', format: 'der' });
  return `${createHmac('sha256', key).update('enrollscope: fleet admin password').digest().subarray(0, 18).toString('base64url')}1!`;
}

/**
 * A failed login (server/service/sessions.go Login: fleet.NewAuthFailedError, encoded 401 "Authentication failed").
 * UNCONFIRMED reason text; Fleet never says which of email or password was wrong.
 */
export const LOGIN_FAILED = fleetError('Authentication failed', 'Authentication failed');

function loginAnswer(ctx: MdmContext): FleetLogin {
  const at = new Date(ctx.lab.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    user: {
      id: 1,
      name: ADMIN_NAME,
      email: ADMIN_EMAIL,
      global_role: 'admin',
      api_only: false,
      sso_enabled: false,
      mfa_enabled: false,
      force_password_reset: false,
      teams: [],
      created_at: at,
      updated_at: at,
    },
    available_teams: [],
    // Fleet makes a new session key per login (sessions table); the lab has one derived token (deviation: no sessions).
    token: fleetApiToken(ctx),
  };
}

/** POST /api/v1/fleet/login (server/service/sessions.go loginEndpoint): `{email, password}` → `{user, available_teams, token}`. */
export function registerLogin(app: FastifyInstance, ctx: MdmContext): void {
  for (const v of API_VERSIONS) {
    app.post(`/api/${v}/fleet/login`, (req, reply) => {
      const body = jsonObject(req);
      if (!body) return sendFleetError(reply, 400, JSON_DECODE_ERROR);
      const { email, password } = body;
      if (typeof email !== 'string' || typeof password !== 'string') return sendFleetError(reply, 401, LOGIN_FAILED);
      // Fleet looks the user up by email (case-insensitive collation) and compares the bcrypt hash.
      const ok = email.toLowerCase() === ADMIN_EMAIL && sameSecret(password, adminPassword(ctx));
      return ok ? sendFleetJson(reply, loginAnswer(ctx)) : sendFleetError(reply, 401, LOGIN_FAILED);
    });
  }
}
