import { readFileSync } from 'node:fs';

/** Fleet's CREATE TABLE statements for the watched tables (test/fixtures/fleet-mysql/schema.sql). */
export const FLEET_MYSQL_SCHEMA = new URL('../fixtures/fleet-mysql/schema.sql', import.meta.url);

/** Each table's PRIMARY KEY columns, in key order, as the fixture's CREATE TABLE statements declare them. */
export function fleetPrimaryKeys(sql = readFileSync(FLEET_MYSQL_SCHEMA, 'utf8')): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of sql.matchAll(/CREATE TABLE `([^`]+)` \(([\s\S]*?)\n\) ENGINE/g)) {
    const pk = /PRIMARY KEY \(([^)]*)\)/.exec(m[2]!);
    if (pk) out[m[1]!] = pk[1]!.split(',').map((c) => c.trim().replace(/`/g, ''));
  }
  return out;
}
