/**
 * The software TPM's persistent state: only *loadable* objects (reference/entra-mde2.md §10): each private key or
 * secret sealed (AES-256-GCM) under the storage root key, next to its public part. Nothing here is usable without
 * the SRK, which is not in any party DB (see srk.ts).
 */
export const TPM_SCHEMA = `
CREATE TABLE IF NOT EXISTS tpm_objects (
  handle TEXT PRIMARY KEY,
  kind TEXT NOT NULL,            -- 'rsa-2048' | 'rsa-2048-pin' (Windows Hello) | 'session-key'
  purpose TEXT NOT NULL,         -- transport | device | mdm-client | ngc | prt-session
  parent TEXT,                   -- the key a session key was unwrapped with
  public_spki BLOB,              -- DER SubjectPublicKeyInfo (rsa only)
  sealed BLOB NOT NULL,          -- nonce(12) ‖ tag(16) ‖ AES-256-GCM ciphertext of the private part
  created_at TEXT NOT NULL
);
`;
