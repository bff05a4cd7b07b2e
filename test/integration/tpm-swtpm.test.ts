import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { constants, publicEncrypt, randomBytes, verify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempLab } from '../helpers/lab.js';
import type { Lab } from '../../emulators/lab/lab.js';
import { SwtpmTpm } from '../../emulators/device/tpm/swtpm-tpm.js';
import { findSwtpm } from '../../emulators/device/tpm/swtpm.js';
import { TPM_RC, TpmError, decodeRc } from '../../emulators/protocols/tpm2.js';
import { sessionKeyJwe, signWithSessionKey, decodeSessionKeySigned, verifySessionKeySignature } from '../../emulators/protocols/prt-kdf.js';

// .ci/run installs swtpm; without it these tests cannot run at all, so they fail loudly rather than skip.
const SWTPM = findSwtpm();

let lab: Lab;
let dir: string;
let dispose: () => void;
let tpm: SwtpmTpm;
beforeEach(async () => {
  if (!SWTPM) throw new Error('swtpm is not installed: run .ci/run (or apt-get install swtpm swtpm-tools)');
  ({ lab, dir, dispose } = tempLab());
  tpm = await SwtpmTpm.start(lab);
});
afterEach(async () => {
  await tpm?.stop();
  dispose();
});

const tpmErrorOf = async (p: Promise<unknown>): Promise<TpmError> => {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(TpmError);
  return e as TpmError;
};

describe('swtpm backend', () => {
  it('keeps device keys inside swtpm: the DB holds only TPM2B blobs; signing works after a restart, not after TPM2_Clear', async () => {
    const device = await tpm.createKey('device');
    const transport = await tpm.createKey('transport');
    const data = Buffer.from('sign me');
    const sig = await tpm.sign(device.handle, data);
    expect(verify('sha256', data, tpm.publicKey(device.handle), sig)).toBe(true);
    expect(verify('sha1', data, tpm.publicKey(device.handle), await tpm.sign(device.handle, data, 'sha1'))).toBe(true);

    // The session key: RSA-OAEP-SHA1 inside the TPM, kept at once as an HMAC key; HS256 with its KDF (TPM2_HMAC) verifies with the same key.
    const sessionKey = randomBytes(32);
    const skHandle = await tpm.unwrapSessionKey(transport.handle, sessionKeyJwe(sessionKey, tpm.publicKey(transport.handle), randomBytes(12)));
    const jwt = await tpm.sessionKeySignJwt(skHandle, { refresh_token: 'x' });
    expect(verifySessionKeySignature(decodeSessionKeySigned(jwt)!, sessionKey)).toBe(true);
    expect(signWithSessionKey('{}', sessionKey, { ctx: Buffer.alloc(24), kdfVer: 2 })).not.toBe(jwt);

    // No private key material on disk outside swtpm: no SRK file, no in-process table, no PKCS#8/PKCS#1 header, no session key.
    expect(existsSync(join(dir, 'tpm-srk.bin'))).toBe(false);
    const db = readFileSync(tpm.storeFile);
    expect(db.includes(Buffer.from('PRIVATE KEY'))).toBe(false);
    expect(db.includes(Buffer.from('020100300d06092a864886f70d0101010500', 'hex'))).toBe(false);
    expect(db.includes(sessionKey)).toBe(false);
    expect(tpm.objects().map((o) => o.kind)).toEqual(['rsa-2048', 'rsa-2048', 'session-hmac-key']);
    // Every TPM command was a step titled by its name, its response code decoded.
    const titles = lab.recorder.all().map((s) => s.title);
    for (const t of ['TPM2_Startup', 'TPM2_CreatePrimary', 'TPM2_Create', 'TPM2_Load', 'TPM2_Sign', 'TPM2_FlushContext', 'TPM2_RSA_Decrypt', 'TPM2_HMAC', 'TPM2_GetRandom', 'TPM2_ContextSave', 'TPM2_ContextLoad']) expect(titles).toContain(t);
    expect(titles).not.toContain('TPM2_Unseal');
    const hmacStep = lab.recorder.all().find((s) => s.catalogId === 'tpm2.hmac')!;
    expect(JSON.stringify(hmacStep.detail)).not.toContain(sessionKey.toString('hex'));

    await tpm.restart();
    const after = await tpm.sign(device.handle, data);
    expect(verify('sha256', data, tpm.publicKey(device.handle), after)).toBe(true);

    await tpm.clear();
    const e = await tpmErrorOf(tpm.sign(device.handle, data));
    expect(e.command).toBe('Load');
    expect(e.base).toBe(TPM_RC.INTEGRITY);
    expect(lab.recorder.all().filter((s) => s.catalogId === 'tpm2.load').at(-1)!.error).toMatch(/TPM_RC_INTEGRITY/);
  });

  it('refuses a wrong PIN with TPM_RC_AUTH_FAIL and, past the DA limit, even the right PIN with TPM_RC_LOCKOUT', async () => {
    await tpm.setLockoutPolicy(2, 1000, 1000);
    const hello = await tpm.createHelloKey('123456');
    const hdr = { alg: 'RS256', typ: 'JWT' };
    const good = await tpm.signJwtWithPin(hello.handle, '123456', hdr, { a: 1 });
    expect(good.split('.')).toHaveLength(3);
    const wrong = await tpmErrorOf(tpm.signJwtWithPin(hello.handle, '000000', hdr, { a: 1 }));
    expect(wrong.base).toBe(TPM_RC.AUTH_FAIL);
    expect(wrong.decoded.session).toBe(1);
    expect(wrong.message).toMatch(/TPM_RC_AUTH_FAIL \(session 1\)/);
    await tpmErrorOf(tpm.signJwtWithPin(hello.handle, '000001', hdr, { a: 1 }));
    const locked = await tpmErrorOf(tpm.signJwtWithPin(hello.handle, '123456', hdr, { a: 1 }));
    expect(locked.base).toBe(TPM_RC.LOCKOUT);
    expect(decodeRc(locked.decoded.rc).warning).toBe(true);
    await tpm.resetLockout();
    expect((await tpm.signJwtWithPin(hello.handle, '123456', hdr, { a: 2 })).split('.')).toHaveLength(3);
  });

  it('RSA-OAEP decrypts inside the TPM; a ciphertext for another key is refused with the TPM\'s error', async () => {
    const k = await tpm.createKey('transport');
    const ct = publicEncrypt({ key: tpm.publicKey(k.handle), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from('hello'));
    expect((await tpm.decryptOaep(k.handle, ct)).toString()).toBe('hello');
    const other = await tpm.createKey('device');
    const e = await tpmErrorOf(tpm.decryptOaep(other.handle, ct));
    expect(e.command).toBe('RSA_Decrypt');
    // libtpms 0.9 answers a failed OAEP decoding with TPM_RC_FAILURE (observed), and stays usable.
    expect(e.decoded.name).toBe('TPM_RC_FAILURE');
    expect((await tpm.decryptOaep(k.handle, ct)).toString()).toBe('hello');
    expect(tpm.objects()).toHaveLength(2);
  });
});
