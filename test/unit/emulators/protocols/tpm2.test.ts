import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as T from '../../../../emulators/protocols/tpm2.js';

/** tpm2-tools ↔ swtpm bytes captured by scripts/tpm2-fixtures.sh: "> command" then "< response". */
function fixtures(): { cmd: Buffer; rsp: Buffer }[] {
  const lines = readFileSync(join(__dirname, '../../../fixtures/tpm2/tpm2-tools.txt'), 'utf8').split('\n').filter((l) => l.startsWith('>') || l.startsWith('<'));
  const out: { cmd: Buffer; rsp: Buffer }[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    expect(lines[i]![0]).toBe('>');
    expect(lines[i + 1]![0]).toBe('<');
    out.push({ cmd: Buffer.from(lines[i]!.slice(2), 'hex'), rsp: Buffer.from(lines[i + 1]!.slice(2), 'hex') });
  }
  return out;
}

const pairs = fixtures();
const ccOf = (b: Buffer) => b.readUInt32BE(6);
const byName = (name: T.CommandName) => pairs.filter((p) => ccOf(p.cmd) === T.TPM_CC[name]);

describe('TPM 2.0 codec against captured tpm2-tools ↔ swtpm bytes', () => {
  it('round-trips every captured command and response byte for byte', () => {
    expect(pairs.length).toBeGreaterThan(100);
    for (const { cmd, rsp } of pairs) {
      const c = T.unmarshalCommand(cmd);
      expect(T.marshalCommand(c).equals(cmd), `command 0x${c.code.toString(16)}`).toBe(true);
      const r = T.unmarshalResponse(c.code, rsp);
      expect(T.marshalResponse(c.code, r).equals(rsp), `response to 0x${c.code.toString(16)}`).toBe(true);
    }
  });

  it('decodes the parameters of the commands the device sends', () => {
    for (const name of ['Create', 'Load', 'Sign', 'RSA_Decrypt', 'Unseal', 'HMAC', 'GetRandom', 'CreatePrimary', 'ContextSave', 'FlushContext', 'ReadPublic', 'Clear'] as const)
      expect(byName(name).length, name).toBeGreaterThan(0);
    const sign = T.unmarshalCommand(byName('Sign')[0]!.cmd);
    expect(sign.name).toBe('Sign');
    if (!sign.rawParams) expect(sign.params.inScheme).toEqual({ alg: T.TPM_ALG.RSASSA, hash: T.TPM_ALG.SHA256 });
    const signRes = T.unmarshalResponse(T.TPM_CC.Sign, byName('Sign')[0]!.rsp);
    expect((signRes.params.signature as T.Signature).sig).toHaveLength(256);
    const created = byName('Create').filter((p) => T.unmarshalResponse(T.TPM_CC.Create, p.rsp).rc === 0).map((p) => T.unmarshalResponse(T.TPM_CC.Create, p.rsp).params.outPublic as T.TpmtPublic);
    expect(created.map((p) => p.type).sort()).toEqual(['keyedhash', 'keyedhash', 'rsa']);
    // libtpms asked for one Create again (TPM_RC_RETRY), as a TSS then does.
    expect(byName('Create').map((p) => T.decodeRc(T.unmarshalResponse(T.TPM_CC.Create, p.rsp).rc).name)).toContain('TPM_RC_RETRY');
    const rsa = created.find((p) => p.type === 'rsa')!;
    expect(T.rsaPublicToSpki(rsa).length).toBeGreaterThan(290);
    const primary = T.unmarshalResponse(T.TPM_CC.CreatePrimary, byName('CreatePrimary')[0]!.rsp);
    expect(primary.handles[0]! >>> 24).toBe(0x80);
    expect(T.unmarshalCommand(byName('GetRandom')[0]!.cmd).params.bytesRequested).toBe(16);
    expect((T.unmarshalResponse(T.TPM_CC.GetRandom, byName('GetRandom')[0]!.rsp).params.randomBytes as Buffer).length).toBe(16);
  });

  it('decodes the TPM\'s refusals: a context saved before TPM2_Clear no longer loads (TPM_RC_INTEGRITY, parameter 1)', () => {
    const errors = pairs.map((p) => T.unmarshalResponse(ccOf(p.cmd), p.rsp)).filter((r) => r.rc !== 0).map((r) => T.decodeRc(r.rc));
    const integrity = errors.find((e) => e.base === T.TPM_RC.INTEGRITY)!;
    expect(integrity).toMatchObject({ name: 'TPM_RC_INTEGRITY', format: 'format-one', parameter: 1, text: 'TPM_RC_INTEGRITY (parameter 1)' });
    const load = byName('ContextLoad').at(-1)!;
    expect(T.decodeRc(T.unmarshalResponse(T.TPM_CC.ContextLoad, load.rsp).rc).name).toBe('TPM_RC_INTEGRITY');
  });

  it('builds commands byte-identical to what tpm2-tools sent', () => {
    expect(T.startup(T.TPM_SU.CLEAR).equals(pairs[0]!.cmd)).toBe(true);
    expect(T.getRandom(16).equals(byName('GetRandom')[0]!.cmd)).toBe(true);
    const flush = byName('FlushContext')[0]!.cmd;
    expect(T.flushContext(T.unmarshalCommand(flush).params.flushHandle as number).equals(flush)).toBe(true);
    const save = byName('ContextSave')[0]!.cmd;
    expect(T.contextSave(T.unmarshalCommand(save).handles[0]!).equals(save)).toBe(true);
  });
});

describe('TPM_RC decoding (Part 2 §6.6)', () => {
  it('names format-zero errors and warnings and format-one errors with their numbers', () => {
    expect(T.decodeRc(0x921)).toMatchObject({ name: 'TPM_RC_LOCKOUT', warning: true, format: 'format-zero' });
    expect(T.decodeRc(0x98e)).toMatchObject({ name: 'TPM_RC_AUTH_FAIL', session: 1, base: T.TPM_RC.AUTH_FAIL });
    expect(T.decodeRc(0x18b)).toMatchObject({ name: 'TPM_RC_HANDLE', handle: 1 });
    expect(T.decodeRc(0x2c4)).toMatchObject({ name: 'TPM_RC_VALUE', parameter: 2 });
    expect(T.decodeRc(0x100).name).toBe('TPM_RC_INITIALIZE');
    expect(T.decodeRc(0x902).name).toBe('TPM_RC_OBJECT_MEMORY');
    expect(T.decodeRc(0).name).toBe('TPM_RC_SUCCESS');
  });
});

describe('bad input', () => {
  it('refuses truncated or mis-sized bytes with a decode error', () => {
    const cmd = T.sign(0x80000000, Buffer.alloc(32, 1));
    expect(() => T.unmarshalCommand(cmd.subarray(0, 8))).toThrow(T.TpmDecodeError);
    const wrongSize = Buffer.from(cmd); wrongSize.writeUInt32BE(cmd.length + 1, 2);
    expect(() => T.unmarshalCommand(wrongSize)).toThrow(/commandSize/);
    const badTag = Buffer.from(cmd); badTag.writeUInt16BE(0x1234, 0);
    expect(() => T.unmarshalCommand(badTag)).toThrow(/tag/);
    const rsp = byName('Create')[0]!.rsp;
    const cut = Buffer.from(rsp.subarray(0, 40)); cut.writeUInt32BE(40, 2);
    expect(() => T.unmarshalResponse(T.TPM_CC.Create, cut)).toThrow(T.TpmDecodeError);
  });

  it('zeroes auth values and sensitive data in the bytes it shows', () => {
    const secret = Buffer.from('0123456789abcdef0123456789abcdef');
    const cmd = T.create(0x80000000, { type: 'keyedhash', nameAlg: T.TPM_ALG.SHA256, attributes: 0x52, authPolicy: Buffer.alloc(0), scheme: { alg: T.TPM_ALG.NULL }, unique: Buffer.alloc(0) }, { userAuth: Buffer.from('pin-auth'), data: secret }, Buffer.from('parent-auth'));
    const shown = T.redactCommand(cmd);
    expect(shown.length).toBe(cmd.length);
    for (const s of [secret, Buffer.from('pin-auth'), Buffer.from('parent-auth')]) {
      expect(cmd.includes(s)).toBe(true);
      expect(shown.includes(s)).toBe(false);
    }
    expect(JSON.stringify(T.describeCommand(T.unmarshalCommand(cmd)))).not.toContain(secret.toString('hex'));
  });
});
