import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { findTokens } from '../../../../emulators/lab/tokens.js';
import { signWithSessionKey } from '../../../../emulators/protocols/prt-kdf.js';

const issuer = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keys = [{ name: 'MDM WSTEP identity certificate', publicKey: issuer.publicKey }];
const NOW = Date.UTC(2026, 0, 15, 9) / 1000;

const sign = (key = issuer.privateKey, exp = NOW + 3600) =>
  new SignJWT({ upn: 'alice@example.com', device_id: 'ABC' }).setProtectedHeader({ alg: 'RS256' }).setIssuedAt(NOW).setExpirationTime(exp).sign(key);

describe('token views', () => {
  it('finds a token on an MSI command line and checks its signature with the registered key', async () => {
    const t = await sign();
    const [v] = findTokens(`/quiet FLEET_URL="x" EUA_TOKEN="${t}"`, 'detail', keys, NOW * 1000);
    expect(v).toMatchObject({ format: 'jws', payload: { upn: 'alice@example.com' }, signature: { verdict: 'valid', key: 'MDM WSTEP identity certificate' }, time: { verdict: 'valid' } });
  });

  it('finds a JWT wrapped in base64, as in a SOAP BinarySecurityToken', async () => {
    const t = await sign();
    const b64 = Buffer.from(t).toString('base64');
    const found = findTokens(`<wsse:BinarySecurityToken>${b64}</wsse:BinarySecurityToken>`, 'request body', keys, NOW * 1000);
    expect(found.map((f) => f.raw)).toEqual([t]);
    expect(found[0]!.where).toContain('base64-wrapped');
  });

  it('finds a JWT inside a claim of another, as the NGC assertion inside a Windows Hello PRT request', async () => {
    const hello = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const assertion = await new SignJWT({ iss: 'bob@example.com', aud: 'common' }).setProtectedHeader({ alg: 'RS256', use: 'ngc', kid: 'K' }).setIssuedAt(NOW).setExpirationTime(NOW + 300).sign(hello.privateKey);
    const request = await new SignJWT({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).setProtectedHeader({ alg: 'RS256' }).sign(issuer.privateKey);
    const found = findTokens(`grant_type=x&request=${request}`, 'request body', [...keys, { name: 'Windows Hello key of bob', kid: 'K', publicKey: hello.publicKey }], NOW * 1000);
    expect(found.map((f) => f.raw)).toEqual([request, assertion]);
    expect(found[1]).toMatchObject({ where: 'request body → assertion', header: { use: 'ngc' }, signature: { verdict: 'valid', key: 'Windows Hello key of bob' } });
  });

  it('says invalid when no registered key verifies the signature', async () => {
    const [v] = findTokens(await sign(other.privateKey), 'x', keys, NOW * 1000);
    expect(v!.signature.verdict).toBe('invalid');
  });

  it('says expired once the lab clock passes exp', async () => {
    const [v] = findTokens(await sign(), 'x', keys, (NOW + 7200) * 1000);
    expect(v!.time.verdict).toBe('expired');
  });

  it('says unsigned for alg none', () => {
    const h = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const p = Buffer.from(JSON.stringify({ upn: 'x' })).toString('base64url');
    const [v] = findTokens(`${h}.${p}.`, 'x', keys, NOW * 1000);
    expect(v!.signature.verdict).toBe('unsigned');
  });

  it('finds the PRT cookie in a Cookie header and says its key is the PRT session key', () => {
    const cookie = signWithSessionKey({ refresh_token: '0.AX', is_primary: 'true', request_nonce: 'n' }, Buffer.alloc(32, 3), { ctx: Buffer.alloc(24, 1), kdfVer: 2 });
    const [t] = findTokens(`a=b; x-ms-RefreshTokenCredential=${cookie}`, 'request header cookie', [], 0);
    expect(t).toMatchObject({ format: 'jws', header: { alg: 'HS256', kdf_ver: 2 }, payload: { is_primary: 'true' }, signature: { verdict: 'unknown-key', detail: expect.stringMatching(/PRT session key/) } });
  });
});
