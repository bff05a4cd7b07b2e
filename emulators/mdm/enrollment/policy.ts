import type { MdmContext } from '../context.js';
import type { SoapEnvelope } from '../../protocols/soap.js';
import { validateGetPolicies, buildGetPoliciesResponse } from '../../protocols/mde2/policy.js';
import { authorizeHeaderToken } from './auth.js';

/**
 * GetPolicies (MS-XCEP; fleet.md §2.3): the header token is fully authorized before Fleet's fixed policy is sent.
 * The only write is a freshly fetched Entra JWK Set, in one transaction after the token passed.
 */
export async function handleGetPolicies(ctx: MdmContext, env: SoapEnvelope): Promise<string> {
  const invalid = validateGetPolicies(env);
  if (invalid) throw new Error(invalid);
  const auth = await authorizeHeaderToken(ctx, env);
  if (auth.writes.length) ctx.store.tx((db) => auth.writes.forEach((w) => w(db)));
  return buildGetPoliciesResponse({ relatesTo: env.header.messageId });
}
