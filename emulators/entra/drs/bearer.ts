import { jwtVerify, errors as joseErrors } from 'jose';
import { RESOURCES } from '../../protocols/oauth.js';
import type { EntraContext } from '../context.js';
import { DrsError } from '../errors.js';
import { loadKey } from '../keys.js';
import type { TenantRow } from '../directory.js';

export interface DrsCaller {
  oid: string;
  upn: string;
  tid: string;
  /** Every claim of the verified token (the key endpoint reads `deviceid` and `amr`, MS-KPP 3.1.5.1.1.3). */
  claims: Record<string, unknown>;
}

/**
 * The DRS access token (entra-mde2.md §3.1, §11.2): signed by this tenant's token key, not expired by the lab
 * clock, `aud` the DRS resource, `tid` this tenant.
 */
export async function verifyDrsBearer(ctx: EntraContext, tenant: TenantRow, authorization: string | undefined): Promise<DrsCaller> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!m) throw new DrsError(401, 'AuthenticationError', 'missing_token', 'An access token for the Device Registration Service is required (Authorization: Bearer).');
  const key = loadKey(ctx, 'token');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(m[1]!, key.publicKey, { algorithms: ['RS256'], currentDate: ctx.lab.clock.date() }));
  } catch (e) {
    const why = e instanceof joseErrors.JWTExpired ? 'The access token has expired.' : 'The access token signature is invalid.';
    throw new DrsError(401, 'AuthenticationError', 'invalid_token', why);
  }
  const aud = payload.aud;
  if (aud !== RESOURCES.drs && aud !== RESOURCES.drsAppId)
    throw new DrsError(401, 'AuthenticationError', 'invalid_audience', `The access token is for '${String(aud)}', not the Device Registration Service.`);
  if (payload.tid !== tenant.id) throw new DrsError(401, 'AuthenticationError', 'invalid_tenant', 'The access token belongs to another tenant.');
  if (typeof payload.oid !== 'string') throw new DrsError(401, 'AuthenticationError', 'invalid_token', 'The access token names no user.');
  const upn = typeof payload.upn === 'string' ? payload.upn : typeof payload.preferred_username === 'string' ? payload.preferred_username : '';
  return { oid: payload.oid, upn, tid: tenant.id, claims: payload };
}
