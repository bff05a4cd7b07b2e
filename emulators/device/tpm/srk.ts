import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../lab/lab.js';

/**
 * The storage root key (SRK): the one secret of the software TPM, the stand-in for the key fused into a real
 * TPM's chip (kanidm hsm-crypto's "machine key", reference/entra-mde2.md §10).
 *
 * Where it lives, and why: in a file of its own, `<lab data dir>/tpm-srk.bin` (mode 0600), beside but outside the
 * party DBs. Snapshots, step back, bundles and the DB view only ever see `*.sqlite` stores, so none of them ever
 * holds the SRK; the TPM DB holds only blobs sealed under it. Step back restores sealed blobs, never the SRK, and
 * the SRK never changes during a lab's life, so every restored blob still unseals. It is drawn from `lab.ids` so a
 * seeded run seals byte-identically.
 */
export function loadOrCreateSrk(lab: Lab): Buffer {
  const file = join(lab.dataDir, 'tpm-srk.bin');
  if (existsSync(file)) {
    const srk = readFileSync(file);
    if (srk.length === 32) return srk;
  }
  mkdirSync(lab.dataDir, { recursive: true });
  const srk = lab.ids.bytes(32);
  writeFileSync(file, srk, { mode: 0o600 });
  return srk;
}
