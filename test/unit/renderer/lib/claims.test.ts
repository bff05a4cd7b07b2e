// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { claimMeaning, claimValue, expiryAt, headerMeaning, sessionKeySigning } from '../../../../renderer/lib/claims';

describe('claim explanations', () => {
  it('explains the claims of an Entra MDM token and Fleet EUA token in one line each', () => {
    for (const c of ['iss', 'aud', 'exp', 'tid', 'upn', 'deviceid', 'device_id', 'appid', 'amr']) {
      const m = claimMeaning(c);
      expect(m, c).toBeTruthy();
      expect(m!.includes('\n'), c).toBe(false);
    }
    expect(claimMeaning('device_id')).toMatch(/EUA token/);
    expect(claimMeaning('xms_tcdt')).toBe('Microsoft extension claim');
    expect(claimMeaning('made_up_claim')).toBeUndefined();
  });

  it('explains header parameters, including the PRT KDF context', () => {
    expect(headerMeaning('kid')).toMatch(/Key id/);
    expect(headerMeaning('ctx')).toMatch(/KDF/);
  });

  it('names the KDF of a session-key-signed JWT (the PRT cookie): v2 with kdf_ver 2, else v1; null for other JWTs', () => {
    const ctx24 = Buffer.alloc(24, 1).toString('base64');
    expect(sessionKeySigning({ alg: 'HS256', typ: 'JWT', ctx: ctx24, kdf_ver: 2 })).toMatchObject({ kdf: 2, ctxBytes: 24, text: expect.stringMatching(/KDFv2.*SHA256\(ctx ‖ payload\)/) });
    expect(sessionKeySigning({ alg: 'HS256', ctx: Buffer.alloc(32, 1).toString('base64') })).toMatchObject({ kdf: 1, ctxBytes: 32 });
    expect(sessionKeySigning({ alg: 'HS256', typ: 'JWT' })).toBeNull();
    expect(sessionKeySigning({ alg: 'RS256', ctx: ctx24 })).toBeNull();
    expect(claimMeaning('is_primary')).toMatch(/PRT cookie/);
  });

  it('shows NumericDate claims as UTC times and other values as text', () => {
    expect(claimValue('exp', 1_700_000_000)).toBe('2023-11-14 22:13:20 UTC');
    expect(claimValue('amr', ['pwd', 'mfa'])).toBe('["pwd","mfa"]');
    expect(claimValue('upn', 'alice@x')).toBe('alice@x');
  });

  it('judges expiry against a lab clock reading', () => {
    const p = { nbf: 1000, exp: 4600 };
    expect(expiryAt(p, 2000_000)).toBe('valid');
    expect(expiryAt(p, 4600_000)).toBe('expired');
    expect(expiryAt(p, 4600_000 + 2 * 3600_000)).toBe('expired');
    expect(expiryAt(p, 999_000)).toBe('not-yet-valid');
    expect(expiryAt({ iat: 1 }, 5)).toBe('no-expiry');
    expect(expiryAt(null, 5)).toBe('no-expiry');
  });
});
