import type { Scenario } from './types.js';
import { AUTOPILOT_OPTIONS, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { linkedByEuaToken } from './flows/expectations.js';

const withoutSignIn = AUTOPILOT_OPTIONS.filter((o) => o.name !== 'signIn');

/** OOBE sign-in with the device code flow (RFC 8628): the user enters the code on another screen. */
export const deviceCodeSignin: Scenario<AutopilotOutcome> = {
  name: 'device-code-signin',
  title: 'Device code sign-in, then EUA: one prompt',
  description: 'The user signs in with a device code (authorization_pending until they enter it); the rest of the Autopilot run uses the EUA token, so that sign-in is the only prompt.',
  options: withoutSignIn,
  run: (world, o) => runAutopilot(world, optionsOf({ ...o, signIn: 'device-code' })),
  expect: (out) => [
    ...linkedByEuaToken(out),
    { kind: 'check', name: 'the token endpoint answered authorization_pending before the code was entered', check: (w) => {
      const pending = w.lab.recorder.all().some((s) => s.response?.body.includes('authorization_pending'));
      return { passed: pending, detail: pending ? 'seen' : 'not seen' };
    } },
  ],
};

/** A user with MFA: ROPC answers AADSTS50076, the user approves on the phone, the device redeems the approval. */
export const mfaSignin: Scenario<AutopilotOutcome> = {
  name: 'mfa-signin',
  title: 'MFA sign-in, then EUA: one prompt',
  description: 'The MFA user signs in: Entra asks for MFA (AADSTS50076), the user approves the push; the access token carries amr mfa, and the EUA token still spares the second prompt.',
  options: withoutSignIn,
  run: (world, o) => runAutopilot(world, optionsOf({ ...o, signIn: 'mfa' })),
  expect: (out) => [
    ...linkedByEuaToken(out),
    { kind: 'status', path: '/oauth2/', status: 400 },
    { kind: 'check', name: 'a token carries amr mfa', check: (w) => {
      const mfa = w.lab.recorder.all().some((s) => s.tokens.some((t) => Array.isArray(t.payload?.amr) && (t.payload.amr as unknown[]).includes('mfa')));
      return { passed: mfa, detail: mfa ? 'seen' : 'no token with amr mfa' };
    } },
  ],
};
