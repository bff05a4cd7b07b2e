import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { mdmFixture } from '../../../../helpers/mdm-context.js';
import type { MdmContext } from '../../../../../emulators/mdm/context.js';
import { loadIdentity } from '../../../../../emulators/mdm/wstep/identity.js';
import { newEUAToken, getEUATokenClaims, newSTSAuthToken } from '../../../../../emulators/mdm/wstep/tokens.js';
import { verifyStsAuthToken } from '../../../../../emulators/mdm/wstep/sts.js';

let ctx: MdmContext;
let dispose: () => void;
beforeAll(async () => ({ ctx, dispose } = await mdmFixture()));
afterAll(() => dispose());

const UPN = 'alice@contoso.example';
const DEVICE = 'A1B2C3D4E5F60718293A4B5C6D7E8F90';

function b64(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

describe('EUA token (fleet.md §1.3)', () => {
  it('is RS256 with upn, device_id, sub EUAToken, iat = nbf = lab now, exp = +1 h, verifiable with the identity cert', async () => {
    const token = await newEUAToken(ctx, UPN, DEVICE);
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
    const now = ctx.lab.clock.seconds();
    const certKey = await loadIdentity(ctx).cert.publicKey.export();
    const { payload } = await jwtVerify(token, certKey, { currentDate: ctx.lab.clock.date() });
    expect(payload).toEqual({ upn: UPN, device_id: DEVICE, sub: 'EUAToken', iat: now, nbf: now, exp: now + 3600 });
    expect(getEUATokenClaims(ctx, token)).toMatchObject({ upn: UPN, deviceId: DEVICE });
  });

  it("puts the claims in Fleet's key order: euaJWTClaims' fields, then golang-jwt v4 RegisteredClaims' (sub, exp, nbf, iat)", async () => {
    const token = await newEUAToken(ctx, UPN, DEVICE);
    const payloadJson = Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8');
    expect(Object.keys(JSON.parse(payloadJson) as object)).toEqual(['upn', 'device_id', 'sub', 'exp', 'nbf', 'iat']);
    expect(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')).toBe('{"alg":"RS256","typ":"JWT"}');
    const sts = await newSTSAuthToken(ctx, UPN);
    expect(Object.keys(JSON.parse(Buffer.from(sts.split('.')[1]!, 'base64url').toString('utf8')) as object)).toEqual(['upn', 'sub', 'exp', 'nbf', 'iat']);
  });

  it('refuses to mint without a upn or a device id', async () => {
    await expect(newEUAToken(ctx, '', DEVICE)).rejects.toThrow('invalid upn field');
    await expect(newEUAToken(ctx, UPN, '')).rejects.toThrow('invalid device_id field');
  });

  it('rejects an STS token: issue with device_id token claim', async () => {
    const sts = await newSTSAuthToken(ctx, UPN);
    expect(() => getEUATokenClaims(ctx, sts)).toThrow('issue with device_id token claim');
  });

  it('rejects a tampered payload', async () => {
    const [h, , s] = (await newEUAToken(ctx, UPN, DEVICE)).split('.');
    const forged = { ...decodeJwt(await newEUAToken(ctx, UPN, DEVICE)), upn: 'mallory@contoso.example' };
    expect(() => getEUATokenClaims(ctx, `${h}.${b64(forged)}.${s}`)).toThrow('there was an error parsing the EUA token claims: crypto/rsa: verification error');
  });

  it('rejects HS256 and none: unexpected signing method', async () => {
    const now = ctx.lab.clock.seconds();
    const claims = { upn: UPN, device_id: DEVICE, sub: 'EUAToken', iat: now, nbf: now, exp: now + 3600 };
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(32)));
    expect(() => getEUATokenClaims(ctx, hs)).toThrow('there was an error parsing the EUA token claims: unexpected signing method: HS256');
    expect(() => getEUATokenClaims(ctx, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`)).toThrow('unexpected signing method: none');
  });

  it('rejects a token signed by another RSA key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = ctx.lab.clock.seconds();
    const foreign = await new SignJWT({ upn: UPN, device_id: DEVICE }).setProtectedHeader({ alg: 'RS256' }).setIssuedAt(now).setNotBefore(now).setExpirationTime(now + 3600).sign(privateKey);
    expect(() => getEUATokenClaims(ctx, foreign)).toThrow('crypto/rsa: verification error');
  });

  it('rejects a token used before nbf on the lab clock', async () => {
    const now = ctx.lab.clock.seconds();
    const early = await new SignJWT({ upn: UPN, device_id: DEVICE }).setProtectedHeader({ alg: 'RS256' }).setIssuedAt(now).setNotBefore(now + 600).setExpirationTime(now + 3600).sign(loadIdentity(ctx).privateKey);
    expect(() => getEUATokenClaims(ctx, early)).toThrow('token is not valid yet');
  });

  it('expires once the lab clock passes 1 h', async () => {
    const token = await newEUAToken(ctx, UPN, DEVICE);
    ctx.lab.clock.advance(3600_000 + 1000);
    expect(() => getEUATokenClaims(ctx, token)).toThrow('there was an error parsing the EUA token claims: token is expired by 1s');
  });
});

describe('STS token (fleet.md §1.2)', () => {
  it('carries upn and sub STSAuthToken for 10 min and yields its UPN', async () => {
    const token = await newSTSAuthToken(ctx, UPN);
    const p = decodeJwt(token);
    expect(p.sub).toBe('STSAuthToken');
    expect(p.exp! - p.iat!).toBe(600);
    expect(verifyStsAuthToken(ctx, token)).toBe(UPN);
    await expect(newSTSAuthToken(ctx, '')).rejects.toThrow('invalid upn field');
  });
});
