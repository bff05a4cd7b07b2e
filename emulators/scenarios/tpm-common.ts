import { createDevice, type VirtualDevice } from '../device/index.js';
import { chooseTpm, tpmResolution } from '../device/tpm/backend.js';
import { findSwtpm } from '../device/tpm/swtpm.js';
import { SwtpmTpm } from '../device/tpm/swtpm-tpm.js';
import { windowsTpmError } from '../device/tpm/windows-errors.js';
import { TpmError } from '../protocols/tpm2.js';
import type { Expectation } from './types.js';
import type { World } from './world.js';

/** What a TPM fault scenario gives its expectations. */
export interface TpmFaultOutcome {
  device: VirtualDevice;
  /** The TPM errors the run met, in order: the command and its TPM_RC name. */
  errors: { command: string; rc: string }[];
}

/**
 * The device of a TPM fault scenario: these faults are a real TPM's (dictionary-attack lockout, authValue checks,
 * a storage seed a clear replaces), so the device gets swtpm whatever --tpm says; without swtpm the scenario fails
 * at once and says so.
 */
export async function swtpmDevice(world: World, user: { mfa: boolean }): Promise<{ device: VirtualDevice; tpm: SwtpmTpm }> {
  if (!findSwtpm()) throw new Error('this scenario needs swtpm, a real TPM 2.0 (apt-get install swtpm swtpm-tools): the in-process TPM has no lockout, authValue or storage seed to show');
  if (tpmResolution(world.lab)?.backend !== 'swtpm') chooseTpm(world.lab, 'swtpm', 'this scenario needs a real TPM 2.0');
  const { lab, entra, mdm } = world;
  const u = entra.users.find((x) => x.mfa === user.mfa);
  if (!u) throw new Error('the lab tenant has no such user');
  const device = await createDevice({
    lab,
    entraUrl: entra.url,
    mdmUrl: mdm.url,
    user: { upn: u.upn, password: u.password, approveDeviceCode: (code) => entra.approveDeviceCode(code, u.upn), approveMfa: (id) => entra.resolveMfa(id, true) },
  });
  world.devices.push(device);
  if (!(device.tpm instanceof SwtpmTpm)) throw new Error('the device did not get swtpm');
  return { device, tpm: device.tpm };
}

/**
 * Run `fn`, which the TPM is to refuse; record how Windows surfaces the refusal (a `tpm.windows-error` step) and
 * return the error. Anything else than a TPM error is a real failure and propagates.
 */
export async function expectTpmRefusal(world: World, what: string, fn: () => Promise<unknown>, out: TpmFaultOutcome): Promise<TpmError | null> {
  try {
    await fn();
    return null;
  } catch (e) {
    if (!(e instanceof TpmError)) throw e;
    out.errors.push({ command: e.command, rc: e.decoded.name });
    const win = windowsTpmError(e.decoded);
    await world.lab.local(
      { party: 'device', to: 'user', catalogId: 'tpm.windows-error', title: `Windows: ${what}: ${win.ncrypt.name} (${win.ncrypt.hresult}) from TPM2_${e.command} ${e.decoded.name}`, detail: { tpmCommand: `TPM2_${e.command}`, tpmRc: e.decoded, ...win } },
      () => undefined,
    );
    return e;
  }
}

/** The run met these TPM errors, in this order. */
export function tpmErrorsWere(out: TpmFaultOutcome, want: { command: string; rc: string }[]): Expectation {
  return {
    kind: 'check',
    name: `the TPM refused: ${want.map((w) => `TPM2_${w.command} ${w.rc}`).join(', ')}`,
    check: () => ({ passed: JSON.stringify(out.errors) === JSON.stringify(want), detail: `got ${out.errors.map((w) => `TPM2_${w.command} ${w.rc}`).join(', ') || 'no TPM error'}` }),
  };
}

/** How many steps of a catalog id answered (HTTP 200 / closed without error) after the first step of another. */
export function countAfter(w: World, firstId: string, id: string): number {
  const all = w.lab.recorder.all();
  const from = all.find((s) => s.catalogId === firstId)?.index ?? Infinity;
  return all.filter((s) => s.index > from && s.catalogId === id && s.status === 'done' && (s.response?.status ?? 200) === 200).length;
}
