import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { constants, createCipheriv, createHash, createHmac, createPublicKey, publicEncrypt, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tempLab } from '../../../../helpers/lab.js';
import type { Lab } from '../../../../../emulators/lab/lab.js';
import { SoftwareTpm } from '../../../../../emulators/device/tpm/tpm.js';
import { kdfV1 } from '../../../../../emulators/protocols/prt-kdf.js';
import { OID_OIW_SHA1_RSA, OID_SHA256_RSA } from '../../../../../emulators/device/tpm/csr.js';

/** Every encoding of a private key that must never come out of the TPM or sit in a DB in the clear. */
function privateForms(key: KeyObject): { name: string; bytes: Buffer }[] {
  const jwk = key.export({ format: 'jwk' });
  return [
    { name: 'PKCS#8 DER', bytes: key.export({ type: 'pkcs8', format: 'der' }) },
    { name: 'PKCS#1 DER', bytes: key.export({ type: 'pkcs1', format: 'der' }) },
    { name: 'private exponent d', bytes: Buffer.from(jwk.d!, 'base64url').subarray(0, 64) },
    { name: 'prime p', bytes: Buffer.from(jwk.p!, 'base64url').subarray(0, 64) },
    { name: 'JWK d (text)', bytes: Buffer.from(jwk.d!.slice(0, 40)) },
  ];
}

function textOf(v: unknown): string {
  if (Buffer.isBuffer(v)) return `${v.toString('base64')}\n${v.toString('latin1')}`;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function assertNoPrivate(where: string, value: unknown, keys: KeyObject[]): void {
  const text = textOf(value);
  expect(text, where).not.toMatch(/PRIVATE KEY/);
  expect(text, where).not.toMatch(/"d"\s*:/);
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(text, 'latin1');
  for (const k of keys)
    for (const f of privateForms(k)) {
      expect(bytes.includes(f.bytes), `${where} holds ${f.name}`).toBe(false);
      expect(text.includes(f.bytes.toString('base64')), `${where} holds base64 ${f.name}`).toBe(false);
      expect(text.includes(f.bytes.toString('base64url').slice(0, 40)), `${where} holds base64url ${f.name}`).toBe(false);
    }
}

let lab: Lab;
let dispose: () => void;
beforeEach(() => {
  ({ lab, dispose } = tempLab({ seed: 'tpm-unit' }));
});
afterEach(() => dispose());

/** A session_key_jwe as Entra sends it: RSA-OAEP(SHA-1) of the session key, AES-GCM of one space (§6.4). */
function sessionKeyJwe(transport: KeyObject, sessionKey: Buffer): string {
  const header = Buffer.from(JSON.stringify({ enc: 'A256GCM', alg: 'RSA-OAEP' })).toString('base64url');
  const ek = publicEncrypt({ key: transport, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, sessionKey);
  const iv = Buffer.alloc(12, 7);
  const c = createCipheriv('aes-256-gcm', sessionKey, iv);
  const ct = Buffer.concat([c.update(Buffer.from(' ')), c.final()]);
  return [header, ek.toString('base64url'), iv.toString('base64url'), ct.toString('base64url'), c.getAuthTag().toString('base64url')].join('.');
}

describe('software TPM', () => {
  it('no TPM API returns private key material, and no recorded step carries any', async () => {
    const tpm = SoftwareTpm.open(lab);
    const results: [string, unknown][] = [];
    const transport = await tpm.createKey('transport');
    const device = await tpm.createKey('device');
    const mdm = await tpm.createKey('mdm-client');
    results.push(['createKey', transport], ['createKey', device], ['createKey', mdm]);
    const privs = [
      (await lab.keys.rsa('device-tpm-transport-1')).privateKey,
      (await lab.keys.rsa('device-tpm-device-1')).privateKey,
      (await lab.keys.rsa('device-tpm-mdm-client-1')).privateKey,
    ];
    // The cached lab keys are the keys the TPM holds: same public keys.
    expect(createPublicKey(privs[1]!).export({ type: 'spki', format: 'der' }).equals(device.spki)).toBe(true);

    results.push(['exportPublic spki', await tpm.exportPublic(device.handle, 'spki')]);
    results.push(['exportPublic bcrypt', await tpm.exportPublic(transport.handle, 'bcrypt')]);
    results.push(['keyInfo', tpm.keyInfo(mdm.handle)]);
    results.push(['publicKey', tpm.publicKey(mdm.handle).export({ format: 'jwk' })]);
    results.push(['sign', await tpm.sign(device.handle, Buffer.from('data'))]);
    results.push(['sign sha1', await tpm.sign(mdm.handle, Buffer.from('data'), 'sha1')]);
    results.push(['signJwt', await tpm.signJwt(device.handle, { alg: 'RS256', typ: 'JWT' }, { a: 1 })]);
    results.push(['createCsr', await tpm.createCsr(device.handle, { subjectCn: '7E980AD9-B86D-4306-9425-9AC066FB014A', signatureOid: OID_SHA256_RSA })]);
    const ct = publicEncrypt({ key: tpm.publicKey(transport.handle), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from('hello'));
    results.push(['decryptOaep', await tpm.decryptOaep(transport.handle, ct)]);
    const sessionKey = Buffer.alloc(32, 0x5a);
    const sk = await tpm.unwrapSessionKey(transport.handle, sessionKeyJwe(tpm.publicKey(transport.handle), sessionKey));
    results.push(['unwrapSessionKey', sk]);
    results.push(['sessionKeySignJwt', await tpm.sessionKeySignJwt(sk, { refresh_token: 'x' })]);
    results.push(['objects', tpm.objects()]);

    for (const [name, value] of results) {
      assertNoPrivate(name, value, privs);
      expect(textOf(value).includes(sessionKey.toString('hex')), `${name} holds the session key`).toBe(false);
      expect(textOf(value).includes(sessionKey.toString('base64')), `${name} holds the session key`).toBe(false);
    }
    const steps = lab.recorder.all();
    expect(steps.length).toBe(12);
    for (const s of steps) {
      expect(s.kind).toBe('local');
      expect(s.from).toBe('tpm');
      expect(s.to).toBe('device');
      assertNoPrivate(`step ${s.title}`, { detail: s.detail, changes: s.changes }, privs);
      expect(JSON.stringify(s).includes(sessionKey.toString('hex'))).toBe(false);
    }
  });

  it('the TPM DB holds keys only sealed: its file bytes contain no private key, PEM or session key', async () => {
    const tpm = SoftwareTpm.open(lab);
    const t = await tpm.createKey('transport');
    await tpm.createKey('device');
    await tpm.createKey('mdm-client');
    const sessionKey = Buffer.alloc(32, 0x3c);
    await tpm.unwrapSessionKey(t.handle, sessionKeyJwe(tpm.publicKey(t.handle), sessionKey));
    const privs = await Promise.all(['transport', 'device', 'mdm-client'].map(async (p) => (await lab.keys.rsa(`device-tpm-${p}-1`)).privateKey));
    const file = readFileSync(tpm.storeFile);
    expect(file.length).toBeGreaterThan(0);
    expect(file.includes(Buffer.from('PRIVATE KEY'))).toBe(false);
    expect(file.includes(sessionKey)).toBe(false);
    for (const k of privs) for (const f of privateForms(k)) expect(file.includes(f.bytes), f.name).toBe(false);
    // …and it does hold the public keys, so the search would have found DER if it were there.
    expect(file.includes(tpm.keyInfo(t.handle).spki)).toBe(true);
  });

  it('signs RS256 and SHA-1 PKCS#1 v1.5 verifiably with the key it exports', async () => {
    const tpm = SoftwareTpm.open(lab);
    const k = await tpm.createKey('device');
    const data = Buffer.from('to be signed');
    expect(verify('sha256', data, tpm.publicKey(k.handle), await tpm.sign(k.handle, data))).toBe(true);
    expect(verify('sha1', data, tpm.publicKey(k.handle), await tpm.sign(k.handle, data, 'sha1'))).toBe(true);
  });

  it('exports BCRYPT_RSAKEY_BLOB with the RSA1 header and no primes (entra-mde2 §4)', async () => {
    const tpm = SoftwareTpm.open(lab);
    const k = await tpm.createKey('transport');
    const blob = await tpm.exportPublic(k.handle, 'bcrypt');
    expect(blob.length).toBe(283);
    expect(blob.toString('base64').startsWith('UlNBMQAIAAADAAAAAAEAAAAAAAAAAAAAAQAB')).toBe(true);
  });

  it('makes a Windows-shaped MDM CSR: NUL-terminated CN, raw 311.66.1.0 extension, OIW sha1WithRSA', async () => {
    const tpm = SoftwareTpm.open(lab);
    const k = await tpm.createKey('mdm-client');
    const csr = await tpm.createCsr(k.handle, {
      subjectCn: '562A7F9A-6CD8-40B0-9E7E-0DBDD8!B5B954E81FBCB94EB79BD08BE625F4EE\0',
      extensions: [{ oid: '1.3.6.1.4.1.311.66.1.0', value: Buffer.from('B5B954E81FBCB94EB79BD08BE625F4EE\0', 'ascii') }],
      signatureOid: OID_OIW_SHA1_RSA,
    });
    const forge = (await import('node-forge')).default;
    const req = forge.pki.certificationRequestFromAsn1(forge.asn1.fromDer(csr.toString('binary')));
    expect(req.subject.getField('CN')?.value).toBe('562A7F9A-6CD8-40B0-9E7E-0DBDD8!B5B954E81FBCB94EB79BD08BE625F4EE\0');
    expect(req.signatureOid).toBe('1.3.14.3.2.29');
    // forge verifies OIW-signed CSRs as is (TOOLCHAIN.md).
    expect(req.verify()).toBe(true);
    expect(csr.includes(Buffer.from('B5B954E81FBCB94EB79BD08BE625F4EE\0', 'ascii'))).toBe(true);
  });

  it('uses the unwrapped session key only inside: HS256 JWT with KDFv2, CBC reply decrypt with KDFv1', async () => {
    const tpm = SoftwareTpm.open(lab);
    const t = await tpm.createKey('transport');
    const sessionKey = Buffer.from('3987bc6d45c8d46e9969bf679b9f2a17922ed0d40055c313232f290ae9d87bf0', 'hex');
    const sk = await tpm.unwrapSessionKey(t.handle, sessionKeyJwe(tpm.publicKey(t.handle), sessionKey));
    const jwt = await tpm.sessionKeySignJwt(sk, { grant_type: 'refresh_token', refresh_token: '0.A.b' });
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { ctx: string; kdf_ver: number; alg: string };
    expect(header.alg).toBe('HS256');
    expect(header.kdf_ver).toBe(2);
    const ctx = Buffer.from(header.ctx, 'base64');
    expect(ctx.length).toBe(24);
    const derived = kdfV1(sessionKey, createHash('sha256').update(ctx).update(Buffer.from(p, 'base64url')).digest());
    expect(createHmac('sha256', derived).update(`${h}.${p}`).digest('base64url')).toBe(s);

    // A reply as Entra encrypts it (§6.7): alg dir, ctx, AES-256-CBC under KDFv1(sessionKey, ctx).
    const rctx = Buffer.from('510a2a9284565f9421eb34a712f58e6585f6330b803f1bc3', 'hex');
    const rkey = kdfV1(sessionKey, rctx);
    expect(rkey.toString('hex')).toBe('b0fcfcd863df6f583fa8321d4971926b2bfa8e4d12e9a7dd71e88b2df379d0a3');
    const iv = Buffer.alloc(16, 1);
    const c = createCipheriv('aes-256-cbc', rkey, iv);
    const ct = Buffer.concat([c.update('{"access_token":"a"}'), c.final()]);
    const rh = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', ctx: rctx.toString('base64') })).toString('base64url');
    const reply = [rh, '', iv.toString('base64url'), ct.toString('base64url'), ''].join('.');
    expect(await tpm.sessionKeyDecrypt(sk, reply)).toBe('{"access_token":"a"}');
  });

  it('keeps working after step back: sealed blobs come back with the DB and still unseal', async () => {
    const tpm = SoftwareTpm.open(lab);
    lab.markStart();
    const k = await tpm.createKey('device');
    const afterCreate = lab.headIndex;
    await tpm.createKey('transport');
    lab.moveTo(afterCreate);
    expect(tpm.objects().map((o) => o.purpose)).toEqual(['device']);
    const data = Buffer.from('x');
    expect(verify('sha256', data, tpm.publicKey(k.handle), await tpm.sign(k.handle, data))).toBe(true);
  });
});

describe('software TPM: the Windows Hello key (hsm-crypto ms_hello_key_create / ms_hello_key_load)', () => {
  const PIN = '246810';

  it('signs an NGC assertion with the PIN, verifiably with the public key it exports', async () => {
    const tpm = SoftwareTpm.open(lab);
    const k = await tpm.createHelloKey(PIN);
    expect(k.purpose).toBe('ngc');
    const jws = await tpm.signJwtWithPin(k.handle, PIN, { alg: 'RS256', typ: 'JWT', use: 'ngc', kid: 'k' }, { iss: 'u' });
    const [h, p, s] = jws.split('.') as [string, string, string];
    expect(verify('sha256', Buffer.from(`${h}.${p}`), tpm.publicKey(k.handle), Buffer.from(s, 'base64url'))).toBe(true);
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT', use: 'ngc', kid: 'k' });
  });

  it('refuses a wrong PIN (TPM_RC_AUTH_FAIL) and any use without the PIN', async () => {
    const tpm = SoftwareTpm.open(lab);
    const k = await tpm.createHelloKey(PIN);
    await expect(tpm.signJwtWithPin(k.handle, '135790', { alg: 'RS256' }, {})).rejects.toThrow(/TPM_RC_AUTH_FAIL/);
    await expect(tpm.signJwt(k.handle, { alg: 'RS256' }, {})).rejects.toThrow(/needs the PIN/);
    await expect(tpm.sign(k.handle, Buffer.from('x'))).rejects.toThrow(/needs the PIN/);
  });

  it('refuses a PIN of fewer than 4 digits', async () => {
    await expect(SoftwareTpm.open(lab).createHelloKey('12')).rejects.toThrow(/4 or more digits/);
  });

  it('keeps the Hello key only sealed, and neither the DB, nor a step, nor a result holds the PIN or the private key', async () => {
    const tpm = SoftwareTpm.open(lab);
    const k = await tpm.createHelloKey(PIN);
    const jws = await tpm.signJwtWithPin(k.handle, PIN, { alg: 'RS256' }, { a: 1 });
    const priv = (await lab.keys.rsa('device-tpm-ngc-1')).privateKey;
    expect(createPublicKey(priv).export({ type: 'spki', format: 'der' }).equals(k.spki)).toBe(true);
    for (const [name, value] of [['createHelloKey', k], ['signJwtWithPin', jws], ['objects', tpm.objects()]] as const) assertNoPrivate(name, value, [priv]);
    const file = readFileSync(tpm.storeFile);
    for (const f of privateForms(priv)) expect(file.includes(f.bytes), f.name).toBe(false);
    for (const s of lab.recorder.all()) {
      assertNoPrivate(`step ${s.title}`, { detail: s.detail, changes: s.changes }, [priv]);
      expect(JSON.stringify({ detail: s.detail, changes: s.changes, title: s.title }).includes(PIN), `step ${s.title} holds the PIN`).toBe(false);
    }
    expect(lab.recorder.all().map((s) => s.catalogId)).toEqual(['tpm.create-ngc-key', 'tpm.ngc-sign']);
  });
});
