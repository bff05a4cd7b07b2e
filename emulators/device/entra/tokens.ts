import { decodeJwt } from 'jose';

/** The claims the device reads from an Entra access token (entra-mde2.md §5.6). */
export function accessTokenClaims(token: string): { tid: string; oid: string; upn: string; deviceid: string | null; exp: number } {
  const c = decodeJwt(token);
  return {
    tid: String(c.tid ?? ''),
    oid: String(c.oid ?? ''),
    upn: String(c.upn ?? c.unique_name ?? c.preferred_username ?? ''),
    deviceid: typeof c.deviceid === 'string' ? c.deviceid : null,
    exp: typeof c.exp === 'number' ? c.exp : 0,
  };
}
