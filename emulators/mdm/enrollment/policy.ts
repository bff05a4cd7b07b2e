import type { MdmContext } from '../context.js';
import type { SoapEnvelope } from '../../protocols/soap.js';
import { validateGetPolicies, readHeaderToken, buildGetPoliciesResponse } from '../../protocols/mde2.js';
import { authBinarySecurityToken } from './auth.js';

/**
 * GetPolicies (MS-XCEP; fleet.md §2.3): the header token is fully authorized before Fleet's fixed policy is sent.
 * The only write is a freshly fetched Entra JWK Set, in one transaction after the token passed.
 */
export async function handleGetPolicies(ctx: MdmContext, env: SoapEnvelope): Promise<string> {
  const invalid = validateGetPolicies(env);
  if (invalid) throw new Error(invalid);
  const header = readHeaderToken(env);
  if ('error' in header) throw new Error(header.error);
  let auth;
  try {
    auth = await authBinarySecurityToken(ctx, header.token);
  } catch (e) {
    throw new Error(`validate binary security token: ${(e as Error).message}`);
  }
  if (auth.writes.length) ctx.store.tx((db) => auth.writes.forEach((w) => w(db)));
  return buildGetPoliciesResponse({ relatesTo: env.header.messageId });
}
