import type { Db } from '../../lab/store.js';

/**
 * Fleet's Redis keys for the end-user-auth prompt and the SSO sessions, kept in lab_kv so step back restores them
 * (fleet.md §4.2 4c: RecordEndUserAuthPrompt, `eua_pending:<host_uuid>`, value = RFC3339Nano expiry, TTL 24 h).
 */
const PENDING_PREFIX = 'eua_pending:';
const SSO_PREFIX = 'mdm_sso_session:';

function put(db: Db, key: string, value: string, expiresAt: string): void {
  db.prepare(`INSERT INTO lab_kv(key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`).run(key, value, expiresAt);
}

export function recordEndUserAuthPrompt(db: Db, hostUuid: string, expiresAt: string): void {
  put(db, PENDING_PREFIX + hostUuid, expiresAt, expiresAt);
}

export function hasPendingEndUserAuthPrompt(db: Db, hostUuid: string, now: string): boolean {
  return db.prepare(`SELECT 1 FROM lab_kv WHERE key = ? AND expires_at > ?`).get(PENDING_PREFIX + hostUuid, now) !== undefined;
}

export function clearEndUserAuthPrompt(db: Db, hostUuid: string): void {
  db.prepare(`DELETE FROM lab_kv WHERE key = ?`).run(PENDING_PREFIX + hostUuid);
}

export interface PendingPrompt {
  hostUuid: string;
  expiresAt: string;
}

export function listPendingPrompts(db: Db, now: string): PendingPrompt[] {
  const rows = db.prepare(`SELECT key, expires_at FROM lab_kv WHERE key LIKE ? AND expires_at > ? ORDER BY key`).all(`${PENDING_PREFIX}%`, now) as { key: string; expires_at: string }[];
  return rows.map((r) => ({ hostUuid: r.key.slice(PENDING_PREFIX.length), expiresAt: r.expires_at }));
}

export interface SsoSession {
  initiator: string;
  hostUuid: string;
}

export function putSsoSession(db: Db, id: string, s: SsoSession, expiresAt: string): void {
  put(db, SSO_PREFIX + id, JSON.stringify(s), expiresAt);
}

export function ssoSession(db: Db, id: string, now: string): SsoSession | undefined {
  const row = db.prepare(`SELECT value FROM lab_kv WHERE key = ? AND expires_at > ?`).get(SSO_PREFIX + id, now) as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as SsoSession) : undefined;
}

export function deleteSsoSession(db: Db, id: string): void {
  db.prepare(`DELETE FROM lab_kv WHERE key = ?`).run(SSO_PREFIX + id);
}
