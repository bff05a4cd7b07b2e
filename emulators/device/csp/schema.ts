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
`;
