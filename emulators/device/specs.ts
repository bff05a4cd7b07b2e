import type { SpecRef } from '../lab/step.js';

/** The specification sections the device's steps belong to (shown on the Spec tab). */
export const SPEC = {
  ropc: { doc: 'RFC 6749', section: '4.3', title: 'Resource Owner Password Credentials grant (Entra v2 token endpoint)', url: 'https://learn.microsoft.com/entra/identity-platform/v2-oauth-ropc' },
  deviceCode: { doc: 'RFC 8628', section: '3.1–3.4', title: 'Device authorization grant', url: 'https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code' },
  refresh: { doc: 'RFC 6749', section: '6', title: 'Refreshing an access token (refresh token redeemed for another resource)' },
  drsDiscovery: { doc: 'MS-DVRD', section: '3.1.5.1', title: 'DRS discovery (Discover?api-version=1.9)', url: 'https://learn.microsoft.com/openspecs/windows_protocols/ms-dvrd' },
  drsJoin: { doc: 'MS-DRS', section: 'Device join (EnrollmentServer/device)', title: 'Device registration: PKCS#10 CSR + BCRYPT_RSAKEY_BLOB transport key', url: 'https://learn.microsoft.com/openspecs/windows_protocols/ms-dvrj' },
  prtNonce: { doc: 'MS-OAPXBC', section: '3.1.5.1.1', title: 'Nonce request (grant_type=srv_challenge)', url: 'https://learn.microsoft.com/openspecs/windows_protocols/ms-oapxbc' },
  prtRequest: { doc: 'MS-OAPXBC', section: '3.2.5.1.2', title: 'Primary Refresh Token request signed by the device key', url: 'https://learn.microsoft.com/openspecs/windows_protocols/ms-oapxbc' },
  prtExchange: { doc: 'MS-OAPXBC', section: '3.2.5.1.3', title: 'Exchange the PRT for an access token (session-key-signed request, JWE reply)', url: 'https://learn.microsoft.com/openspecs/windows_protocols/ms-oapxbc' },
  discoveryGet: { doc: 'MS-MDE2', section: '3.1', title: 'Discovery service probe (bare GET before the Discover POST)', url: 'https://learn.microsoft.com/openspecs/windows_protocols/ms-mde2' },
  discover: { doc: 'MS-MDE2', section: '3.1.4.1', title: 'Discover', url: 'https://learn.microsoft.com/openspecs/windows_protocols/ms-mde2' },
  getPolicies: { doc: 'MS-XCEP', section: '3.1.4.1', title: 'GetPolicies', url: 'https://learn.microsoft.com/openspecs/windows_protocols/ms-xcep' },
  rst: { doc: 'MS-WSTEP', section: '3.1.4.1', title: 'RequestSecurityToken (enrollment with a PKCS#10 CSR)', url: 'https://learn.microsoft.com/openspecs/windows_protocols/ms-wstep' },
  provisioning: { doc: 'MS-MDE2', section: '2.2.9.1', title: 'wap-provisioningdoc installed into the certificate stores, DMAcc and DMClient', url: 'https://learn.microsoft.com/openspecs/windows_protocols/ms-mde2' },
  omadm: { doc: 'MS-MDM', section: '2.2 / OMA-DM 1.2', title: 'OMA-DM management session (SyncML package)', url: 'https://learn.microsoft.com/openspecs/windows_protocols/ms-mdm' },
  msi: { doc: 'EnterpriseDesktopAppManagement CSP', section: 'MSI/{ProductID}/DownloadInstall', title: 'MSI install job (download, hash check, msiexec)', url: 'https://learn.microsoft.com/windows/client-management/mdm/enterprisedesktopappmanagement-csp' },
  user: { doc: 'Enrollscope', section: 'DESIGN.md Scenarios', title: 'The user is asked to authenticate' },
  setup: { doc: 'Enrollscope', section: 'entra-mde2.md §11.1', title: 'Windows setup: the virtual hardware' },
} satisfies Record<string, SpecRef>;
