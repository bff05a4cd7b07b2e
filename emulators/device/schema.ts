import { CSP_SCHEMA } from './csp/schema.js';
import { ADMX_SCHEMA } from './csp/admx.js';
import { REGISTRY_SCHEMA } from './registry.js';

/**
 * The virtual device's state (device.sqlite): its registry-like settings (`device_state`, one JSON value per
 * name), its certificate stores, its MSI jobs, its OMA-DM tree, the ADMX policies it ingested and the registry
 * values they wrote. The TPM keeps its own store (tpm.sqlite).
 */
export const DEVICE_SCHEMA = `
CREATE TABLE IF NOT EXISTS device_state (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS certificates (
  store TEXT NOT NULL,            -- Root/System, My/System, My/User
  thumbprint TEXT NOT NULL,       -- upper-hex SHA-1 of the DER
  subject TEXT NOT NULL,
  issuer TEXT NOT NULL,
  der BLOB NOT NULL,
  key_handle TEXT,                -- the TPM key that holds its private key, when the device has it
  PRIMARY KEY (store, thumbprint)
);
CREATE TABLE IF NOT EXISTS msi_jobs (
  product_id TEXT PRIMARY KEY,    -- {GUID} as in the LocURI
  job_id TEXT NOT NULL,
  version TEXT NOT NULL,
  content_urls TEXT NOT NULL,     -- JSON array
  file_hash TEXT NOT NULL,
  command_line TEXT NOT NULL,
  status INTEGER NOT NULL,        -- EnterpriseDesktopAppManagement Status: 10 … 70
  last_error INTEGER NOT NULL DEFAULT 0,
  last_error_desc TEXT NOT NULL DEFAULT '',
  reported INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
);
${CSP_SCHEMA}
${ADMX_SCHEMA}
${REGISTRY_SCHEMA}
`;
