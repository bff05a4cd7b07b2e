import type { FastifyInstance, FastifyReply } from 'fastify';
import { GRANT_TYPES, parseForm } from '../protocols/oauth.js';
import { ENTRA_PATHS } from '../protocols/paths/entra.js';
import type { EntraContext } from './context.js';
import { AADSTS, OAuthError, sendOAuthError } from './errors.js';
import { resolveTenant } from './directory.js';
import { sendJson, type TenantParams, type TenantRequest } from './http.js';
import { openidConfiguration, jwks } from './oidc.js';
import { passwordGrant, refreshTokenGrant } from './signin.js';
import { startDeviceCode, deviceCodeGrant } from './device-code.js';
import { authorizationCodeGrant } from './authorize/codes.js';
import { srvChallenge } from './prt/nonce.js';
import { requestPrt } from './prt/request.js';
import { exchangePrt } from './prt/exchange.js';
import type { TokenVersion } from './tokens.js';

/** Run an OAuth handler: OAuthError → RFC 6749 §5.2 JSON; anything else is a server fault. A string is a JWE/JWS answer. */
async function oauth(ctx: EntraContext, reply: FastifyReply, fn: () => Promise<unknown> | unknown): Promise<FastifyReply> {
  try {
    const out = await fn();
    return typeof out === 'string' ? reply.code(200).header('content-type', 'application/jose; charset=utf-8').send(out) : sendJson(reply, 200, out);
  } catch (e) {
    if (e instanceof OAuthError) return sendOAuthError(ctx, reply, e);
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
async function token(ctx: EntraContext, req: TenantRequest, version: TokenVersion): Promise<unknown> {
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
    case GRANT_TYPES.authorizationCode:
      return authorizationCodeGrant(ctx, tenant, version, form);
    case GRANT_TYPES.srvChallenge:
      return srvChallenge(ctx, req.params.tenant);
    case GRANT_TYPES.jwtBearer: {
      // PROTOCOL.md: the PRT request and the session-key exchange share grant and endpoint; the JWT header tells them apart.
      const jws = form.request;
      if (!jws) throw AADSTS.missingParameter('request');
      const header = decodeHeader(jws);
      if (header.alg === 'RS256' && header.x5c !== undefined) return requestPrt(ctx, tenant, jws, header, form);
      if (header.alg === 'HS256' && typeof header.ctx === 'string') return exchangePrt(ctx, tenant, version, jws, form);
      throw AADSTS.malformed('The request JWT is neither device-signed (RS256, x5c) nor session-key-signed (HS256, ctx).');
    }
    default:
      throw AADSTS.unsupportedGrant(form.grant_type);
  }
}

/** OIDC discovery and keys (OIDC Discovery §4; Fleet fetches /common/discovery/v2.0/keys, fleet.md §1.4). */
export function registerOidcMetadata(app: FastifyInstance, ctx: EntraContext): void {
  for (const version of ['1.0', '2.0'] as const) {
    app.get<{ Params: TenantParams }>(ENTRA_PATHS.openidConfiguration(':tenant', version), (req, reply) =>
      oauth(ctx, reply, () => openidConfiguration(ctx, resolveTenant(ctx, req.params.tenant), req.params.tenant, version)),
    );
    app.get<{ Params: TenantParams }>(ENTRA_PATHS.keys(':tenant', version), (req, reply) => oauth(ctx, reply, () => (resolveTenant(ctx, req.params.tenant), jwks(ctx, version))));
  }
}

/** The token endpoint, v1 and v2: every grant (entra-mde2.md §5, §6). */
export function registerTokenEndpoint(app: FastifyInstance, ctx: EntraContext): void {
  for (const version of ['1.0', '2.0'] as const) {
    app.post(ENTRA_PATHS.token(':tenant', version), (req: TenantRequest, reply) => oauth(ctx, reply, () => token(ctx, req, version)));
  }
}

/** The device authorization endpoint, v1 and v2 (RFC 8628 §3.1, entra-mde2.md §5.3). */
export function registerDeviceCodeEndpoint(app: FastifyInstance, ctx: EntraContext): void {
  for (const version of ['1.0', '2.0'] as const) {
    app.post(ENTRA_PATHS.deviceCode(':tenant', version), (req: TenantRequest, reply) =>
      oauth(ctx, reply, () => (resolveTenant(ctx, req.params.tenant), startDeviceCode(ctx, version, parseForm(req.rawBody)))),
    );
  }
}
