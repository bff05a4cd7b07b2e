import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GRANT_TYPES, parseForm } from '../protocols/oauth.js';
import type { EntraContext } from './context.js';
import { AADSTS, DrsError, OAuthError, sendDrsError, sendOAuthError } from './errors.js';
import { resolveTenant } from './directory.js';
import { openidConfiguration, jwks } from './oidc.js';
import { passwordGrant, refreshTokenGrant } from './signin.js';
import { startDeviceCode, deviceCodeGrant } from './device-code.js';
import { mfaGrant } from './mfa.js';
import { srvChallenge } from './prt/nonce.js';
import { requestPrt } from './prt/request.js';
import { exchangePrt } from './prt/exchange.js';
import { drsDiscovery, drsNonce } from './drs/discovery.js';
import { joinDevice } from './drs/join.js';
import type { TokenVersion } from './tokens.js';
import { registerDeviceLogin } from './devicelogin.js';

type Params = { tenant: string };
type Req = FastifyRequest<{ Params: Params; Querystring: Record<string, string | undefined> }>;

const json = (reply: FastifyReply, status: number, body: unknown) =>
  reply.code(status).header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').send(JSON.stringify(body));

/** Run an OAuth handler: OAuthError → RFC 6749 §5.2 JSON; anything else is a server fault. */
async function oauth(ctx: EntraContext, reply: FastifyReply, fn: () => Promise<unknown> | unknown): Promise<FastifyReply> {
  try {
    const out = await fn();
    return typeof out === 'string' ? reply.code(200).header('content-type', 'application/jose; charset=utf-8').send(out) : json(reply, 200, out);
  } catch (e) {
    if (e instanceof OAuthError) return sendOAuthError(ctx, reply, e);
    throw e;
  }
}

async function drs(ctx: EntraContext, reply: FastifyReply, fn: () => Promise<unknown> | unknown, status = 200): Promise<FastifyReply> {
  try {
    return json(reply, status, await fn());
  } catch (e) {
    if (e instanceof DrsError) return sendDrsError(ctx, reply, e);
    if (e instanceof OAuthError) return sendDrsError(ctx, reply, new DrsError(e.status, e.error, `AADSTS${e.code}`, e.description));
    throw e;
  }
}

function decodeHeader(jws: string): Record<string, unknown> {
  try {
    const h = JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as unknown;
    if (h !== null && typeof h === 'object' && !Array.isArray(h)) return h as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw AADSTS.malformed('The request parameter is not a JWT.');
}

/** The token endpoint (v1 `/oauth2/token`, v2 `/oauth2/v2.0/token`): one grant per `grant_type` (entra-mde2.md §5, §6). */
async function token(ctx: EntraContext, req: Req, version: TokenVersion): Promise<unknown> {
  const tenant = resolveTenant(ctx, req.params.tenant);
  const form = parseForm(req.rawBody);
  switch (form.grant_type) {
    case undefined:
    case '':
      throw AADSTS.missingParameter('grant_type');
    case GRANT_TYPES.password:
      return passwordGrant(ctx, tenant, version, form);
    case GRANT_TYPES.refreshToken:
      return refreshTokenGrant(ctx, tenant, version, form);
    case GRANT_TYPES.deviceCode:
    case GRANT_TYPES.deviceCodeV1:
      return deviceCodeGrant(ctx, tenant, form);
    case GRANT_TYPES.mfa:
      return mfaGrant(ctx, tenant, form);
    case GRANT_TYPES.srvChallenge:
      return srvChallenge(ctx, req.params.tenant);
    case GRANT_TYPES.jwtBearer: {
      // PROTOCOL.md: the PRT request and the session-key exchange share grant and endpoint; the JWT header tells them apart.
      const jws = form.request;
      if (!jws) throw AADSTS.missingParameter('request');
      const header = decodeHeader(jws);
      if (header.alg === 'RS256' && header.x5c !== undefined) return requestPrt(ctx, tenant, jws, header);
      if (header.alg === 'HS256' && typeof header.ctx === 'string') return exchangePrt(ctx, tenant, version, jws, form);
      throw AADSTS.malformed('The request JWT is neither device-signed (RS256, x5c) nor session-key-signed (HS256, ctx).');
    }
    default:
      throw AADSTS.unsupportedGrant(form.grant_type);
  }
}

export function registerEntraRoutes(app: FastifyInstance, ctx: EntraContext): void {
  // OIDC discovery and keys (OIDC Discovery §4; Fleet fetches /common/discovery/v2.0/keys, fleet.md §1.4).
  app.get<{ Params: Params }>('/:tenant/.well-known/openid-configuration', (req, reply) =>
    oauth(ctx, reply, () => openidConfiguration(ctx, resolveTenant(ctx, req.params.tenant), req.params.tenant, '1.0')),
  );
  app.get<{ Params: Params }>('/:tenant/v2.0/.well-known/openid-configuration', (req, reply) =>
    oauth(ctx, reply, () => openidConfiguration(ctx, resolveTenant(ctx, req.params.tenant), req.params.tenant, '2.0')),
  );
  app.get<{ Params: Params }>('/:tenant/discovery/keys', (req, reply) => oauth(ctx, reply, () => (resolveTenant(ctx, req.params.tenant), jwks(ctx, '1.0'))));
  app.get<{ Params: Params }>('/:tenant/discovery/v2.0/keys', (req, reply) => oauth(ctx, reply, () => (resolveTenant(ctx, req.params.tenant), jwks(ctx, '2.0'))));

  app.post('/:tenant/oauth2/token', (req: Req, reply) => oauth(ctx, reply, () => token(ctx, req, '1.0')));
  app.post('/:tenant/oauth2/v2.0/token', (req: Req, reply) => oauth(ctx, reply, () => token(ctx, req, '2.0')));
  app.post('/:tenant/oauth2/devicecode', (req: Req, reply) =>
    oauth(ctx, reply, () => (resolveTenant(ctx, req.params.tenant), startDeviceCode(ctx, '1.0', parseForm(req.rawBody)))),
  );
  app.post('/:tenant/oauth2/v2.0/devicecode', (req: Req, reply) =>
    oauth(ctx, reply, () => (resolveTenant(ctx, req.params.tenant), startDeviceCode(ctx, '2.0', parseForm(req.rawBody)))),
  );
  // The page a device-code message points at: the user enters the code and signs in (devicelogin.ts).
  registerDeviceLogin(app, ctx);

  // Device Registration Service (entra-mde2.md §2–§3).
  app.get('/:tenant/Discover', (req: Req, reply) => drs(ctx, reply, () => drsDiscovery(ctx, resolveDrsTenant(ctx, req.params.tenant))));
  const nonce = (req: Req, reply: FastifyReply) => drs(ctx, reply, () => (resolveDrsTenant(ctx, req.params.tenant), drsNonce(ctx, req.params.tenant)));
  app.get('/EnrollmentServer/nonce/:tenant/', nonce);
  app.post('/EnrollmentServer/nonce/:tenant/', nonce);
  const join = (req: Req, reply: FastifyReply) =>
    drs(ctx, reply, () => {
      const v = req.query['api-version'];
      if (v !== '2.0' && v !== '1.0') throw new DrsError(400, 'invalid_request', 'unsupported_api_version', `api-version '${v ?? ''}' is not supported (2.0, 1.0).`);
      return joinDevice(ctx, req.headers.authorization, req.rawBody);
    });
  app.post('/EnrollmentServer/device/', join);
  app.post('/EnrollmentServer/device', join);
}

function resolveDrsTenant(ctx: EntraContext, segment: string) {
  try {
    return resolveTenant(ctx, segment);
  } catch {
    throw new DrsError(404, 'tenant_not_found', 'unknown_tenant', `Tenant '${segment}' is not known to this registration service.`);
  }
}

