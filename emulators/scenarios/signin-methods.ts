import type { Scenario } from './types.js';
import { AUTOPILOT_OPTIONS, LAB_CLOCK_NEED, autopilotNeeds, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { linkedByEuaToken } from './flows/expectations.js';

const withoutSignIn = AUTOPILOT_OPTIONS.filter((o) => o.name !== 'signIn');

/** OOBE sign-in with the device code flow (RFC 8628): the user enters the code on another screen. */
export const deviceCodeSignin: Scenario<AutopilotOutcome> = {
  name: 'device-code-signin',
  title: 'Device code sign-in, then EUA: one prompt',
  description: 'The user signs in with a device code (authorization_pending until they enter it); the rest of the Autopilot run uses the EUA token, so that sign-in is the only prompt.',
  options: withoutSignIn,
  mdm: (o) => autopilotNeeds(o) ?? LAB_CLOCK_NEED,
  run: (world, o) => runAutopilot(world, optionsOf({ ...o, signIn: 'device-code' })),
  expect: (out) => [
    ...linkedByEuaToken(out),
    { kind: 'check', name: 'the token endpoint answered authorization_pending before the code was entered', check: (w) => {
      const pending = w.lab.recorder.all().some((s) => s.response?.body.includes('authorization_pending'));
      return { passed: pending, detail: pending ? 'seen' : 'not seen' };
    } },
  ],
};

/**
 * A user with MFA signs in as Windows does, on the login pages: the password, then the Authenticator push (BeginAuth),
 * EndAuth polled until the user approves on the phone, ProcessAuth, the code redeemed for DRS (entra-mde2.md
 * corrections §3). ROPC is never tried: for this user it would end at AADSTS50076.
 */
export const mfaSignin: Scenario<AutopilotOutcome> = {
  name: 'mfa-signin',
  title: 'MFA sign-in, then EUA: one prompt',
  description: 'The MFA user signs in on the login pages: after the password Entra shows "Approve sign in request", the user approves the push on the phone while the page polls EndAuth, and ProcessAuth sends the code; the tokens carry amr mfa, and the EUA token still spares the second prompt.',
  options: withoutSignIn,
  mdm: (o) => autopilotNeeds(o) ?? LAB_CLOCK_NEED,
  run: (world, o) => runAutopilot(world, optionsOf({ ...o, signIn: 'mfa' })),
  expect: (out) => [
    ...linkedByEuaToken(out),
    { kind: 'change', party: 'entra', table: 'mfa_requests', op: 'insert', why: 'BeginAuth sent the push' },
    { kind: 'check', name: 'the page polled EndAuth until the approved push made it answer Success', check: (w) => {
      const polls = w.lab.recorder.all().filter((s) => s.catalogId === 'entra.login.end-auth').map((s) => s.response?.body ?? '');
      const pending = polls.filter((b) => b.includes('"AuthenticationPending"')).length;
      const passed = polls.at(-1)?.includes('"Success":true') === true;
      return { passed, detail: `${polls.length} EndAuth polls, ${pending} AuthenticationPending` };
    } },
    { kind: 'check', name: 'ProcessAuth sent the code to ms-aadj-redir://auth/drs', check: (w) => {
      const loc = w.lab.recorder.all().find((s) => s.catalogId === 'entra.login.process-auth')?.response?.headers.location ?? '';
      const passed = String(loc).startsWith('ms-aadj-redir://auth/drs?code=');
      return { passed, detail: passed ? 'redirected with a code' : `Location: ${String(loc) || 'none'}` };
    } },
    { kind: 'check', name: 'a token carries amr mfa', check: (w) => {
      const mfa = w.lab.recorder.all().some((s) => s.tokens.some((t) => Array.isArray(t.payload?.amr) && (t.payload.amr as unknown[]).includes('mfa')));
      return { passed: mfa, detail: mfa ? 'seen' : 'no token with amr mfa' };
    } },
  ],
};
