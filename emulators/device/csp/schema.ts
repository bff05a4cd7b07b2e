/**
 * The device's OMA-DM management tree (MS-MDM; entra-mde2.md §8.3, §9): one row per node, interior or leaf, with
 * the commands a server may run on it. Paths are stored normalised (paths.ts).
 */
export const CSP_SCHEMA = `
CREATE TABLE IF NOT EXISTS csp_nodes (
  path TEXT PRIMARY KEY,
  interior INTEGER NOT NULL DEFAULT 0,
  value TEXT,
  format TEXT NOT NULL DEFAULT 'chr',  -- syncml:metinf Format: chr | int | bool | b64 | xml | node
  access TEXT NOT NULL DEFAULT 'Get'    -- the server commands allowed, comma separated
);
-- Windows' own record of the Enrollment Status Page per MDM provider (the Autopilot EnrollmentStatusTracking registry
-- key in Windows): when it showed, how it ended (released / failed) and what the failure screen offers.
CREATE TABLE IF NOT EXISTS esp_tracking (
  provider TEXT PRIMARY KEY,
  state TEXT NOT NULL,                  -- showing | released | failed
  started_at TEXT NOT NULL,
  ended_at TEXT,
  error_text TEXT,
  buttons TEXT,                         -- the failure screen's buttons, comma separated (BlockInStatusPage bits)
  collect_logs INTEGER NOT NULL DEFAULT 0
);
`;
