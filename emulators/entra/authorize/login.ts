import type { FastifyReply } from 'fastify';
import type { EntraContext } from '../context.js';
import type { TenantRow } from '../directory.js';
import { AADSTS } from '../errors.js';
import { sendErrorPage } from './error-page.js';
import type { AuthorizeRequest } from './request.js';

/**
 * The interactive sign-in: the login page with its `$Config` (entra-mde2.md corrections §3). Scaffold of the
 * authorize foundation (the web sign-in slice of issue 12 replaces this body with the login-page protocol).
 */
export function startLogin(ctx: EntraContext, _tenant: TenantRow, reply: FastifyReply, _authz: AuthorizeRequest): FastifyReply {
  return sendErrorPage(ctx, reply, AADSTS.interactionRequired());
}
