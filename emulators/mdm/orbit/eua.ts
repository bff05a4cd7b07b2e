import type { Db } from '../../lab/store.js';
import type { MdmContext } from '../context.js';
import { WstepTokenError, getEUATokenClaims } from '../wstep/tokens.js';
import { enrollmentByDeviceId } from '../store/management.js';
import { associateHostIdpAccount, getOrCreateIdpAccount, type IdpAccount } from '../store/idp.js';

export interface EuaTokenCheck {
  upn: string;
  deviceId: string;
}

/** A datastore error other than not-found in the token path: Fleet answers 500 (fleet.md corrections §3). */
export class EuaDatastoreError extends Error {
  override name = 'EuaDatastoreError';
}

/**
 * GetEUATokenClaims (wstep/tokens.ts, the one golang-jwt v4 parse of the WSTEP tokens) as a result: the claims, or
 * the reason Fleet logs when it falls back to END_USER_AUTH_REQUIRED.
 */
export function getEUATokenClaimsV4(ctx: MdmContext, token: string): { upn: string; deviceId: string } | { reason: string } {
  try {
    const { upn, deviceId } = getEUATokenClaims(ctx, token);
    return { upn, deviceId };
  } catch (e) {
    if (e instanceof WstepTokenError) return { reason: e.message };
    throw e;
  }
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
