import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { JwtV4Error, goDuration, parseJwtV4 } from '../../../../../emulators/mdm/wstep/jwt-v4.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const seg = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const NOW = Date.UTC(2026, 0, 15, 9) ;
const rs256 = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }) => {
  const input = `${seg(header)}.${seg(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
};
const s = NOW / 1000;
const err = (token: string, now = NOW) => {
  try {
    parseJwtV4(token, publicKey, now);
  } catch (e) {
    expect(e).toBeInstanceOf(JwtV4Error);
    return (e as Error).message;
  }
  return 'parsed';
};

describe("Go's time.Duration String", () => {
  it.each([
    [0, '0s'],
    [1, '1ns'],
    [1500, '1.5µs'],
    [250e6, '250ms'],
    [1.25e9, '1.25s'],
    [61e9, '1m1s'],
    [3600e9, '1h0m0s'],
    [3661.5e9, '1h1m1.5s'],
    [26 * 3600e9, '26h0m0s'],
  ])('%d ns is %s', (ns, text) => expect(goDuration(ns)).toBe(text));
});

describe('golang-jwt v4 ParseWithClaims as Fleet calls it (fleet.md corrections §4)', () => {
  const good = { upn: 'a@b', device_id: 'D', iat: s, nbf: s, exp: s + 3600 };

  it('parses a good RS256 token and returns its claims', () => {
    expect(parseJwtV4(rs256(good), publicKey, NOW)).toEqual(good);
  });

  it('an expired token says by how much; exp alone counts (now must be before exp)', () => {
    expect(err(rs256(good), NOW + 3600_000)).toBe('token is expired by 0s');
    expect(err(rs256(good), NOW + 7200_500)).toBe('token is expired by 1h0m0.5s');
  });

  it('iat and nbf in the future, in v4 order (nbf checked last wins)', () => {
    expect(err(rs256({ ...good, iat: s + 10, nbf: s }))).toBe('token used before issued');
    expect(err(rs256({ ...good, iat: s + 10, nbf: s + 10 }))).toBe('token is not valid yet');
  });

  it('a bad signature overrides any claims error', () => {
    const [h, p] = rs256(good).split('.');
    const other = rs256({ ...good, upn: 'x' }).split('.')[2];
    expect(err(`${h}.${p}.${other}`)).toBe('crypto/rsa: verification error');
    expect(err(`${h}.${p}.${other}`, NOW + 7200_000)).toBe('crypto/rsa: verification error');
  });

  it("Fleet's keyfunc refuses any non-RSA method and names it; an unknown alg is unavailable", () => {
    expect(err(`${seg({ alg: 'HS256' })}.${seg(good)}.AAAA`)).toBe('unexpected signing method: HS256');
    expect(err(`${seg({ alg: 'PS256' })}.${seg(good)}.AAAA`)).toBe('unexpected signing method: PS256');
    expect(err(`${seg({ alg: 'none' })}.${seg(good)}.`)).toBe('unexpected signing method: none');
    expect(err(`${seg({ alg: 'XX1' })}.${seg(good)}.AAAA`)).toBe('signing method (alg) is unavailable.');
  });

  it('a token without three segments', () => {
    expect(err('a.b')).toBe('token contains an invalid number of segments');
  });

  it('does not look at sub', () => {
    expect(parseJwtV4(rs256({ ...good, sub: 'STSAuthToken' }), publicKey, NOW)).toHaveProperty('sub', 'STSAuthToken');
  });
});
