import type { FastifyInstance } from 'fastify';
import type { MdmContext } from '../context.js';
import { verifyWindowsMdm } from '../fleet-error.js';
import { soapEndpoint } from './soap-endpoint.js';
import { handleDiscover } from './discovery.js';
import { handleGetPolicies } from './policy.js';
import { handleEnroll } from './enroll.js';
import { stsAuthPage, tosPage } from './pages.js';
import { MDM_PATHS } from '../../protocols/paths/mdm.js';

/**
 * Registers the MS-MDE2 enrollment routes (fleet.md §2.1) on the MDM server: the entry point, discovery, policy,
 * enroll, and the STS auth and Terms of Use pages Windows opens in between.
 */
export function registerEnrollment(app: FastifyInstance, ctx: MdmContext): void {
  const discover = verifyWindowsMdm(ctx, soapEndpoint(ctx, 'discovery', (env) => handleDiscover(ctx, env)));
  // Windows probes the well-known entry point with a bare GET first and expects 200 with an empty body.
  app.get(MDM_PATHS.enrollEntryPoint, verifyWindowsMdm(ctx, (_req, reply) => reply.code(200).send('')));
  app.post(MDM_PATHS.enrollEntryPoint, discover);
  app.post(MDM_PATHS.discovery, discover);
  app.post(MDM_PATHS.policy, verifyWindowsMdm(ctx, soapEndpoint(ctx, 'policy', (env) => handleGetPolicies(ctx, env))));
  app.post(MDM_PATHS.enroll, verifyWindowsMdm(ctx, soapEndpoint(ctx, 'enrollment', (env) => handleEnroll(ctx, env))));
  app.get(MDM_PATHS.auth, verifyWindowsMdm(ctx, stsAuthPage()));
  app.get(MDM_PATHS.tos, verifyWindowsMdm(ctx, tosPage(ctx)));
}
