import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { SignJWT } from 'jose';
import { mdmFixture } from '../../../../helpers/mdm-context.js';
import type { MdmContext } from '../../../../../emulators/mdm/context.js';
import { verifyStsAuthToken } from '../../../../../emulators/mdm/wstep/sts.js';
import { newSTSAuthToken } from '../../../../../emulators/mdm/wstep/tokens.js';
import { loadIdentity } from '../../../../../emulators/mdm/wstep/identity.js';

let ctx: MdmContext;
let dispose: () => void;
beforeAll(async () => {
  ({ ctx, dispose } = await mdmFixture());
});
afterAll(() => dispose());

describe('verifyStsAuthToken (GetSTSAuthTokenUPNClaim)', () => {
  it('returns the upn of an STS token signed by the WSTEP identity', async () => {
    expect(verifyStsAuthToken(ctx, await newSTSAuthToken(ctx, 'alex@contoso.example'))).toBe('alex@contoso.example');
  });

  it('rejects HS256 and none with "unexpected signing method"', async () => {
    const hs = await new SignJWT({ upn: 'x@y.z' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('0123456789abcdef0123456789abcdef'));
    expect(() => verifyStsAuthToken(ctx, hs)).toThrow('there was an error parsing the STS token claims: unexpected signing method: HS256');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"upn":"x@y.z"}').toString('base64url')}.`;
    expect(() => verifyStsAuthToken(ctx, none)).toThrow('unexpected signing method');
  });

  it('rejects a tampered payload and a token signed by another key', async () => {
    const t = await newSTSAuthToken(ctx, 'alex@contoso.example');
    const [h, , s] = t.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ upn: 'mallory@contoso.example', exp: ctx.lab.clock.seconds() + 60 })).toString('base64url')}.${s}`;
    expect(() => verifyStsAuthToken(ctx, forged)).toThrow('there was an error parsing the STS token claims: crypto/rsa: verification error');
    const other = await ctx.lab.keys.rsa('not-the-identity');
    const foreign = await new SignJWT({ upn: 'x@y.z' }).setProtectedHeader({ alg: 'RS256' }).setExpirationTime(ctx.lab.clock.seconds() + 60).sign(other.privateKey);
    expect(() => verifyStsAuthToken(ctx, foreign)).toThrow('crypto/rsa: verification error');
  });

  it('rejects a token without upn and an empty token', async () => {
    const now = ctx.lab.clock.seconds();
    const noUpn = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuedAt(now).setExpirationTime(now + 60).sign(loadIdentity(ctx).privateKey);
    expect(() => verifyStsAuthToken(ctx, noUpn)).toThrow('issue with UPN token claim');
    expect(() => verifyStsAuthToken(ctx, '')).toThrow('invalid STS token');
  });

  it('rejects the token once the lab clock passes its 10 minutes', async () => {
    const t = await newSTSAuthToken(ctx, 'alex@contoso.example');
    ctx.lab.clock.advance(11 * 60 * 1000);
    expect(() => verifyStsAuthToken(ctx, t)).toThrow('there was an error parsing the STS token claims: token is expired by 1m0s');
  });
});
