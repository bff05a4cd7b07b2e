import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tempLab } from '../helpers/lab.js';
import type { Lab } from '../../emulators/lab/lab.js';
import { SwtpmTpm } from '../../emulators/device/tpm/swtpm-tpm.js';
import { findSwtpm } from '../../emulators/device/tpm/swtpm.js';
import * as T from '../../emulators/protocols/tpm2.js';
import { decodeSessionKeySigned, encryptWithSessionKey, kdfV1, kdfV2, sessionKeyJwe, verifySessionKeySignature } from '../../emulators/protocols/prt-kdf.js';

// .ci/run installs swtpm; without it these tests cannot run at all, so they fail loudly rather than skip.
const SWTPM = findSwtpm();

let lab: Lab;
let dispose: () => void;
let tpm: SwtpmTpm;
beforeEach(async () => {
  if (!SWTPM) throw new Error('swtpm is not installed: run .ci/run (or apt-get install swtpm swtpm-tools)');
  ({ lab, dispose } = tempLab());
  tpm = await SwtpmTpm.start(lab);
});
afterEach(async () => {
  await tpm?.stop();
  dispose();
});

// The captured vector of entra-mde2.md §6.8 (kanidm/compact-jwt ms_oapxbc_3_2_5_1_3_3): session key, reply ctx, derived key.
const SESSION_KEY = Buffer.from('3987bc6d45c8d46e9969bf679b9f2a17922ed0d40055c313232f290ae9d87bf0', 'hex');
const CTX = Buffer.from('510a2a9284565f9421eb34a712f58e6585f6330b803f1bc3', 'hex');
const DERIVED = Buffer.from('b0fcfcd863df6f583fa8321d4971926b2bfa8e4d12e9a7dd71e88b2df379d0a3', 'hex');

const ids = (from = 0) => lab.recorder.all().slice(from).map((s) => s.catalogId);

/** The transient handles in TPM object memory (TPM2_GetCapability(TPM_CAP_HANDLES, 0x80000000), Part 2 §10.9.3 TPML_HANDLE). */
async function transientHandles(): Promise<number[]> {
  const raw = (await tpm.run('GetCapability', T.getCapability(T.TPM_CAP.HANDLES, 0x80000000, 64))).rawParams!;
  const n = raw.readUInt32BE(5);
  return Array.from({ length: n }, (_, i) => raw.readUInt32BE(9 + 4 * i));
}

describe('swtpm: the PRT session key as an HMAC key, used by TPM2_HMAC', () => {
  it('derives with TPM2_HMAC exactly what the software KDF derives, signs and decrypts with the derived key, never unseals', async () => {
    const transport = await tpm.createKey('transport');
    const sk = await tpm.unwrapSessionKey(transport.handle, sessionKeyJwe(SESSION_KEY, tpm.publicKey(transport.handle), randomBytes(12)));
    expect(tpm.objects().find((o) => o.handle === sk)).toMatchObject({ kind: 'session-hmac-key', purpose: 'prt-session', parent: transport.handle });

    // KDFv1 through the TPM is the captured vector's derived key; KDFv2 matches prt-kdf.ts for the same payload.
    expect((await tpm.deriveSessionKey(sk, 1, CTX)).equals(DERIVED)).toBe(true);
    expect(kdfV1(SESSION_KEY, CTX).equals(DERIVED)).toBe(true);
    const payload = Buffer.from('{"refresh_token":"x"}');
    expect((await tpm.deriveSessionKey(sk, 2, CTX, payload)).equals(kdfV2(SESSION_KEY, CTX, payload))).toBe(true);

    // HS256 requests (both KDF versions) verify with the session key as Entra holds it; a reply decrypts.
    for (const kdfVer of [1, 2] as const) {
      const jwt = await tpm.sessionKeySignJwt(sk, { refresh_token: 'x', request_nonce: 'n' }, { kdfVer });
      const req = decodeSessionKeySigned(jwt)!;
      expect(req.kdfVer).toBe(kdfVer);
      expect(verifySessionKeySignature(req, SESSION_KEY)).toBe(true);
      expect(verifySessionKeySignature(req, randomBytes(32))).toBe(false);
    }
    const reply = encryptWithSessionKey('{"token_type":"Bearer"}', SESSION_KEY, { ctx: randomBytes(24), iv: randomBytes(16) });
    expect(await tpm.sessionKeyDecrypt(sk, reply)).toBe('{"token_type":"Bearer"}');

    // The timeline: TPM2_HMAC steps with the KDF block decoded and the derived key never shown; no TPM2_Unseal at all.
    const steps = lab.recorder.all();
    expect(ids()).not.toContain('tpm2.unseal');
    const hmacs = steps.filter((s) => s.catalogId === 'tpm2.hmac');
    expect(hmacs).toHaveLength(5);
    const first = hmacs[0]!.detail as Record<string, unknown>;
    expect(first).toMatchObject({
      meaning: { sessionKey: sk, label: 'AzureAD-SecureConversation', counter: 1, L: 256, context: CTX.toString('hex'), contextIs: 'ctx (KDFv1)' },
      parameters: { hashAlg: T.TPM_ALG.SHA256 },
      response: { parameters: { outHMAC: '(32 bytes, not shown)' } },
    });
    expect(hmacs[1]!.detail).toMatchObject({ meaning: { contextIs: 'SHA256(ctx ‖ JWT payload) (KDFv2)', context: createHash('sha256').update(CTX).update(payload).digest('hex') } });
    const shown = JSON.stringify(steps.map((s) => s.detail));
    expect(shown).not.toContain(DERIVED.toString('hex'));
    expect(shown).not.toContain(SESSION_KEY.toString('hex'));
    // The device DB holds only the TPM2B blobs: no session key bytes.
    expect(readFileSync(tpm.storeFile).includes(SESSION_KEY)).toBe(false);
  });

  it('refuses a key that is not the session key and a reply that is not a session-key JWE before any TPM command; a bad handle gets the TPM\'s own error; a forged reply fails AES-GCM', async () => {
    const device = await tpm.createKey('device');
    const before = lab.recorder.all().length;
    await expect(tpm.deriveSessionKey(device.handle, 1, CTX)).rejects.toThrow(/not a session key/);
    const transport = await tpm.createKey('transport');
    const sk = await tpm.unwrapSessionKey(transport.handle, sessionKeyJwe(SESSION_KEY, tpm.publicKey(transport.handle), randomBytes(12)));
    const mark = lab.recorder.all().length;
    await expect(tpm.sessionKeyDecrypt(sk, 'a.b.c')).rejects.toThrow(/not a compact JWE/);
    expect(ids(mark).filter((id) => id.startsWith('tpm2.'))).toEqual([]);
    expect(ids(before).filter((id) => id === 'tpm2.hmac')).toEqual([]);
    // A transient handle with no object behind it: libtpms 0.9 answers TPM_RC_VALUE for handle 1 (observed), and nothing changes.
    const objectsBefore = tpm.objects();
    const e = await tpm.run('HMAC', T.hmac(0x80ffffff, Buffer.from('x'))).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(T.TpmError);
    expect((e as T.TpmError).message).toMatch(/TPM2_HMAC: TPM_RC_VALUE \(handle 1\)/);
    // A real-GCM reply (12-byte IV) whose tag does not match the derived key: AES-GCM refuses it.
    const h = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', ctx: randomBytes(24).toString('base64') })).toString('base64url');
    const forged = [h, '', randomBytes(12).toString('base64url'), randomBytes(20).toString('base64url'), randomBytes(16).toString('base64url')].join('.');
    await expect(tpm.sessionKeyDecrypt(sk, forged)).rejects.toThrow(/authenticate/);
    expect(tpm.objects()).toEqual(objectsBefore);
  });

  it('keeps the storage key and each key as saved contexts: later operations only ContextLoad, nothing stays loaded, a restart starts over', async () => {
    const k = await tpm.createKey('device');
    // CreatePrimary once, its context saved and the primary flushed.
    expect(ids().filter((id) => id.startsWith('tpm2.'))).toEqual(['tpm2.startup', 'tpm2.create-primary', 'tpm2.context-save', 'tpm2.flush-context', 'tpm2.context-load', 'tpm2.create', 'tpm2.flush-context']);

    let mark = lab.recorder.all().length;
    await tpm.sign(k.handle, Buffer.from('one'));
    // First use: SRK context → Load → flush SRK → save the key's context → flush; then ContextLoad the key for Sign.
    expect(ids(mark).filter((id) => id.startsWith('tpm2.'))).toEqual([
      'tpm2.context-load', 'tpm2.load', 'tpm2.flush-context', 'tpm2.context-save', 'tpm2.flush-context',
      'tpm2.context-load', 'tpm2.sign', 'tpm2.flush-context',
    ]);
    mark = lab.recorder.all().length;
    await tpm.sign(k.handle, Buffer.from('two'));
    expect(ids(mark).filter((id) => id.startsWith('tpm2.'))).toEqual(['tpm2.context-load', 'tpm2.sign', 'tpm2.flush-context']);
    expect(await transientHandles()).toEqual([]);

    // The ContextLoad returns a fresh transient handle (0x80…), the context's savedHandle names the object it saved.
    const load = lab.recorder.all().slice(mark).find((s) => s.catalogId === 'tpm2.context-load')!;
    expect(String((load.detail as { response: { handles: { loadedHandle: string } } }).response.handles.loadedHandle)).toMatch(/^0x80/);

    // A restart: the TSS's saved contexts are gone, so the primary is made again and the blob loaded again.
    await tpm.restart();
    mark = lab.recorder.all().length;
    await tpm.sign(k.handle, Buffer.from('three'));
    expect(ids(mark)).toContain('tpm2.create-primary');
    expect(ids(mark)).toContain('tpm2.load');
    expect(await transientHandles()).toEqual([]);
  });
});
