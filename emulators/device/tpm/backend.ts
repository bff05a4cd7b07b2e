import type { Lab } from '../../lab/lab.js';
import type { CsrSpec } from './csr.js';
import { SoftwareTpm, type KeyPurpose, type PublicFormat, type TpmKeyInfo } from './tpm.js';
import { SwtpmTpm } from './swtpm-tpm.js';
import { findSwtpm, swtpmVersion } from './swtpm.js';

/**
 * What the device asks of its TPM (the operations of kanidm hsm-crypto's Tpm traits that libhimmelblau uses,
 * src/provider/mod.rs). Two implementations: the in-process SoftwareTpm (tpm.ts), and SwtpmTpm (swtpm-tpm.ts),
 * which speaks the TPM 2.0 command interface to a real swtpm/libtpms process. No method returns a private key.
 */
export interface Tpm {
  readonly backend: TpmBackend;
  createKey(purpose: KeyPurpose): Promise<TpmKeyInfo>;
  keyInfo(handle: string): TpmKeyInfo;
  publicKey(handle: string): import('node:crypto').KeyObject;
  exportPublic(handle: string, format: PublicFormat): Promise<Buffer>;
  sign(handle: string, data: Buffer, hash?: 'sha256' | 'sha1'): Promise<Buffer>;
  signJwt(handle: string, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string>;
  createCsr(handle: string, spec: CsrSpec): Promise<Buffer>;
  decryptOaep(handle: string, ciphertext: Buffer, hash?: 'sha1' | 'sha256'): Promise<Buffer>;
  unwrapSessionKey(transportHandle: string, sessionKeyJwe: string): Promise<string>;
  sessionKeySignJwt(handle: string, payload: Record<string, unknown>, opts?: { kdfVer?: 1 | 2 }): Promise<string>;
  sessionKeyDecrypt(handle: string, jwe: string): Promise<string>;
  createHelloKey(pin: string): Promise<TpmKeyInfo>;
  signJwtWithPin(handle: string, pin: string, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string>;
  objects(): { handle: string; kind: string; purpose: string; parent: string | null }[];
  readonly storeFile: string;
}

export type TpmBackend = 'soft' | 'swtpm';
export type TpmChoice = TpmBackend | 'auto';
export const TPM_CHOICES: readonly TpmChoice[] = ['auto', 'swtpm', 'soft'];

export interface TpmResolution {
  backend: TpmBackend;
  choice: TpmChoice;
  reason: string;
}

/**
 * `auto`: swtpm when its binary is on PATH and the run is unseeded; otherwise the in-process TPM (a seeded run must
 * replay byte-identically, and swtpm's keys come from its own RNG).
 */
export function resolveTpm(choice: TpmChoice, seeded: boolean): TpmResolution {
  const bin = findSwtpm();
  if (choice === 'swtpm') {
    if (!bin) throw new Error('--tpm swtpm: the swtpm binary is not installed (apt-get install swtpm swtpm-tools)');
    return { backend: 'swtpm', choice, reason: `swtpm asked for (${swtpmVersion(bin) ?? bin})` };
  }
  if (choice === 'soft') return { backend: 'soft', choice, reason: 'the in-process software TPM asked for' };
  if (seeded) return { backend: 'soft', choice, reason: 'auto: a seeded run uses the in-process TPM so it replays byte-identically' };
  if (!bin) return { backend: 'soft', choice, reason: 'auto: swtpm is not installed, so the in-process TPM' };
  return { backend: 'swtpm', choice, reason: `auto: swtpm found (${swtpmVersion(bin) ?? bin})` };
}

const chosen = new WeakMap<Lab, TpmResolution>();
const opened = new WeakMap<Lab, Promise<Tpm>>();

/** Pick the TPM the devices of this lab get (world.ts calls this for a run's `--tpm`). */
export function chooseTpm(lab: Lab, choice: TpmChoice = 'soft', why?: string): TpmResolution {
  const r = resolveTpm(choice, lab.seed !== null);
  if (why) r.reason = `${why}; ${r.reason}`;
  chosen.set(lab, r);
  return r;
}

export function tpmResolution(lab: Lab): TpmResolution | undefined {
  return chosen.get(lab);
}

/**
 * The TPM of this lab's device(s): one per lab (devices of a lab share the `tpm` store, as before). A lab nobody
 * chose for gets the in-process TPM. When swtpm was chosen, or auto fell back for lack of it, a `tpm.backend`
 * step says which TPM and why (seeded runs on the in-process TPM get no step, so their bundles do not change).
 */
export function openTpm(lab: Lab): Promise<Tpm> {
  let p = opened.get(lab);
  if (!p) {
    const r = chosen.get(lab) ?? { backend: 'soft', choice: 'soft', reason: 'default' };
    p = (async (): Promise<Tpm> => {
      if (r.backend === 'soft' && (r.choice !== 'auto' || lab.seed !== null)) return SoftwareTpm.open(lab);
      await lab.local({ party: 'device', to: 'tpm', catalogId: 'tpm.backend', title: `TPM: ${r.backend === 'swtpm' ? 'swtpm (libtpms) over the TPM 2.0 command interface' : 'the in-process software TPM'}`, detail: { backend: r.backend, choice: r.choice, reason: r.reason } }, () => undefined);
      return r.backend === 'swtpm' ? SwtpmTpm.start(lab) : SoftwareTpm.open(lab);
    })();
    opened.set(lab, p);
  }
  return p;
}

/** Stop the lab's swtpm, if it has one (world close, lab close). */
export async function closeTpm(lab: Lab): Promise<void> {
  const p = opened.get(lab);
  if (!p) return;
  opened.delete(lab);
  const tpm = await p.catch(() => null);
  if (tpm instanceof SwtpmTpm) await tpm.stop();
}

/** A `--tpm` value, or an error naming the valid ones. */
export function parseTpmChoice(v: string | undefined): TpmChoice | Error {
  if (v === undefined) return 'auto';
  return (TPM_CHOICES as readonly string[]).includes(v) ? (v as TpmChoice) : new Error(`--tpm ${v}: expected one of ${TPM_CHOICES.join(', ')}`);
}
