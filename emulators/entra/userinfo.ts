import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jwtVerify } from 'jose';
import type { EntraContext } from './context.js';
import { getTenant, resolveTenant, type UserRow } from './directory.js';
import { loadKey } from './keys.js';
import { OAuthError } from './errors.js';
import { issuerV1, issuerV2, pairwiseSub } from './tokens.js';
import { parseForm, RESOURCES } from '../protocols/oauth.js';
import { ENTRA_PATHS } from '../protocols/paths/entra.js';

/**
 * The UserInfo endpoint (OIDC Core §5.3), which Entra serves for Microsoft Graph: the caller presents an access
 * token for Graph (RFC 6750 §2.1 header, or §2.2 form field) and gets the signed-in user's claims. A missing, forged,
 * expired or non-Graph token is 401 with `WWW-Authenticate: Bearer` (RFC 6750 §3) and Graph's JSON error. Read only.
 */

/** Graph's audience in either form a token carries it (app id, or the resource URI with or without the slash). */
const GRAPH_AUDIENCES = new Set([RESOURCES.graphAppId, RESOURCES.graph, `${RESOURCES.graph}/`]);

class BearerError extends Error {
  constructor(
    /** RFC 6750 §3.1 error code; null when no token was presented (§3.1: no error attribute then). */
    readonly error: 'invalid_token' | 'invalid_request' | null,
    /** Graph's error code (InvalidAuthenticationToken). */
    readonly graphCode: string,
    message: string,
  ) {
    super(message);
  }
}

function tokenOf(req: FastifyRequest): string | null {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m) throw new BearerError('invalid_request', 'InvalidAuthenticationToken', 'The Authorization header is not a Bearer token.');
    return m[1]!;
  }
  if (req.method === 'POST' && /^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) return parseForm(req.rawBody).access_token ?? null;
  return null;
}

/** The token must be Entra's own (signature, lab-clock validity), for Graph, from this tenant, of an enabled user. */
async function userOfToken(ctx: EntraContext, token: string): Promise<{ user: UserRow; clientId: string }> {
  const tenant = getTenant(ctx);
  let claims: Record<string, unknown>;
  try {
    const r = await jwtVerify(token, loadKey(ctx, 'token').publicKey, { algorithms: ['RS256'], currentDate: ctx.lab.clock.date(), issuer: [issuerV1(tenant.id), issuerV2(tenant.id)] });
    claims = r.payload as Record<string, unknown>;
  } catch (e) {
    const expired = (e as { code?: string }).code === 'ERR_JWT_EXPIRED';
    throw new BearerError('invalid_token', 'InvalidAuthenticationToken', expired ? 'Lifetime validation failed, the token is expired.' : 'Access token validation failure. Invalid audience or signature.');
  }
  const aud = typeof claims.aud === 'string' ? claims.aud : '';
  if (!GRAPH_AUDIENCES.has(aud)) throw new BearerError('invalid_token', 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
  const oid = typeof claims.oid === 'string' ? claims.oid : '';
  const user = ctx.store.read((db) => db.prepare(`SELECT * FROM users WHERE object_id = ?`).get(oid) as UserRow | undefined);
  if (!user || !user.enabled) throw new BearerError('invalid_token', 'InvalidAuthenticationToken', 'The user of this token does not exist or is disabled.');
  const clientId = typeof claims.appid === 'string' ? claims.appid : typeof claims.azp === 'string' ? claims.azp : '';
  return { user, clientId };
}

/**
 * OIDC Core §5.3.2 claims as Graph's userinfo gives them: `sub` is the pairwise subject of the client the token was
 * issued to (the same `sub` as that client's id_token), then the profile and email claims the user has.
 */
export function userInfoClaims(user: UserRow, clientId: string): Record<string, string> {
  return {
    sub: pairwiseSub(user.object_id, clientId),
    name: user.display_name,
    ...(user.family_name && { family_name: user.family_name }),
    ...(user.given_name && { given_name: user.given_name }),
    picture: `${RESOURCES.graph}/v1.0/me/photo/$value`,
    // Lab users' mail is their UPN.
    email: user.upn,
  };
}

function unauthorized(ctx: EntraContext, reply: FastifyReply, e: BearerError): FastifyReply {
  const params = [`realm=""`, `authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"`, `client_id="${RESOURCES.graphAppId}"`];
  if (e.error) params.push(`error="${e.error}"`, `error_description="${e.message.replace(/"/g, "'")}"`);
  const date = ctx.lab.clock.date().toISOString().replace(/\.\d+Z$/, '');
  return reply
    .code(e.error === 'invalid_request' ? 400 : 401)
    .header('www-authenticate', `Bearer ${params.join(', ')}`)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify({ error: { code: e.graphCode, message: e.message, innerError: { date, 'request-id': ctx.lab.ids.uuid(), 'client-request-id': ctx.lab.ids.uuid() } } }));
}

export function registerUserInfo(app: FastifyInstance, ctx: EntraContext): void {
  const handler = async (req: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    try {
      resolveTenant(ctx, req.params.tenant);
      const token = tokenOf(req);
      if (!token) throw new BearerError(null, 'InvalidAuthenticationToken', 'Access token is empty.');
      const { user, clientId } = await userOfToken(ctx, token);
      return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(userInfoClaims(user, clientId)));
    } catch (e) {
      if (e instanceof BearerError) return unauthorized(ctx, reply, e);
      // An unknown tenant segment: the token cannot be for it.
      if (e instanceof OAuthError) return unauthorized(ctx, reply, new BearerError('invalid_token', 'InvalidAuthenticationToken', e.message));
      throw e;
    }
  };
  app.get(ENTRA_PATHS.userinfo(':tenant'), handler);
  app.post(ENTRA_PATHS.userinfo(':tenant'), handler);
}
