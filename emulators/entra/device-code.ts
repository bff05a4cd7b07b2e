import type { DeviceCodeResponse, TokenResponse } from '../protocols/oauth.js';
import { LIFETIMES, type EntraContext } from './context.js';
import { ENTRA_PATHS } from '../protocols/paths/entra.js';
import { AADSTS } from './errors.js';
import { getUser, requirePublicClient, resolveResource, type TenantRow } from './directory.js';
import { pollDecision } from './polling.js';
import { issueUserTokens, type TokenVersion } from './tokens.js';
import { tokenTarget } from './signin.js';

/** Device authorization grant (RFC 8628, entra-mde2.md §5.3); the user approves in the lab (EntraServer.approveDeviceCode). */
export interface DeviceCodeRow {
  device_code: string;
  user_code: string;
  client_id: string;
  resource: string | null;
  scope: string | null;
  version: TokenVersion;
  poll_interval: number;
  issued_at: string;
  expires_at: string;
  last_poll_at: string | null;
  status: 'pending' | 'approved' | 'denied' | 'redeemed';
  user_object_id: string | null;
  decided_at: string | null;
}

// RFC 8628 §6.1: a user code from an alphabet without look-alikes.
const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function userCode(ctx: EntraContext): string {
  return [...ctx.lab.ids.bytes(9)].map((b) => USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]).join('');
}

/** POST /{tenant}/oauth2/devicecode (v1, `resource`) and /oauth2/v2.0/devicecode (v2, `scope`). */
export function startDeviceCode(ctx: EntraContext, version: TokenVersion, form: Record<string, string>): DeviceCodeResponse {
  const client = requirePublicClient(ctx, form.client_id);
  const target = tokenTarget(ctx, version, form);
  const row: DeviceCodeRow = {
    device_code: `DAQABAAEAAAD--DLA3VO7QrddgJg7Wevr${ctx.lab.ids.text(96)}`,
    user_code: userCode(ctx),
    client_id: client.app_id,
    resource: target.resource.requested,
    scope: target.scope,
    version,
    poll_interval: LIFETIMES.deviceCodeIntervalS,
    issued_at: ctx.iso(),
    expires_at: ctx.iso(LIFETIMES.deviceCodeS * 1000),
    last_poll_at: null,
    status: 'pending',
    user_object_id: null,
    decided_at: null,
  };
  ctx.store.tx((db) =>
    db
      .prepare(
        `INSERT INTO device_codes(device_code, user_code, client_id, resource, scope, version, poll_interval, issued_at, expires_at, last_poll_at, status, user_object_id, decided_at)
         VALUES (@device_code, @user_code, @client_id, @resource, @scope, @version, @poll_interval, @issued_at, @expires_at, @last_poll_at, @status, @user_object_id, @decided_at)`,
      )
      .run(row),
  );
  const page = `${ctx.baseUrl}${ENTRA_PATHS.deviceLogin}`;
  const message = `To sign in, use a web browser to open the page ${page} and enter the code ${row.user_code} to authenticate.`;
  // v1 answers `verification_url` and numbers as strings (§5.3, UNCONFIRMED); v2 `verification_uri` and numbers.
  return version === '1.0'
    ? { user_code: row.user_code, device_code: row.device_code, verification_url: page, expires_in: String(LIFETIMES.deviceCodeS), interval: String(row.poll_interval), message }
    : { user_code: row.user_code, device_code: row.device_code, verification_uri: page, expires_in: LIFETIMES.deviceCodeS, interval: row.poll_interval, message };
}

export function findDeviceCodeByUserCode(ctx: EntraContext, code: string): DeviceCodeRow | undefined {
  return ctx.store.read((db) => db.prepare(`SELECT * FROM device_codes WHERE user_code = ? COLLATE NOCASE`).get(code.replace(/[\s-]/g, '')) as DeviceCodeRow | undefined);
}

/** Polling: `grant_type=urn:ietf:params:oauth:grant-type:device_code` with `device_code`, or v1 `device_code` with `code` (ROADtools). */
export async function deviceCodeGrant(ctx: EntraContext, tenant: TenantRow, form: Record<string, string>): Promise<TokenResponse> {
  const client = requirePublicClient(ctx, form.client_id);
  const code = form.device_code ?? form.code;
  if (!code) throw AADSTS.missingParameter('device_code');
  const row = ctx.store.read((db) => db.prepare(`SELECT * FROM device_codes WHERE device_code = ?`).get(code) as DeviceCodeRow | undefined);
  if (!row || row.client_id !== client.app_id) throw AADSTS.badVerificationCode();
  const outcome = pollDecision(ctx, row, AADSTS.deviceCodeDeclined, AADSTS.codeExpired);
  if (outcome.kind === 'error') {
    const write = outcome.write;
    if (write) ctx.store.tx((db) => db.prepare(`UPDATE device_codes SET last_poll_at = ?, poll_interval = ? WHERE device_code = ?`).run(write.last_poll_at, write.poll_interval, row.device_code));
    throw outcome.error;
  }
  const user = getUser(ctx, row.user_object_id ?? '');
  // The user signed in at the device-login page: with MFA when their account requires it.
  const amr = user.mfa_required ? ['pwd', 'mfa'] : ['pwd'];
  return issueUserTokens(
    ctx,
    { user, tenant, clientId: row.client_id, version: row.version, resource: resolveResource(ctx, row.resource ?? ''), scope: row.scope, amr, deviceId: null, clientInfo: form.client_info === '1' },
    (db) => db.prepare(`UPDATE device_codes SET last_poll_at = ?, status = 'redeemed' WHERE device_code = ?`).run(outcome.write.last_poll_at, row.device_code),
  );
}

/** Device codes a user has not entered yet (not expired on the lab clock), oldest first: for the lab's UI. */
export function pendingDeviceCodes(ctx: EntraContext): { userCode: string; clientId: string; expiresAt: string }[] {
  return ctx.store.read(
    (db) =>
      db.prepare(`SELECT user_code AS userCode, client_id AS clientId, expires_at AS expiresAt FROM device_codes WHERE status = 'pending' AND expires_at > ? ORDER BY issued_at`).all(ctx.iso()) as {
        userCode: string;
        clientId: string;
        expiresAt: string;
      }[],
  );
}
