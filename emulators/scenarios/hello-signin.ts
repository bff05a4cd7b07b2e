import type { Scenario } from './types.js';
import type { World } from './world.js';
import { AUTOPILOT_OPTIONS, LAB_CLOCK_NEED, autopilotNeeds, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { linkedByEuaToken } from './flows/expectations.js';
import { ENTRA_PATHS } from '../protocols/paths/entra.js';

/** The PIN the lab user sets up (a lab fixture: Windows asks for at least 6 digits by default policy, UNCONFIRMED). */
const LAB_PIN = '246810';

/** The first step of a kind that answered 200, at or after `from`. */
function firstOk(w: World, catalogId: string, from = 0) {
  return w.lab.recorder.all().find((s) => s.index >= from && s.catalogId === catalogId && s.response?.status === 200);
}

/**
 * Windows Hello for Business on an Entra-joined device (Learn "How Windows Hello for Business provisioning works"
 * and "… authentication"): MFA at OOBE, join, PRT; Hello provisioning (DRS token from the PRT, PIN, TPM key, MS-KPP
 * key registration); a Hello sign-in whose PRT comes from the NGC-signed assertion; the MDM enrollment then uses
 * the token from that PRT.
 */
export const helloSignin: Scenario<AutopilotOutcome> = {
  name: 'hello-signin',
  title: 'Windows Hello for Business: provision a PIN, sign in with it, enroll',
  description:
    'The MFA user signs in at OOBE and the device joins and gets a PRT. Windows Hello provisioning follows without a new MFA prompt (the OOBE MFA is fresh): a DRS token from the PRT, the user sets up a PIN, the TPM makes the Hello key, DRS registers it. The user then signs in with the PIN: the PRT comes from an assertion the Hello key signed, and the MDM enrollment continues with the token from that PRT.',
  options: AUTOPILOT_OPTIONS.filter((o) => o.name !== 'signIn'),
  mdm: (o) => autopilotNeeds(o) ?? LAB_CLOCK_NEED,
  run: (world, o) =>
    runAutopilot(
      world,
      optionsOf(
        { ...o, signIn: 'mfa' },
        {
          afterPrt: async (device) => {
            await device.provisionHello({ pin: LAB_PIN });
            await device.helloSignIn({ pin: LAB_PIN });
          },
        },
      ),
    ),
  expect: (out) => {
    const join = out.device.state.get('join');
    const hello = out.device.state.get('hello');
    return [
      // The PIN set-up and the PIN at the lock screen are Windows Hello gestures, not Entra sign-in prompts.
      ...linkedByEuaToken(out),
      { kind: 'status', path: ENTRA_PATHS.drsKeyProvision, status: 200 },
      { kind: 'change', party: 'entra', table: 'ngc_keys', op: 'insert' },
      { kind: 'row', party: 'entra', table: 'ngc_keys', where: { kid: hello?.kid ?? '(no Hello key on the device)', device_id: join?.deviceId ?? '(not joined)' }, present: true, why: 'the key is on this user and device pair' },
      {
        kind: 'check',
        name: 'the Hello PRT says MFA (amr rsa + mfa)',
        check: (w) => {
          const step = firstOk(w, 'prt.request.hello');
          const amr = step?.tokens.map((t) => t.payload?.amr).find(Array.isArray) as unknown[] | undefined;
          const ok = !!amr && amr.includes('rsa') && amr.includes('mfa');
          return { passed: ok, detail: step ? `amr ${JSON.stringify(amr ?? null)}` : 'no Hello PRT request answered 200' };
        },
      },
      {
        kind: 'check',
        name: 'the MDM enrollment used the token from the Hello PRT',
        check: (w) => {
          const helloPrt = firstOk(w, 'prt.request.hello');
          const exchange = helloPrt && firstOk(w, 'prt.exchange', helloPrt.index);
          const rst = exchange && firstOk(w, 'mde2.rst', exchange.index);
          return {
            passed: !!rst,
            detail: !helloPrt ? 'no Hello PRT' : !exchange ? 'no PRT exchange after the Hello PRT' : !rst ? 'no enrollment after the exchange' : `steps ${helloPrt.index + 1} → ${exchange.index + 1} → ${rst.index + 1}`,
          };
        },
      },
    ];
  },
};
