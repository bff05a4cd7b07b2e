import type { MdmContext } from '../context.js';
import { MDM_PATHS } from '../../protocols/paths/mdm.js';
import type { SoapEnvelope } from '../../protocols/soap.js';
import { MDE2 } from '../../protocols/mde2/envelope.js';
import { validateDiscover, buildDiscoverResponse } from '../../protocols/mde2/discover.js';

/**
 * Discovery (MS-MDE2 3.1; fleet.md §2.2): Fleet's checks, then always AuthPolicy OnPremise, EnrollmentVersion 4.0
 * and this server's policy and enroll URLs (no AuthenticationServiceUrl: Fleet does not federate).
 */
export function handleDiscover(ctx: MdmContext, env: SoapEnvelope): string {
  const invalid = validateDiscover(env);
  if (invalid) throw new Error(invalid);
  return buildDiscoverResponse({
    relatesTo: env.header.messageId,
    activityId: ctx.lab.ids.uuid(),
    authPolicy: MDE2.authOnPremise,
    enrollmentVersion: MDE2.enrollmentVersion,
    enrollmentPolicyServiceUrl: ctx.url(MDM_PATHS.policy),
    enrollmentServiceUrl: ctx.url(MDM_PATHS.enroll),
  });
}
