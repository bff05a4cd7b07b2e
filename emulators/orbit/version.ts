/** Compare dotted versions numerically ("1.55.0" ≥ "1.9.9"). */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const b = min.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/** The EUA_TOKEN MSI property needs orbit ≥ 1.55.0 (fleet.md corrections §3, confirmed by #40787 QA with fleetd 1.54). */
export const EUA_TOKEN_MIN_VERSION = '1.55.0';
/** The first orbit that sends X-Fleet-Capabilities: end_user_auth (fleet.md corrections §3). */
export const END_USER_AUTH_MIN_VERSION = '1.50.0';

/** X-Fleet-Capabilities orbit sends (fleet.md §4.1); end_user_auth came with the EUA agent work (#34847) in orbit 1.50.0. */
export function capabilitiesFor(version: string): string[] {
  const caps = ['orbit_endpoints', 'token_rotation', 'end_user_email', 'escrow_buddy'];
  // orbit advertises end_user_auth from 1.50.0 (fleet.md corrections §3); EUA_TOKEN needs 1.55.0 (#40787 QA).
  if (versionAtLeast(version, END_USER_AUTH_MIN_VERSION)) caps.push('end_user_auth');
  return caps;
}

/**
 * The first orbit that reads an enroll secret Fleet MDM delivered through the registry and asks Windows for an MDM
 * check-in when an enroll is refused (orbit/cmd/orbit windows enroll secret channel, orbit/pkg/profiles). Which
 * release shipped it is UNCONFIRMED: the lab gives it to the orbit that takes the EUA token.
 */
export const DELIVERED_SECRET_MIN_VERSION = '1.55.0';
