import type { Lab } from '../../emulators/lab/lab.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';

export const ENROLL = MDM_PATHS.orbitEnroll;
export const CONFIG = MDM_PATHS.orbitConfig;

export interface OrbitEnrollBody {
  enroll_secret: string;
  hardware_uuid: string;
  hardware_serial?: string;
  hostname?: string;
  platform?: string;
  eua_token?: string;
}

/** orbit's enroll call (fleet.md §4.1): JSON body, X-Fleet-Capabilities header. */
export async function orbitEnroll(lab: Lab, serverUrl: string, body: OrbitEnrollBody, capabilities = 'orbit_endpoints,token_rotation,end_user_auth') {
  const full = { hardware_serial: 'LAB-SERIAL-1', hostname: 'DESKTOP-LAB', platform: 'windows', platform_like: 'windows', computer_name: 'DESKTOP-LAB', hardware_model: 'Virtual Machine', osquery_identifier: '', ...body };
  return lab.send({
    from: 'orbit',
    to: 'mdm',
    request: { method: 'POST', url: serverUrl + ENROLL, headers: { 'content-type': 'application/json', 'x-fleet-capabilities': capabilities }, body: JSON.stringify(full) },
  });
}

export async function orbitConfig(lab: Lab, serverUrl: string, body: Record<string, unknown>) {
  return lab.send({ from: 'orbit', to: 'mdm', request: { method: 'POST', url: serverUrl + CONFIG, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } });
}
