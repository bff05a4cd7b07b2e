import type { Db } from '../../lab/store.js';
import { AUTH_B64, AUTH_MD5, digestFromHash } from '../../protocols/syncml-auth.js';
import { type ParsedSyncMLMessage } from '../../protocols/syncml.js';
import { enrollmentByDeviceId, readNonce, type WindowsEnrollment } from '../store/management.js';

/** Fleet's requestAuthState (microsoft_mdm.go isTrustedRequest). */
export type AuthState = 'trusted' | 'rekey' | 'challenge' | 'unauthorized';

export type AuthOutcome =
  | { ok: true; state: AuthState; enrollment: WindowsEnrollment; acknowledge: boolean }
  | { ok: false; error: string };

/**
 * isTrustedRequest (fleet.md §2.10), read-only: the enrollment by Source/LocURI, then rekey (no hash and not
 * acknowledged), challenge (no Cred or no live nonce), the Cred format/type check, and the MD5 digest against
 * base64(credentials_hash) + ":" + nonce. The lab has no TLS client certs, so the CN path never applies.
 */
export function authenticate(db: Db, msg: ParsedSyncMLMessage, nowIso: string): AuthOutcome {
  const deviceId = msg.hdr.source.trim();
  const enrollment = enrollmentByDeviceId(db, deviceId);
  if (!enrollment) return { ok: false, error: 'device was not MDM enrolled' };
  if (!enrollment.credentials_acknowledged && enrollment.credentials_hash === null) return { ok: true, state: 'rekey', enrollment, acknowledge: false };
  const cred = msg.hdr.cred;
  if (!cred) return { ok: true, state: 'challenge', enrollment, acknowledge: false };
  const nonce = readNonce(db, deviceId, nowIso);
  if (nonce === undefined || nonce === '') return { ok: true, state: 'challenge', enrollment, acknowledge: false };
  if (cred.format === '' || cred.type === '') return { ok: false, error: 'SyncML credentials format or type is missing' };
  if (cred.format !== AUTH_B64 || cred.type !== AUTH_MD5) return { ok: false, error: 'SyncML credentials format or type is invalid' };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(cred.data) || cred.data.length % 4 !== 0) return { ok: false, error: 'decode SyncML credentials data: illegal base64 data' };
  if (enrollment.credentials_hash === null) return { ok: true, state: 'unauthorized', enrollment, acknowledge: false };
  const expected = digestFromHash(Buffer.from(enrollment.credentials_hash), nonce);
  if (!Buffer.from(cred.data, 'base64').equals(Buffer.from(expected, 'base64'))) return { ok: true, state: 'unauthorized', enrollment, acknowledge: false };
  return { ok: true, state: 'trusted', enrollment, acknowledge: !enrollment.credentials_acknowledged };
}
