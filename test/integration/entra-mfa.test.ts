import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startEntra, bob, type EntraFixture } from '../helpers/entra.js';
import { authorizePage, beginAuth, endAuthPoll, page, postPassword } from '../helpers/login-pages.js';
import type { LoginConfig } from '../../emulators/protocols/login-config.js';

let f: EntraFixture;
beforeEach(async () => {
  f = await startEntra();
});
afterEach(async () => {
  await f.dispose();
});

/** Bob on the MFA page of the login pages (libhimmelblau's order: authorize, the password POST). */
async function tfaPage(): Promise<LoginConfig> {
  const first = await authorizePage(f);
  return page(await postPassword(f, first.config, bob(f).upn, bob(f).password)).config;
}

describe('the Authenticator push on the lab phone (mfa_requests, answered through EntraServer.resolveMfa)', () => {
  it('the MFA page alone sends no push: BeginAuth does', async () => {
    const tfa = await tfaPage();
    expect(f.entra.pendingMfa()).toEqual([]);
    const begun = await beginAuth(f, tfa);
    expect(f.entra.pendingMfa()).toEqual([{ id: begun.SessionId, upn: bob(f).upn, entropy: begun.Entropy }]);
  });

  it('a second BeginAuth while the push waits answers the same push, writing nothing', async () => {
    const tfa = await tfaPage();
    const first = await beginAuth(f, tfa);
    const before = f.entra.store.fileBytes();
    const again = await beginAuth(f, tfa);
    expect(f.entra.store.fileBytes().equals(before)).toBe(true);
    expect(again).toMatchObject({ Success: true, SessionId: first.SessionId, Entropy: first.Entropy });
  });

  it("the user's answer is a local step from the user to Entra, titled with the number to match", async () => {
    const tfa = await tfaPage();
    const begun = await beginAuth(f, tfa);
    f.entra.resolveMfa(begun.SessionId, true);
    const step = f.lab.recorder.all().at(-1)!;
    expect(step).toMatchObject({ kind: 'local', from: 'user', to: 'entra', catalogId: 'user.mfa-answer', title: `User approves sign-in (number ${begun.Entropy})` });
    expect(step.changes.map((c) => [c.table, c.op])).toEqual([['mfa_requests', 'update']]);
    expect(f.entra.pendingMfa()).toEqual([]);
  });

  it('a denied push cannot be approved afterwards', async () => {
    const begun = await beginAuth(f, await tfaPage());
    f.entra.resolveMfa(begun.SessionId, false);
    expect(() => f.entra.resolveMfa(begun.SessionId, true)).toThrow(/already denied/);
  });

  it('an unanswered push expires after five minutes: no longer listed, EndAuth says PhoneAppNoResponse', async () => {
    const tfa = await tfaPage();
    const begun = await beginAuth(f, tfa);
    f.lab.clock.advance(301_000);
    expect(f.entra.pendingMfa()).toEqual([]);
    expect(() => f.entra.resolveMfa(begun.SessionId, true)).toThrow(/expired/);
    expect(await endAuthPoll(f.lab, tfa, begun, 1)).toMatchObject({ Success: false, Retry: false, ResultValue: 'PhoneAppNoResponse' });
  });
});
