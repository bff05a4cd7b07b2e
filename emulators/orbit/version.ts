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

/** The EUA_TOKEN MSI property needs orbit ≥ 1.55.0 per a third-party analysis (fleet.md §3: UNCONFIRMED). */
export const EUA_TOKEN_MIN_VERSION = '1.55.0';

/** X-Fleet-Capabilities orbit sends (fleet.md §4.1); end_user_auth came with the EUA agent work (#34847). */
export function capabilitiesFor(version: string): string[] {
  const caps = ['orbit_endpoints', 'token_rotation', 'end_user_email', 'escrow_buddy'];
  // The version that first advertised end_user_auth is UNCONFIRMED; 1.40.0 is assumed here, in one place.
  if (versionAtLeast(version, '1.40.0')) caps.push('end_user_auth');
  return caps;
}
