import { parseBcryptRsaKeyBlob } from '../../protocols/bcrypt-blob.js';
import { sessionKeyJwe } from '../../protocols/prt-kdf.js';
import { GRANT_TYPES, clientInfo, type PrtResponse } from '../../protocols/oauth.js';
import { LIFETIMES, type EntraContext } from '../context.js';
import { AADSTS } from '../errors.js';
import { getUser, requirePublicClient, type TenantRow, type UserRow } from '../directory.js';
import { checkPassword } from '../signin.js';
import { findRefreshToken, idTokenClaims, insertRefreshToken, newRefreshToken, unsignedToken } from '../tokens.js';
import { authenticateDevice, type DeviceRow } from './device-auth.js';
import { checkNonce, spendNonce } from './nonce.js';
import { prtTgtFields, wantsTgt } from './tgt.js';
import { ngcUserProof } from './ngc.js';
import type { Db } from '../../lab/store.js';

/**
 * The user a PRT request proves (entra-mde2.md §6.2 payload variants: password, refresh_token, and the Windows Hello
 * jwt-bearer assertion, whose own nonce `spend` spends in the grant's transaction).
 */
function userOf(ctx: EntraContext, tenant: TenantRow, payload: Record<string, unknown>, device: DeviceRow, nonce: string): { user: UserRow; amr: string[]; spend?: (db: Db) => void } {
  const str = (k: string) => (typeof payload[k] === 'string' ? (payload[k] as string) : undefined);
  switch (payload.grant_type) {
    case GRANT_TYPES.jwtBearer:
      return ngcUserProof(ctx, device, payload.assertion, nonce);
    case 'password':
      // A PRT from a Windows logon carries pwd; MFA is enforced per app by policy, not at PRT issuance.
      return { user: checkPassword(ctx, tenant, str('username'), str('password')), amr: ['pwd'] };
    case 'refresh_token': {
      const token = str('refresh_token');
      if (!token) throw AADSTS.missingParameter('refresh_token');
      const rt = findRefreshToken(ctx, token);
      if (!rt || rt.kind !== 'rt') throw AADSTS.malformed('The refresh token is not one this tenant issued.');
      if (rt.revoked_at) throw AADSTS.refreshTokenRevoked();
      if (ctx.lab.clock.now() > Date.parse(rt.expires_at)) throw AADSTS.refreshTokenExpired();
      return { user: getUser(ctx, rt.user_object_id), amr: JSON.parse(rt.amr) as string[] };
    }
    default:
      throw AADSTS.unsupportedGrant(String(payload.grant_type ?? ''));
  }
}

/**
 * PRT request (§6.2–§6.4): a JWT signed by the device key (RS256, x5c) with a server nonce and the user's proof.
 * Answer: the PRT (opaque), `session_key_jwe` (a fresh 32-byte session key, RSA-OAEP to the device's transport
 * key from the join), an unsigned id_token. Nonce spent, PRT and session key stored, in one transaction.
 */
export async function requestPrt(ctx: EntraContext, tenant: TenantRow, jws: string, header: Record<string, unknown>, form: Record<string, string> = {}): Promise<PrtResponse> {
  const { device, payload } = await authenticateDevice(ctx, jws, header);
  const nonce = checkNonce(ctx, payload.request_nonce);
  const client = requirePublicClient(ctx, typeof payload.client_id === 'string' ? payload.client_id : undefined);
  const { user, amr: userAmr, spend } = userOf(ctx, tenant, payload, device, nonce);
  // Device-bound: the `rsa` method (§5.6).
  const amr = [...new Set([...userAmr, 'rsa'])];
  const transportKey = parseBcryptRsaKeyBlob(Buffer.from(device.transport_key, 'base64')).publicKey;

  const sessionKey = ctx.lab.ids.bytes(32);
  const prt = newRefreshToken(ctx, { kind: 'prt', user, clientId: client.app_id, deviceId: device.device_id, amr });
  // The OAEP seed comes from the lab's ids too, so that a seeded run is byte-identical.
  const jwe = sessionKeyJwe(sessionKey, transportKey, ctx.lab.ids.bytes(12), ctx.lab.ids.bytes(20));
  const idToken = unsignedToken(idTokenClaims(ctx, { user, tenant, clientId: client.app_id, version: '1.0', amr, preferredUsername: true }));
  ctx.store.tx((db) => {
    spendNonce(ctx, db, nonce);
    spend?.(db);
    insertRefreshToken(db, prt);
    db.prepare(`INSERT INTO session_keys(prt_id, session_key) VALUES (?, ?)`).run(prt.id, sessionKey);
  });
  const expiresOn = Math.floor(Date.parse(prt.expires_at) / 1000);
  const reply: PrtResponse = {
    token_type: 'pop',
    expires_in: String(LIFETIMES.prtS),
    ext_expires_in: '0',
    expires_on: String(expiresOn),
    refresh_token: prt.token,
    refresh_token_expires_in: LIFETIMES.prtS,
    session_key_jwe: jwe,
    id_token: idToken,
    client_info: clientInfo(user.object_id, tenant.id),
    device_tenant_id: tenant.id,
  };
  // `tgt=true` (entra-mde2.md §6.3): the Kerberos TGTs ride along, their client keys under this session key.
  return wantsTgt(form) ? { ...reply, ...prtTgtFields(ctx, user, sessionKey) } : reply;
}
