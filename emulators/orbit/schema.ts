/** Orbit's own state (orbit.sqlite): what fleetd keeps on disk: its node key, its settings, the last config. */
export const ORBIT_SCHEMA = `
CREATE TABLE IF NOT EXISTS orbit_state (
  name TEXT PRIMARY KEY,   -- fleet_url, enroll_secret, eua_token, node_key (secret-orbit-node-key.txt), config, sso_opened_at, version
  value TEXT NOT NULL
);
-- Files under orbit's root dir, by their Windows path (C:\\Program Files\\Orbit\\secret.txt, secret-orbit-node-key.txt).
CREATE TABLE IF NOT EXISTS orbit_files (
  path TEXT PRIMARY KEY,
  content TEXT NOT NULL
);
-- The OS keystore orbit moves the enroll secret into (Windows Credential Manager), by its item name.
CREATE TABLE IF NOT EXISTS orbit_keystore (
  name TEXT PRIMARY KEY,
  secret TEXT NOT NULL
);
`;
