import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import {
  AUTH_B64,
  AUTH_MD5,
  clientDigest,
  credentialsHash,
  decodeNextNonce,
  digestFromHash,
  md5Challenge,
  md5Cred,
} from '../../../../emulators/protocols/syncml-auth.js';

const md5 = (s: string) => createHash('md5').update(s).digest();
const expected = md5(`${md5('DEV-1:secret').toString('base64')}:nonce-1`).toString('base64');

describe('OMA-DM MD5 digest authentication', () => {
  it('computes the client digest as base64(MD5(base64(MD5(name:secret)) + ":" + nonce))', () => {
    expect(clientDigest('DEV-1', 'secret', 'nonce-1')).toBe(expected);
  });

  it('lets the server check the digest from the 16-byte MD5(name:secret) it stored at enrollment', () => {
    expect(credentialsHash('DEV-1', 'secret')).toHaveLength(16);
    expect(digestFromHash(credentialsHash('DEV-1', 'secret'), 'nonce-1')).toBe(expected);
  });

  it('sends the digest as a Cred of type syncml:auth-md5, format b64', () => {
    expect(md5Cred('DEV-1', 'secret', 'nonce-1')).toEqual({ type: AUTH_MD5, format: AUTH_B64, data: expected });
  });

  it('challenges with the nonce base64-encoded as NextNonce, which the client decodes back', () => {
    const chal = md5Challenge('abc-uuid');
    expect(chal).toEqual({ type: AUTH_MD5, format: AUTH_B64, nextNonce: Buffer.from('abc-uuid').toString('base64') });
    expect(decodeNextNonce(chal.nextNonce!)).toBe('abc-uuid');
  });
});
