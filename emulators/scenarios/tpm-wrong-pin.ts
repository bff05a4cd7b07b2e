import type { Scenario } from './types.js';
import { expectTpmRefusal, swtpmDevice, tpmErrorsWere, countAfter, type TpmFaultOutcome } from './tpm-common.js';

const PIN = '246810';

/**
 * A wrong authValue: the Windows Hello key is a TPM key whose authValue comes from the PIN (ms_hello_key_create);
 * TPM2_Sign with a wrong one is refused with TPM_RC_AUTH_FAIL (Part 1 §19.6.8, the password authorization), and
 * nothing changes: the right PIN works next. Needs swtpm.
 */
export const tpmWrongPin: Scenario<TpmFaultOutcome> = {
  name: 'tpm-wrong-pin',
  title: 'TPM: a wrong Windows Hello PIN (TPM_RC_AUTH_FAIL)',
  description:
    'On swtpm (a real TPM 2.0; the scenario needs it): the device joins, gets a PRT and provisions Windows Hello. At the lock screen the user types a wrong PIN: TPM2_Sign with the Hello key fails with TPM_RC_AUTH_FAIL (session 1), which Windows surfaces as TPM_20_E_AUTH_FAIL / NTE_PERM, "The PIN is incorrect". The right PIN then signs in.',
  options: [],
  run: async (world) => {
    const { device } = await swtpmDevice(world, { mfa: true });
    const out: TpmFaultOutcome = { device, errors: [] };
    await device.oobeSignIn('mfa');
    await device.join();
    await device.getPrt();
    await device.provisionHello({ pin: PIN });
    await expectTpmRefusal(world, 'Windows Hello sign-in with a wrong PIN', () => device.helloSignIn({ pin: '135790' }), out);
    await device.helloSignIn({ pin: PIN });
    return out;
  },
  expect: (out) => [
    tpmErrorsWere(out, [{ command: 'Sign', rc: 'TPM_RC_AUTH_FAIL' }]),
    { kind: 'check', name: 'the right PIN signed in after the wrong one (a Hello PRT after the refusal)', check: (w) => {
      const n = countAfter(w, 'tpm.windows-error', 'prt.request.hello');
      return { passed: n === 1, detail: `${n} Hello PRT request(s) answered after the refusal` };
    } },
  ],
};
