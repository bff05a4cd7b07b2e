import { describe, expect, it } from 'vitest';
import { createHmac, randomBytes } from 'node:crypto';
import { hs256Segments, hs256WithDerivedKey, kdfContext, kdfFixedInput, replyCtx } from '../../../../../emulators/device/tpm/derived-key.js';
import { decodeSessionKeySigned, decryptDirJwe, encryptWithSessionKey, kbkdfHmacSha256, kdfV1, kdfV2, verifySessionKeySignature } from '../../../../../emulators/protocols/prt-kdf.js';
import * as T from '../../../../../emulators/protocols/tpm2.js';

// What the swtpm backend hands TPM2_HMAC must be the very block prt-kdf.ts HMACs in software (entra-mde2.md §6.5).
describe('the KDF block TPM2_HMAC computes, and the device half with the derived key', () => {
  it('HMAC-SHA256 of kdfFixedInput is prt-kdf.ts KBKDF for KDFv1 and KDFv2 contexts', () => {
    const key = randomBytes(32);
    const ctx = randomBytes(24);
    const payload = Buffer.from('{"a":1}');
    const hmac = (data: Buffer) => createHmac('sha256', key).update(data).digest();
    expect(hmac(kdfFixedInput(kdfContext(1, ctx))).equals(kdfV1(key, ctx))).toBe(true);
    expect(hmac(kdfFixedInput(kdfContext(2, ctx, payload))).equals(kdfV2(key, ctx, payload))).toBe(true);
    expect(hmac(kdfFixedInput(ctx)).equals(kbkdfHmacSha256(key, ctx))).toBe(true);
    expect(kdfFixedInput(Buffer.alloc(0)).toString('hex')).toBe(`00000001${Buffer.from('AzureAD-SecureConversation').toString('hex')}0000000100`);
  });

  it('signs HS256 that Entra verifies with the session key and decrypts the CBC reply; refuses replies that are not session-key JWEs', () => {
    const key = randomBytes(32);
    const ctx = randomBytes(24);
    const { h, p } = hs256Segments({ refresh_token: 'x' }, ctx, 2);
    const jwt = hs256WithDerivedKey(h, p, kdfV2(key, ctx, Buffer.from(p, 'base64url')));
    expect(verifySessionKeySignature(decodeSessionKeySigned(jwt)!, key)).toBe(true);
    const reply = encryptWithSessionKey('hello', key, { ctx, iv: randomBytes(16) });
    expect(replyCtx(reply).equals(ctx)).toBe(true);
    expect(decryptDirJwe(reply, () => kdfV1(key, replyCtx(reply))).toString()).toBe('hello');
    expect(() => replyCtx('a.b')).toThrow(/not a compact JWE/);
    const notDir = `${Buffer.from('{"alg":"RSA-OAEP","enc":"A256GCM"}').toString('base64url')}.x.y.z.w`;
    expect(() => replyCtx(notDir)).toThrow(/alg dir with ctx/);
  });

  it('TPM2_GetCapability(TPM_CAP_HANDLES) is the Part 3 §30.2 command', () => {
    expect(T.getCapability(T.TPM_CAP.HANDLES, 0x80000000, 64).toString('hex')).toBe(['8001', '00000016', '0000017a', '00000001', '80000000', '00000040'].join(''));
  });
});
