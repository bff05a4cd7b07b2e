import { describe, it, expect } from 'vitest';
import { generateKeyPairSync, createDecipheriv } from 'node:crypto';
import {
  kdfV1,
  kdfV2,
  kbkdfHmacSha256,
  decodeCtx,
  signWithSessionKey,
  decodeSessionKeySigned,
  verifySessionKeySignature,
  encryptWithSessionKey,
  decryptWithSessionKey,
  sessionKeyJwe,
  unwrapSessionKeyJwe,
} from '../../../../emulators/protocols/prt-kdf.js';

// entra-mde2.md §6.8: captured from kanidm/compact-jwt `ms_oapxbc_3_2_5_1_3_3_exchange_request_response`.
const SESSION_KEY = Buffer.from('3987bc6d45c8d46e9969bf679b9f2a17922ed0d40055c313232f290ae9d87bf0', 'hex');
const CTX_B64 = 'UQoqkoRWX5Qh6zSnEvWOZYX2MwuAPxvD';
const DERIVED = 'b0fcfcd863df6f583fa8321d4971926b2bfa8e4d12e9a7dd71e88b2df379d0a3';

describe('PRT session-key KDF (entra-mde2.md §6.5, §6.8)', () => {
  it('decodes the captured ctx to its 24 bytes', () => {
    expect(decodeCtx(CTX_B64).toString('hex')).toBe('510a2a9284565f9421eb34a712f58e6585f6330b803f1bc3');
  });

  it('KDFv1 reproduces the captured derived key exactly', () => {
    expect(kdfV1(SESSION_KEY, decodeCtx(CTX_B64)).toString('hex')).toBe(DERIVED);
  });

  it('KDFv2 is the same KBKDF over SHA256(ctx ‖ payload bytes)', async () => {
    const { createHash } = await import('node:crypto');
    const ctx = decodeCtx(CTX_B64);
    const payload = Buffer.from('{"refresh_token":"0.A","iat":"1708017084"}');
    const expected = kbkdfHmacSha256(SESSION_KEY, createHash('sha256').update(Buffer.concat([ctx, payload])).digest());
    expect(kdfV2(SESSION_KEY, ctx, payload).equals(expected)).toBe(true);
    expect(kdfV2(SESSION_KEY, ctx, payload).equals(kdfV1(SESSION_KEY, ctx))).toBe(false);
  });
});

describe('session-key signed requests (§6.6)', () => {
  const ctx = Buffer.alloc(24, 7);
  for (const kdfVer of [1, 2] as const) {
    it(`a kdf_ver ${kdfVer} request verifies with the session key and carries ctx as padded base64`, () => {
      const jws = signWithSessionKey({ grant_type: 'refresh_token', iat: '1708017084' }, SESSION_KEY, { ctx, kdfVer });
      const req = decodeSessionKeySigned(jws);
      expect(req).not.toBeNull();
      expect(req!.header.ctx).toBe(ctx.toString('base64'));
      expect(req!.kdfVer).toBe(kdfVer);
      expect(verifySessionKeySignature(req!, SESSION_KEY)).toBe(true);
      expect(verifySessionKeySignature(req!, Buffer.alloc(32, 1))).toBe(false);
    });
  }

  it('a payload changed after signing fails the HMAC', () => {
    const jws = signWithSessionKey({ scope: 'openid' }, SESSION_KEY, { ctx, kdfVer: 2 });
    const [h, , s] = jws.split('.');
    const forged = `${h}.${Buffer.from('{"scope":"openid aza"}').toString('base64url')}.${s}`;
    expect(verifySessionKeySignature(decodeSessionKeySigned(forged)!, SESSION_KEY)).toBe(false);
  });

  it('an RS256 JWT is not taken for a session-key request', () => {
    const rs = `${Buffer.from('{"alg":"RS256","x5c":"MII"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.sig`;
    expect(decodeSessionKeySigned(rs)).toBeNull();
  });
});

describe('session-key encrypted replies (§6.7)', () => {
  it('the dir JWE is AES-256-CBC under KDFv1(session key, ctx) with a 16-byte IV and an empty tag', () => {
    const ctx = decodeCtx(CTX_B64);
    const iv = Buffer.alloc(16, 3);
    const jwe = encryptWithSessionKey('{"token_type":"Bearer"}', SESSION_KEY, { ctx, iv });
    const parts = jwe.split('.');
    expect(parts).toHaveLength(5);
    expect(parts[1]).toBe('');
    expect(parts[4]).toBe('');
    expect(JSON.parse(Buffer.from(parts[0]!, 'base64url').toString())).toEqual({ alg: 'dir', enc: 'A256GCM', ctx: CTX_B64 });
    const d = createDecipheriv('aes-256-cbc', Buffer.from(DERIVED, 'hex'), iv);
    const plain = Buffer.concat([d.update(Buffer.from(parts[3]!, 'base64url')), d.final()]).toString();
    expect(plain).toBe('{"token_type":"Bearer"}');
    expect(decryptWithSessionKey(jwe, SESSION_KEY).toString()).toBe(plain);
  });
});

describe('session_key_jwe (§6.4)', () => {
  it('only the transport private key unwraps the session key', () => {
    const transport = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwe = sessionKeyJwe(SESSION_KEY, transport.publicKey, Buffer.alloc(12, 9));
    expect(JSON.parse(Buffer.from(jwe.split('.')[0]!, 'base64url').toString())).toEqual({ enc: 'A256GCM', alg: 'RSA-OAEP' });
    expect(unwrapSessionKeyJwe(jwe, transport.privateKey).equals(SESSION_KEY)).toBe(true);
    expect(() => unwrapSessionKeyJwe(jwe, other.privateKey)).toThrow();
  });

  it('its GCM part decrypts to one space byte with an empty AAD, as captured', () => {
    const transport = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwe = sessionKeyJwe(SESSION_KEY, transport.publicKey, Buffer.alloc(12, 9));
    const [, , iv, ct, tag] = jwe.split('.') as [string, string, string, string, string];
    const d = createDecipheriv('aes-256-gcm', SESSION_KEY, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    expect(Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()])).toEqual(Buffer.from([0x20]));
  });
});

describe('EME-OAEP with a given seed', () => {
  it('pads exactly as RSA-OAEP-SHA1 does: the transport private key unwraps it', async () => {
    const { generateKeyPairSync, privateDecrypt, publicEncrypt, constants } = await import('node:crypto');
    const { emeOaepSha1 } = await import('../../../../emulators/protocols/prt-kdf.js');
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const message = Buffer.alloc(32, 7);
    const em = emeOaepSha1(message, Buffer.alloc(20, 1), 256);
    const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, em);
    expect(privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, wrapped)).toEqual(message);
  });

  it('the same seed gives the same ciphertext', async () => {
    const { emeOaepSha1 } = await import('../../../../emulators/protocols/prt-kdf.js');
    expect(emeOaepSha1(Buffer.alloc(32, 3), Buffer.alloc(20, 9), 256)).toEqual(emeOaepSha1(Buffer.alloc(32, 3), Buffer.alloc(20, 9), 256));
  });
});
