import type { Scenario } from './types.js';
import { expectTpmRefusal, swtpmDevice, tpmErrorsWere, countAfter, type TpmFaultOutcome } from './tpm-common.js';

const PIN = '246810';
/** A threshold small enough to show; Windows sets its own (Learn "TPM fundamentals", anti-hammering: 32 failures on Windows 10 1607+ and 11, UNCONFIRMED for every build). */
const MAX_TRIES = 3;

/**
 * Dictionary-attack lockout (Part 1 §19.8): every wrong authValue for a DA-protected key counts; at maxTries the
 * TPM refuses every DA-protected authorization with TPM_RC_LOCKOUT, the right PIN too, until recovery time passes
 * or the lockout hierarchy resets it (TPM2_DictionaryAttackLockReset). Needs swtpm.
 */
export const tpmLockout: Scenario<TpmFaultOutcome> = {
  name: 'tpm-lockout',
  title: 'TPM: in lockout after wrong PINs (TPM_RC_LOCKOUT)',
  description:
    `On swtpm (a real TPM 2.0; the scenario needs it): the TPM's lockout threshold is set to ${MAX_TRIES} (TPM2_DictionaryAttackParameters), the device joins, gets a PRT and provisions Windows Hello. The user types ${MAX_TRIES} wrong PINs (TPM_RC_AUTH_FAIL each); then even the right PIN is refused with TPM_RC_LOCKOUT, which Windows surfaces as TPM_20_E_LOCKOUT (0x80280921). The lockout reset (TPM2_DictionaryAttackLockReset, the TPM owner's move) lets the right PIN in again.`,
  options: [],
  run: async (world) => {
    const { device, tpm } = await swtpmDevice(world, { mfa: true });
    const out: TpmFaultOutcome = { device, errors: [] };
    await tpm.setLockoutPolicy(MAX_TRIES, 600, 600);
    await device.oobeSignIn('mfa');
    await device.join();
    await device.getPrt();
    await device.provisionHello({ pin: PIN });
    for (let i = 1; i <= MAX_TRIES; i++) await expectTpmRefusal(world, `wrong PIN ${i} of ${MAX_TRIES}`, () => device.helloSignIn({ pin: `13579${i}` }), out);
    await expectTpmRefusal(world, 'the right PIN, with the TPM in lockout', () => device.helloSignIn({ pin: PIN }), out);
    await tpm.resetLockout();
    await device.helloSignIn({ pin: PIN });
    return out;
  },
  expect: (out) => [
    tpmErrorsWere(out, [...Array.from({ length: MAX_TRIES }, () => ({ command: 'Sign', rc: 'TPM_RC_AUTH_FAIL' })), { command: 'Sign', rc: 'TPM_RC_LOCKOUT' }]),
    { kind: 'check', name: 'after the lockout reset the right PIN signs in', check: (w) => {
      const n = countAfter(w, 'tpm2.da-lock-reset', 'prt.request.hello');
      return { passed: n === 1, detail: `${n} Hello PRT request(s) answered after the reset` };
    } },
  ],
};
