import type { Scenario } from './types.js';
import { expectTpmRefusal, swtpmDevice, tpmErrorsWere, countAfter, type TpmFaultOutcome } from './tpm-common.js';

/**
 * A TPM clear (TPM2_Clear, Part 3 §24.6: tpm.msc "Clear TPM", or firmware): the owner hierarchy gets a new storage
 * seed, the SRK CreatePrimary derives is another key, and the device's saved TPM2B_PRIVATE blobs no longer load
 * (TPM2_Load: TPM_RC_INTEGRITY). The device key is gone: no PRT until the device joins again. Needs swtpm.
 */
export const tpmCleared: Scenario<TpmFaultOutcome> = {
  name: 'tpm-cleared',
  title: 'TPM: cleared, the device key no longer loads (TPM_RC_INTEGRITY)',
  description:
    'On swtpm (a real TPM 2.0; the scenario needs it): the device joins and gets a PRT. The TPM is then cleared and the device restarts. Asking for a PRT again needs the device key: TPM2_Load of its saved blob fails with TPM_RC_INTEGRITY, which Windows surfaces as TPM_20_E_INTEGRITY / NTE_BAD_KEYSET; Entra sign-in fails until the device is joined again.',
  options: [],
  run: async (world) => {
    const { device, tpm } = await swtpmDevice(world, { mfa: false });
    const out: TpmFaultOutcome = { device, errors: [] };
    await device.oobeSignIn('password');
    await device.join();
    await device.getPrt();
    await tpm.clear();
    await tpm.restart();
    await expectTpmRefusal(world, 'CloudAP asks for a PRT with the device key', () => device.getPrt(), out);
    return out;
  },
  expect: (out) => [
    tpmErrorsWere(out, [{ command: 'Load', rc: 'TPM_RC_INTEGRITY' }]),
    { kind: 'check', name: 'no PRT request went out after the clear', check: (w) => {
      const n = countAfter(w, 'tpm2.clear', 'prt.request');
      return { passed: n === 0, detail: `${n} PRT request(s) after the clear` };
    } },
  ],
};
