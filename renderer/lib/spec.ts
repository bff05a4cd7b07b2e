import type { SpecRef, Step } from '../../app/contract';
import { pathOf } from './format';

const DOC_URLS: Readonly<Record<string, string>> = {
  'MS-MDE2': 'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-mde2/',
  'MS-MDM': 'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-mdm/',
  'MS-DRS': 'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-drs/',
  'MS-OAPXBC': 'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-oapxbc/',
  'MS-XCEP': 'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-xcep/',
  'MS-WSTEP': 'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-wstep/',
  Fleet: 'https://github.com/fleetdm/fleet',
  'OAuth 2.0': 'https://www.rfc-editor.org/rfc/rfc6749',
  OIDC: 'https://openid.net/specs/openid-connect-core-1_0.html',
};

/** Where a request path belongs when the step carries no spec ref of its own (Fleet's routes, Entra's endpoints). */
const BY_PATH: ReadonlyArray<[RegExp, Omit<SpecRef, 'url'>]> = [
  [/EnrollmentServer\/Discovery\.svc|\/api\/mdm\/microsoft\/discovery/i, { doc: 'MS-MDE2', section: '3.1', title: 'Discovery service: Discover' }],
  [/\/api\/mdm\/microsoft\/policy/i, { doc: 'MS-MDE2', section: '3.3', title: 'Enrollment policy: GetPolicies (MS-XCEP)' }],
  [/\/api\/mdm\/microsoft\/enroll/i, { doc: 'MS-MDE2', section: '3.4', title: 'Enrollment service: RequestSecurityToken (MS-WSTEP)' }],
  [/\/api\/mdm\/microsoft\/management/i, { doc: 'MS-MDM', section: '3', title: 'OMA-DM management session (SyncML)' }],
  [/\/api\/mdm\/microsoft\/tos|\/api\/mdm\/microsoft\/auth/i, { doc: 'MS-MDE2', section: '3.2', title: 'Federated authentication / terms of use' }],
  [/\/api\/fleet\/orbit\/enroll/i, { doc: 'Fleet', section: 'orbit enroll', title: 'Orbit enrollment (end-user authentication, eua_token)' }],
  [/\/api\/fleet\/orbit\//i, { doc: 'Fleet', section: 'orbit API', title: 'Orbit agent API' }],
  [/\/mdm\/sso/i, { doc: 'Fleet', section: 'MDM SSO', title: 'End-user authentication (SSO) page' }],
  [/EnrollmentServer\/device|\/enrollmentserver\/|\/EnrollmentServer\/contract/i, { doc: 'MS-DRS', section: '3.1', title: 'Device Registration Service: join' }],
  [/\/\.well-known\/openid-configuration|\/discovery\/keys|\/keys$/i, { doc: 'OIDC', section: 'Discovery', title: 'OpenID provider metadata and signing keys' }],
  [/\/oauth2\/(v2\.0\/)?token/i, { doc: 'MS-OAPXBC', section: '3.2', title: 'Token endpoint (PRT, refresh, password grants)' }],
  [/\/oauth2\/(v2\.0\/)?(authorize|devicecode)/i, { doc: 'OAuth 2.0', section: '4', title: 'Authorization / device code' }],
];

export function docUrl(doc: string): string | undefined {
  return DOC_URLS[doc] ?? Object.entries(DOC_URLS).find(([k]) => doc.startsWith(k))?.[1];
}

/** The step's own spec ref (with a link), or one derived from its path; `derived` says which. */
export function specFor(step: Step): (SpecRef & { derived: boolean }) | null {
  if (step.spec) {
    const url = step.spec.url ?? docUrl(step.spec.doc);
    return { ...step.spec, ...(url && { url }), derived: false };
  }
  if (!step.request) return null;
  const path = pathOf(step.request.url);
  const hit = BY_PATH.find(([re]) => re.test(path));
  if (!hit) return null;
  const url = docUrl(hit[1].doc);
  return { ...hit[1], ...(url && { url }), derived: true };
}
