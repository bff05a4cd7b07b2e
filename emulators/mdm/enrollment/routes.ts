import type { FastifyInstance } from 'fastify';
import type { MdmContext } from '../context.js';
import { verifyWindowsMdm } from '../fleet-error.js';
import { soapEndpoint } from './soap-endpoint.js';
import { handleDiscover } from './discovery.js';
import { handleGetPolicies } from './policy.js';
import { handleEnroll } from './enroll.js';
import { stsAuthPage, tosPage } from './pages.js';

/** Fleet's path constants (server/mdm/microsoft/microsoft_mdm.go). */
export const MDE2_PATHS = {
  // MSEnrollEntryPoint: whether Fleet routes it is UNCONFIRMED (fleet.md §2.1, §10: no registration found). The lab
  // serves it (GET probe → 200 empty, POST → discovery) so that a device given the well-known URL still enrolls.
  enrollEntryPoint: '/EnrollmentServer/Discovery.svc',
  discovery: '/api/mdm/microsoft/discovery',
  auth: '/api/mdm/microsoft/auth',
  policy: '/api/mdm/microsoft/policy',
  enroll: '/api/mdm/microsoft/enroll',
  tos: '/api/mdm/microsoft/tos',
} as const;

/** Registers the MS-MDE2 enrollment routes (fleet.md §2.1) on the MDM server. */
export async function registerEnrollment(app: FastifyInstance, ctx: MdmContext): Promise<void> {
  const discover = verifyWindowsMdm(ctx, soapEndpoint(ctx, 'discovery', (env) => handleDiscover(ctx, env)));
  // Windows probes the well-known entry point with a bare GET first and expects 200 with an empty body.
  app.get(MDE2_PATHS.enrollEntryPoint, verifyWindowsMdm(ctx, (_req, reply) => reply.code(200).send('')));
  app.post(MDE2_PATHS.enrollEntryPoint, discover);
  app.post(MDE2_PATHS.discovery, discover);
  app.post(MDE2_PATHS.policy, verifyWindowsMdm(ctx, soapEndpoint(ctx, 'policy', (env) => handleGetPolicies(ctx, env))));
  app.post(MDE2_PATHS.enroll, verifyWindowsMdm(ctx, soapEndpoint(ctx, 'enrollment', (env) => handleEnroll(ctx, env))));
  app.get(MDE2_PATHS.auth, verifyWindowsMdm(ctx, stsAuthPage()));
  app.get(MDE2_PATHS.tos, verifyWindowsMdm(ctx, tosPage(ctx)));
}
