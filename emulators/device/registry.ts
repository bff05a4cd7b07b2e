import type { Db } from '../lab/store.js';

/**
 * The part of the Windows registry the lab's Windows writes for a server: HKLM values set by ADMX-backed policies
 * (csp/admx.ts). Key and value names compare case-insensitively, as the registry does. A `<text>` element is a
 * REG_SZ, a `<decimal>` a REG_DWORD (Understanding ADMX-backed policies, learn.microsoft.com/windows/client-management/understanding-admx-backed-policies).
 */
export const REGISTRY_SCHEMA = `
CREATE TABLE IF NOT EXISTS registry_values (
  hive TEXT NOT NULL,                    -- HKLM
  key TEXT NOT NULL COLLATE NOCASE,      -- e.g. SOFTWARE\\FleetDM\\Orbit
  name TEXT NOT NULL COLLATE NOCASE,
  type TEXT NOT NULL,                    -- REG_SZ | REG_DWORD
  data TEXT NOT NULL,
  PRIMARY KEY (hive, key, name)
);
`;

export type RegistryType = 'REG_SZ' | 'REG_DWORD';

export function readRegistryValue(db: Db, key: string, name: string): string | undefined {
  return db.prepare(`SELECT data FROM registry_values WHERE hive = 'HKLM' AND key = ? AND name = ?`).pluck().get(trimKey(key), name) as string | undefined;
}

export function writeRegistryValue(db: Db, key: string, name: string, type: RegistryType, data: string): void {
  db.prepare(
    `INSERT INTO registry_values(hive, key, name, type, data) VALUES ('HKLM', ?, ?, ?, ?)
     ON CONFLICT(hive, key, name) DO UPDATE SET type = excluded.type, data = excluded.data`,
  ).run(trimKey(key), name, type, data);
}

export function deleteRegistryValue(db: Db, key: string, name: string): void {
  db.prepare(`DELETE FROM registry_values WHERE hive = 'HKLM' AND key = ? AND name = ?`).run(trimKey(key), name);
}

function trimKey(key: string): string {
  return key.replace(/^HKLM\\|^HKEY_LOCAL_MACHINE\\/i, '').replace(/\\+$/, '');
}
