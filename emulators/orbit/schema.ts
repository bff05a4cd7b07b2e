/** Orbit's own state (orbit.sqlite): what fleetd keeps on disk: its node key, its settings, the last config. */
export const ORBIT_SCHEMA = `
CREATE TABLE IF NOT EXISTS orbit_state (
  name TEXT PRIMARY KEY,   -- fleet_url, enroll_secret, eua_token, node_key (secret-orbit-node-key.txt), config, sso_opened_at
  value TEXT NOT NULL
);
`;
