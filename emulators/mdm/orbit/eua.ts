import type { Db } from '../../lab/store.js';
import type { MdmContext } from '../context.js';
import { getEUATokenClaims } from '../wstep/tokens.js';
import { enrollmentByDeviceId } from '../store/management.js';
import { associateHostIdpAccount, getOrCreateIdpAccount } from '../store/idp.js';

export interface EuaTokenCheck {
  upn: string;
  deviceId: string;
}

/**
 * processWindowsEUAToken, the checks (fleet.md §4.2 4a.1–4a.3): the token verifies with the identity cert on the
 * lab clock and its device_id names an MDM enrollment. Reads only; `reason` says why it failed (not sent, logged
 * in the step).
 */
export async function checkWindowsEUAToken(ctx: MdmContext, token: string): Promise<EuaTokenCheck | { reason: string }> {
  let claims;
  try {
    claims = await getEUATokenClaims(ctx, token);
  } catch (e) {
    return { reason: `validate EUA token: ${(e as Error).message}` };
  }
  const enrollment = ctx.store.read((db) => enrollmentByDeviceId(db, claims.deviceId));
  if (!enrollment) return { reason: `no windows mdm enrollment for device_id ${claims.deviceId}` };
  return { upn: claims.upn, deviceId: claims.deviceId };
}

/**
 * processWindowsEUAToken, the writes (4a.4–4a.5), inside the enroll transaction: get or create mdm_idp_accounts by
 * email = UPN (an existing row's username and fullname are kept), then link host_mdm_idp_accounts(hardware_uuid →
 * account), even when the enrollment already has a host_uuid.
 */
export function linkEUAAccount(db: Db, ctx: MdmContext, hardwareUuid: string, upn: string, now: string): string {
  const account = getOrCreateIdpAccount(db, upn, () => ctx.lab.ids.uuid(), now);
  associateHostIdpAccount(db, hardwareUuid, account.uuid, now);
  return account.uuid;
}
