import { createHash } from 'node:crypto';
import { parseBcryptRsaKeyBlob, BcryptBlobError } from '../../protocols/bcrypt-blob.js';
import type { KeyProvisionResponse } from '../../protocols/drs.js';
import type { EntraContext } from '../context.js';
import { DrsError } from '../errors.js';
import { findUser, getTenant } from '../directory.js';
import type { DeviceRow } from '../prt/device-auth.js';
import { verifyDrsBearer } from './bearer.js';

/** The amr values MS-KPP 3.1.5.1.1.3 step 2 accepts (libhimmelblau provision_hello_for_business_key checks ngcmfa or mfa). */
const MFA_AMR = ['ngcmfa', 'mfa', 'http://schemas.microsoft.com/claims/multipleauthn'];

/** The kid an NGC assertion names its key by: base64 SHA-256 of the BCRYPT_RSAKEY_BLOB (libhimmelblau, ROADtools get_privkey_kid). */
export function ngcKid(blob: Buffer): string {
  return createHash('sha256').update(blob).digest('base64');
}

export interface NgcKeyRow {
  kid: string;
  key_id: string;
  user_object_id: string;
  device_id: string;
  key_blob: string;
  created_at: string;
}

export function findNgcKey(ctx: EntraContext, kid: string): NgcKeyRow | undefined {
  return ctx.store.read((db) => db.prepare(`SELECT * FROM ngc_keys WHERE kid = ?`).get(kid) as NgcKeyRow | undefined);
}

/** Strict base64 (padding optional): `Buffer.from` would silently skip what is not base64. */
function base64(text: string): Buffer | null {
  const t = text.trim();
  if (t === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(t)) return null;
  return Buffer.from(t, 'base64');
}

/** `accept` (MS-KPP 2.2.1.6): application/json; a client that takes anything (`*\/*`, curl's default) is served too. */
function acceptsJson(accept: string | undefined): boolean {
  return !!accept && accept.split(',').some((t) => /^\s*(application\/json|\*\/\*|application\/\*)\s*(;|$)/i.test(t));
}

export interface KeyRequest {
  apiVersion: string | undefined;
  accept: string | undefined;
  authorization: string | undefined;
  rawBody: string;
}

/**
 * POST /EnrollmentServer/key/?api-version=1.0 (MS-KPP 3.1.5.1.1; libhimmelblau Services::provision_key, ROADtools
 * register_winhello_key): in the spec's order, the request's form (400), then the bearer token for DRS with
 * `deviceid` of a registered device, `upn` and an MFA amr (401), then the user (400), then the key written on the
 * user and device pair. Nothing is written unless every check passed.
 */
export async function provisionKey(ctx: EntraContext, r: KeyRequest): Promise<KeyProvisionResponse> {
  // Step 1: api-version 1.0, accept application/json, kngc present and base64.
  if (r.apiVersion !== '1.0') throw new DrsError(400, 'invalid_request', 'unsupported_api_version', `api-version '${r.apiVersion ?? ''}' is not supported (1.0).`);
  if (!acceptsJson(r.accept)) throw new DrsError(400, 'invalid_request', 'invalid_accept', "The accept header must be 'application/json'.");
  let body: unknown;
  try {
    body = JSON.parse(r.rawBody);
  } catch {
    throw new DrsError(400, 'invalid_request', 'invalid_json', 'The key provisioning request body is not JSON.');
  }
  const kngc = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).kngc : undefined;
  if (typeof kngc !== 'string') throw new DrsError(400, 'invalid_request', 'missing_kngc', "The key provisioning request lacks 'kngc'.");
  const blob = base64(kngc);
  if (!blob) throw new DrsError(400, 'invalid_request', 'invalid_kngc', "'kngc' is not base64.");
  try {
    // Windows Hello keys are RSA-2048 public blobs (libhimmelblau BcryptRsaKeyBlob::new(2048, …)).
    parseBcryptRsaKeyBlob(blob);
  } catch (e) {
    if (e instanceof BcryptBlobError) throw new DrsError(400, 'invalid_request', `invalid_kngc_${e.problem.replace(/-/g, '_')}`, `kngc: ${e.message}.`);
    throw e;
  }

  // Step 2: the token names a registered device, a user, and MFA.
  const tenant = getTenant(ctx);
  const caller = await verifyDrsBearer(ctx, tenant, r.authorization);
  const deviceId = caller.claims.deviceid;
  if (typeof deviceId !== 'string' || deviceId === '')
    throw new DrsError(401, 'AuthenticationError', 'error_missing_device', 'The access token has no deviceid: a Windows Hello key is registered from a joined device (a token from its PRT).');
  const device = ctx.store.read((db) => db.prepare(`SELECT * FROM devices WHERE device_id = ?`).get(deviceId) as DeviceRow | undefined);
  if (!device) throw new DrsError(401, 'AuthenticationError', 'error_device_not_found', `The device '${deviceId}' of the access token is not registered.`);
  if (!device.enabled) throw new DrsError(401, 'AuthenticationError', 'error_device_disabled', `The device '${deviceId}' is disabled.`);
  if (!caller.upn) throw new DrsError(401, 'AuthenticationError', 'error_missing_upn', 'The access token has no upn.');
  const amr = Array.isArray(caller.claims.amr) ? (caller.claims.amr as unknown[]) : [];
  if (!amr.some((a) => typeof a === 'string' && MFA_AMR.includes(a)))
    throw new DrsError(401, 'AuthenticationError', 'error_mfa_required', `The access token's amr [${amr.join(', ')}] has no ngcmfa or mfa: Windows Hello provisioning needs a recent multifactor authentication.`);

  // Step 3: the user the upn names.
  const user = findUser(ctx, caller.upn);
  if (!user || user.object_id !== caller.oid) throw new DrsError(400, 'DirectoryError', 'error_user_not_found', `No user '${caller.upn}' in the directory.`);

  // Step 4: the key on the user and device pair; one key is written once.
  const kid = ngcKid(blob);
  if (findNgcKey(ctx, kid)) throw new DrsError(400, 'DirectoryError', 'error_key_exists', 'This key is already registered.');
  const row: NgcKeyRow = { kid, key_id: ctx.lab.ids.uuid(), user_object_id: user.object_id, device_id: device.device_id, key_blob: blob.toString('base64'), created_at: ctx.iso() };
  ctx.store.tx((db) =>
    db.prepare(`INSERT INTO ngc_keys(kid, key_id, user_object_id, device_id, key_blob, created_at) VALUES (@kid, @key_id, @user_object_id, @device_id, @key_blob, @created_at)`).run(row),
  );
  // The Tokens tab checks NGC assertions against the key they name (observation only, lab/tokens.ts).
  ctx.lab.recorder.registerKey({ name: `Windows Hello key of ${user.upn} (ngc_keys)`, kid, publicKey: parseBcryptRsaKeyBlob(blob).publicKey });
  // Step 6: the UPN and a server-generated key id. No pctx: it names the domain controller an on-premises key landed on.
  return { kid: row.key_id, upn: user.upn };
}
