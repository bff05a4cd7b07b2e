import { createHash, createHmac } from 'node:crypto';
import { decodeCtx, encodeCtx, type KdfVersion } from '../../protocols/prt-kdf.js';

/**
 * The device half of the PRT session-key operations when the session key never leaves the TPM: the TPM computes
 * the one HMAC of the SP 800-108 KDF (TPM2_HMAC with the session key as an HMAC key), and the derived key — a
 * per-request key, not the session key — signs (HS256) or decrypts (AES-256) here in the device. That is the
 * split Windows' CNG makes: NCryptKeyDerivation (SP800_108_CTR_HMAC, KDF_LABEL/KDF_CONTEXT) runs with the key in
 * its key storage provider and "returns the key in a byte array" (learn.microsoft.com ncrypt/nf-ncrypt-ncryptkeyderivation),
 * which the caller then uses with BCrypt. UNCONFIRMED: that Windows' CloudAP uses exactly NCryptKeyDerivation on
 * the Platform Crypto Provider for the PRT session key.
 */

export const KDF_LABEL = 'AzureAD-SecureConversation';

/**
 * The PRF input of one SP 800-108 counter-mode block (NIST SP 800-108r1 §4.1; entra-mde2.md §6.5):
 * [i]₃₂ = 1 ‖ Label ‖ 0x00 ‖ Context ‖ [L]₃₂ = 256. The same bytes prt-kdf.ts kbkdfHmacSha256 HMACs.
 */
export function kdfFixedInput(context: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0, 0, 0, 1]), Buffer.from(KDF_LABEL, 'ascii'), Buffer.from([0]), context, Buffer.from([0, 0, 1, 0])]);
}

/** The KDF context: ctx itself (KDFv1), or SHA256(ctx ‖ payload bytes) (KDFv2) (entra-mde2.md §6.5). */
export function kdfContext(kdfVer: KdfVersion, ctx: Buffer, payloadBytes?: Buffer): Buffer {
  if (kdfVer === 1) return ctx;
  return createHash('sha256').update(ctx).update(payloadBytes ?? Buffer.alloc(0)).digest();
}

/** What a `tpm2.hmac` step says about its input: the KDF block decoded (nothing in it is secret). */
export function describeKdfInput(context: Buffer, kdfVer: KdfVersion, ctx: Buffer): Record<string, unknown> {
  return {
    kdf: 'NIST SP 800-108 counter mode, PRF HMAC-SHA256, one block (https://csrc.nist.gov/pubs/sp/800/108/r1/upd1/final)',
    counter: 1,
    label: KDF_LABEL,
    context: context.toString('hex'),
    contextIs: kdfVer === 1 ? 'ctx (KDFv1)' : 'SHA256(ctx ‖ JWT payload) (KDFv2)',
    ctx: ctx.toString('hex'),
    L: 256,
    output: 'the derived key: secret key material, not shown (zeroed in responseBytes)',
  };
}

function segment(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The header and payload segments of an HS256 session-key request (entra-mde2.md §6.6), before the key is known. */
export function hs256Segments(payload: Record<string, unknown>, ctx: Buffer, kdfVer: KdfVersion): { h: string; p: string } {
  const header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT', ctx: encodeCtx(ctx) };
  if (kdfVer === 2) header.kdf_ver = 2;
  return { h: segment(header), p: segment(payload) };
}

/** HS256 over `h.p` with the derived key, in the device (the CNG/BCrypt half). */
export function hs256WithDerivedKey(h: string, p: string, derived: Buffer): string {
  return `${h}.${p}.${createHmac('sha256', derived).update(`${h}.${p}`).digest('base64url')}`;
}

/** The ctx of a session-key reply (`alg: dir` JWE, entra-mde2.md §6.7), to derive its key from; throws on a reply that is not one. */
export function replyCtx(jwe: string): Buffer {
  const parts = jwe.split('.');
  if (parts.length !== 5) throw new Error('not a compact JWE (5 parts)');
  const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg?: unknown; ctx?: unknown };
  if (header.alg !== 'dir' || typeof header.ctx !== 'string') throw new Error('not a session-key JWE (alg dir with ctx)');
  return decodeCtx(header.ctx);
}
