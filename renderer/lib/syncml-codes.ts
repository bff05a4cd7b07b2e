/** OMA DM status codes (OMA-TS-DM_RepPro, §"Response Status Codes"; MS-MDM 2.2.7.1): what each one means. */
export const SYNCML_STATUS: Readonly<Record<string, string>> = {
  '200': 'OK: the command completed',
  '202': 'Accepted for processing (asynchronous)',
  '212': 'Authentication accepted for the session',
  '213': 'Chunked item accepted and buffered',
  '214': 'Operation cancelled',
  '215': 'Not executed (user declined or earlier command failed)',
  '216': 'Atomic roll back OK',
  '400': 'Bad request: the command could not be parsed',
  '401': 'Invalid credentials',
  '403': 'Forbidden',
  '404': 'Not found: no such node in the CSP tree',
  '405': 'Command not allowed on this node',
  '406': 'Optional feature not supported',
  '407': 'Missing credentials',
  '412': 'Incomplete command',
  '413': 'Request entity too large',
  '415': 'Unsupported media type or format',
  '416': 'Requested size too big',
  '418': 'Already exists',
  '420': 'Device full',
  '424': 'Size mismatch',
  '425': 'Permission denied',
  '500': 'Command failed',
  '506': 'Processing error',
  '507': 'Atomic failed',
  '516': 'Atomic roll back failed',
};

/** OMA DM alert codes (OMA-TS-DM_RepPro §"Alert Types"; MS-MDM 2.2.7.2). */
export const SYNCML_ALERT: Readonly<Record<string, string>> = {
  '1100': 'Display a message to the user',
  '1101': 'Ask the user to confirm',
  '1200': 'Server-initiated management session',
  '1201': 'Client-initiated management session',
  '1222': 'More messages follow (next message)',
  '1223': 'Session abort',
  '1224': 'Client event',
  '1226': 'Generic alert (result of an asynchronous command)',
};

export function statusMeaning(code: string): string {
  return SYNCML_STATUS[code] ?? (code.startsWith('2') ? 'Success' : code.startsWith('4') ? 'Originator error' : code.startsWith('5') ? 'Recipient error' : 'Unknown status');
}

/** A CSP path's configuration service provider and what it is for (Windows CSP reference). */
const CSPS: ReadonlyArray<[RegExp, string]> = [
  [/EnterpriseDesktopAppManagement\/MSI/i, 'EnterpriseDesktopAppManagement CSP: install an MSI (fleetd)'],
  [/\/DMClient\//i, 'DMClient CSP: enrollment and poll settings of the MDM client'],
  [/^\.\/DevDetail\b/i, 'DevDetail: device details (OS, firmware, hardware)'],
  [/^\.\/DevInfo\b/i, 'DevInfo: device id, manufacturer, model, language'],
  [/\/NodeCache\//i, 'NodeCache CSP: values the server keeps cached on the device'],
  [/\/Policy\//i, 'Policy CSP: a policy setting'],
  [/\/WindowsLicensing\//i, 'WindowsLicensing CSP'],
  [/\/HealthAttestation\//i, 'HealthAttestation CSP'],
  [/\/Reboot\//i, 'Reboot CSP'],
  [/\/CertificateStore\//i, 'CertificateStore CSP: certificates on the device'],
  [/\/EnterpriseModernAppManagement\//i, 'EnterpriseModernAppManagement CSP: Store apps'],
  [/\/DeviceStatus\//i, 'DeviceStatus CSP'],
  [/\/VPNv2\//i, 'VPNv2 CSP'],
  [/\/WiFi\//i, 'Wi-Fi CSP'],
];

export function cspMeaning(path: string): string | undefined {
  return CSPS.find(([re]) => re.test(path))?.[1];
}
