/** EnrollOrbitRequest (server/fleet/orbit.go, fleet.md §4.1) as the lab reads it: every field a string. */
export interface EnrollOrbitRequest {
  enroll_secret: string;
  hardware_uuid: string;
  hardware_serial: string;
  hostname: string;
  platform: string;
  platform_like: string;
  osquery_identifier: string;
  computer_name: string;
  hardware_model: string;
  /** A Fleet-signed JWT with the user's UPN and the Windows MDM DeviceID (omitempty). */
  eua_token: string;
}

const FIELDS: (keyof EnrollOrbitRequest)[] = [
  'enroll_secret',
  'hardware_uuid',
  'hardware_serial',
  'hostname',
  'platform',
  'platform_like',
  'osquery_identifier',
  'computer_name',
  'hardware_model',
  'eua_token',
];

/** Decode a JSON body the way Go's encoding/json fills a struct of strings: unknown keys ignored, a wrong type fails. */
export function parseJsonObject(raw: string): Record<string, unknown> | Error {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    return new Error(`json decoder error: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return new Error('json decoder error: expected a JSON object');
  return v as Record<string, unknown>;
}

export function parseEnrollOrbitRequest(raw: string): EnrollOrbitRequest | Error {
  const obj = parseJsonObject(raw);
  if (obj instanceof Error) return obj;
  const out = {} as EnrollOrbitRequest;
  for (const k of FIELDS) {
    const v = obj[k];
    if (v !== undefined && v !== null && typeof v !== 'string') return new Error(`json decoder error: json: cannot unmarshal ${typeof v} into Go struct field EnrollOrbitRequest.${k} of type string`);
    out[k] = typeof v === 'string' ? v : '';
  }
  return out;
}

/** X-Fleet-Capabilities: a comma-separated list (fleet.CapabilitiesHeader). */
export const CAPABILITIES_HEADER = 'x-fleet-capabilities';
/** What this server advertises back (fleet.GetServerOrbitCapabilities, a plausible subset). */
export const SERVER_ORBIT_CAPABILITIES = 'orbit_endpoints,token_rotation,end_user_email,escrow_buddy,setup_experience';

export function parseCapabilities(header: string | string[] | undefined): Set<string> {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return new Set(text.split(',').map((s) => s.trim()).filter((s) => s !== ''));
}
