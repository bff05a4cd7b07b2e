import type { Db } from '../../lab/store.js';
import type { MdmContext } from '../context.js';
import { loadIdentity } from '../wstep/identity.js';
import { JwtV4Error, parseJwtV4 } from './jwt-v4.js';
import { enrollmentByDeviceId } from '../store/management.js';
import { associateHostIdpAccount, getOrCreateIdpAccount, type IdpAccount } from '../store/idp.js';

export interface EuaTokenCheck {
  upn: string;
  deviceId: string;
}

/** Fleet's wrapper around the golang-jwt error (fleet.md corrections §4; server/mdm/microsoft/wstep.go GetEUATokenClaims). */
export const EUA_PARSE_WRAPPER = 'there was an error parsing the EUA token claims';

/** A datastore error other than not-found in the token path: Fleet answers 500 (fleet.md corrections §3). */
export class EuaDatastoreError extends Error {
  override name = 'EuaDatastoreError';
}

/**
 * GetEUATokenClaims: golang-jwt v4 ParseWithClaims with the identity cert's key on the lab clock, then `upn` and
 * `device_id` required. `sub` is not checked and the token is not single-use (fleet.md corrections §4).
 */
export function getEUATokenClaimsV4(ctx: MdmContext, token: string): { upn: string; deviceId: string } | { reason: string } {
  let claims: Record<string, unknown>;
  try {
    claims = parseJwtV4(token, loadIdentity(ctx).publicKey, ctx.lab.clock.now());
  } catch (e) {
    if (e instanceof JwtV4Error) return { reason: `${EUA_PARSE_WRAPPER}: ${e.message}` };
    throw e;
  }
  if (typeof claims.upn !== 'string' || claims.upn === '') return { reason: 'issue with UPN token claim' };
  if (typeof claims.device_id !== 'string' || claims.device_id === '') return { reason: 'issue with device_id token claim' };
  return { upn: claims.upn, deviceId: claims.device_id };
}

/**
 * processWindowsEUAToken, the checks (fleet.md §4.2 4a.1–4a.3; server/service/orbit_eua_test.go): a token that
 * does not parse or names no enrollment falls back to END_USER_AUTH_REQUIRED, its `reason` being what Fleet logs
 * (the response only says END_USER_AUTH_REQUIRED). Any other datastore error throws EuaDatastoreError (a 500).
 */
export async function checkWindowsEUAToken(ctx: MdmContext, token: string): Promise<EuaTokenCheck | { reason: string }> {
  const claims = getEUATokenClaimsV4(ctx, token);
  if ('reason' in claims) return claims;
  let enrollment;
  try {
    enrollment = ctx.store.read((db) => enrollmentByDeviceId(db, claims.deviceId));
  } catch (e) {
    throw new EuaDatastoreError(`get windows enrolled device by device id: ${(e as Error).message}`);
  }
  if (!enrollment) return { reason: `no windows mdm enrollment for device_id ${claims.deviceId}` };
  return { upn: claims.upn, deviceId: claims.deviceId };
}

/**
 * processWindowsEUAToken, the account (4a.4): get or create mdm_idp_accounts by email = UPN; an existing row's username
 * and fullname are kept. Since #45066 this is all it writes: the link waits until ds.EnrollOrbit made the host.
 */
export function getOrCreateEuaAccount(db: Db, ctx: MdmContext, upn: string, now: string): IdpAccount {
  return getOrCreateIdpAccount(db, upn, () => ctx.lab.ids.uuid(), now);
}

/**
 * processWindowsEUAToken as PR #43295 shipped it (4a.4–4a.5, profile eua-first): the account, then
 * host_mdm_idp_accounts(hardware_uuid → account) at once, before the host row exists and even when the enrollment
 * already has a host_uuid; no host_emails, so Fleet's host API shows device_mapping null (#45066).
 */
export function linkEUAAccount(db: Db, ctx: MdmContext, hardwareUuid: string, upn: string, now: string): IdpAccount {
  const account = getOrCreateEuaAccount(db, ctx, upn, now);
  associateHostIdpAccount(db, hardwareUuid, account.uuid, now);
  return account;
}
