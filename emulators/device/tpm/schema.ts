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

/**
 * The swtpm backend's state: only what a TPM hands back to keep (Part 3 §12.1: TPM2B_PUBLIC and TPM2B_PRIVATE,
 * the latter encrypted by the TPM under its parent), as kanidm hsm-crypto keeps a LoadableRS256Key. The private
 * keys themselves exist only inside swtpm; `public_spki` is derived from the public area for the device's use.
 */
export const SWTPM_SCHEMA = `
CREATE TABLE IF NOT EXISTS swtpm_objects (
  handle TEXT PRIMARY KEY,
  kind TEXT NOT NULL,            -- 'rsa-2048' | 'rsa-2048-pin' (Windows Hello) | 'session-hmac-key' (the PRT session key as an HMAC key)
  purpose TEXT NOT NULL,         -- transport | device | mdm-client | ngc | prt-session
  parent TEXT,                   -- the key a session key was unwrapped with
  tpm2b_public BLOB NOT NULL,    -- TPM2B_PUBLIC as TPM2_Create returned it
  tpm2b_private BLOB NOT NULL,   -- TPM2B_PRIVATE: sealed by the TPM under the storage key, opaque here
  public_spki BLOB,              -- DER SubjectPublicKeyInfo of an RSA key
  created_at TEXT NOT NULL
);
`;
