/**
 * Every route of the MDM server (the lab's Fleet), in one table: the server registers these paths and the clients
 * (device, orbit, the user's browser, tests) build their URLs from them. It imports nothing.
 *
 * Why here and not in `emulators/mdm/paths.ts`: a path is a protocol fact both sides of the wire share, and parties
 * never import each other, so the table lives with the other shared protocol facts. `mdm/` has no re-export of it:
 * a second name for the same table would only be one more place to look.
 *
 * Sources: Fleet's routes are registered in server/service/handler.go
 * (https://github.com/fleetdm/fleet/blob/main/server/service/handler.go); the MS-MDE2 paths are the constants of
 * server/mdm/microsoft/microsoft_mdm.go.
 */
export const MDM_PATHS = {
  /** MS-MDE2 §3.1: the well-known enrollment entry point (MSEnrollEntryPoint); whether Fleet routes it is UNCONFIRMED: the lab answers the GET probe with 200 and a POST as discovery. */
  enrollEntryPoint: '/EnrollmentServer/Discovery.svc',
  /** handler.go: MDE2DiscoveryPath → mdmMicrosoftDiscoveryEndpoint (MS-MDE2 §3.1 Discover). */
  discovery: '/api/mdm/microsoft/discovery',
  /** handler.go: MDE2AuthPath → mdmMicrosoftAuthEndpoint (MS-MDE2: the federated STS page of AuthPolicy Federated). */
  auth: '/api/mdm/microsoft/auth',
  /** handler.go: MDE2PolicyPath → mdmMicrosoftPolicyEndpoint (MS-XCEP GetPolicies, as MS-MDE2 uses it). */
  policy: '/api/mdm/microsoft/policy',
  /** handler.go: MDE2EnrollPath → mdmMicrosoftEnrollEndpoint (MS-WSTEP RequestSecurityToken, as MS-MDE2 uses it). */
  enroll: '/api/mdm/microsoft/enroll',
  /** handler.go: MDE2ManagementPath → mdmMicrosoftManagementEndpoint (OMA-DM SyncML 1.2, MS-MDM). */
  management: '/api/mdm/microsoft/management',
  /** handler.go: MDE2TOSPath → mdmMicrosoftTOSEndpoint (the Terms of Use page of an Entra-joined enrollment). */
  tos: '/api/mdm/microsoft/tos',
  /** handler.go: enrollOrbitEndpoint (orbit's enroll with the enroll secret). */
  orbitEnroll: '/api/fleet/orbit/enroll',
  /** handler.go: getOrbitConfigEndpoint (orbit's config poll, authenticated by orbit_node_key). */
  orbitConfig: '/api/fleet/orbit/config',
  /** Fleet's frontend route /mdm/sso (frontend/router): the page orbit opens on END_USER_AUTH_REQUIRED. */
  ssoPage: '/mdm/sso',
  /** handler.go: POST /api/_version_/fleet/mdm/sso → initiateMDMSSOEndpoint (the page posts under `latest`). */
  ssoStart: '/api/latest/fleet/mdm/sso',
  /** handler.go: POST /api/_version_/fleet/mdm/sso/callback → callbackMDMSSOEndpoint (the IdP posts under `v1`). */
  ssoCallback: '/api/v1/fleet/mdm/sso/callback',
  /** Lab only: the stand-in for the IdP's login page the SSO start redirects to (mdm/sso/pages.ts). */
  ssoIdpPage: '/mdm/sso/idp',
  /** download.fleetdm.com /stable/meta.json (fleetdbase.GetMetadata), served by the lab's MDM server itself. */
  fleetdMeta: '/stable/meta.json',
  /** download.fleetdm.com /stable/fleetd-base.msi (the MSI the install command points at), served by the lab. */
  fleetdBaseMsi: '/stable/fleetd-base.msi',
  /** handler.go: orbitSetupExperienceInitEndpoint (orbit starts the setup experience: items enqueued). */
  orbitSetupExperienceInit: '/api/fleet/orbit/setup_experience/init',
  /** handler.go: getOrbitSetupExperienceStatusEndpoint (orbit polls the setup experience, ~30 s). */
  orbitSetupExperienceStatus: '/api/fleet/orbit/setup_experience/status',
  /** handler.go: postOrbitSoftwareInstallResultEndpoint (orbit reports an install's exit code and output). */
  orbitSoftwareInstallResult: '/api/fleet/orbit/software_install/result',
} as const;
