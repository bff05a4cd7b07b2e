import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { TokenView, SignatureVerdict, TimeVerdict } from './step.js';
import { publicKeyOfSpki } from '../protocols/rsa-key-der.js';

/**
 * Finds every JWT/JWE in a message (headers, form fields, JSON, SOAP BinarySecurityTokens that hold a base64
 * JWT, MSI command lines), decodes it and checks it: signature against the keys parties registered with the
 * lab, times against the lab clock. Observation only: no party's decisions depend on this.
 */
export interface RegisteredKey {
  name: string;
  publicKey: KeyObject;
  kid?: string;
}

const B64URL = '[A-Za-z0-9_-]';
const JWS_RE = new RegExp(`eyJ${B64URL}+\\.${B64URL}*\\.${B64URL}*`, 'g');
const JWE_RE = new RegExp(`eyJ${B64URL}+\\.${B64URL}*\\.${B64URL}+\\.${B64URL}+\\.${B64URL}+`, 'g');
/** Long base64 runs (e.g. BinarySecurityToken content) that may wrap a JWT. */
const B64_BLOCK_RE = /[A-Za-z0-9+/_-]{60,}={0,2}/g;

function decodeJsonSegment(seg: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(seg, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const NODE_ALGS: Record<string, { hash: string; pss?: boolean }> = {
  RS256: { hash: 'sha256' }, RS384: { hash: 'sha384' }, RS512: { hash: 'sha512' },
  PS256: { hash: 'sha256', pss: true }, PS384: { hash: 'sha384', pss: true }, PS512: { hash: 'sha512', pss: true },
};

function x5cKey(header: Record<string, unknown>): KeyObject | null {
  const x5c = header.x5c;
  const first = Array.isArray(x5c) ? x5c[0] : x5c;
  if (typeof first !== 'string') return null;
  try {
    return publicKeyOfSpki(Buffer.from(first, 'base64'));
  } catch {
    try {
      const pem = `-----BEGIN CERTIFICATE-----\n${first}\n-----END CERTIFICATE-----`;
      return createPublicKey(pem);
    } catch {
      return null;
    }
  }
}

function checkSignature(raw: string, header: Record<string, unknown>, keys: RegisteredKey[]): TokenView['signature'] {
  const alg = typeof header.alg === 'string' ? header.alg : '';
  if (alg === 'none' || raw.endsWith('.')) return { verdict: 'unsigned', detail: `alg ${alg || '(none)'}` };
  const spec = NODE_ALGS[alg];
  // A session-key-signed JWT (the PRT cookie, the PRT exchange): its key exists only in the TPM and at Entra (MS-OAPXBC 3.1.5.2.1.3).
  if (alg === 'HS256' && typeof header.ctx === 'string') return { verdict: 'unknown-key', detail: 'HS256 under a key derived from the PRT session key, which only the device\'s TPM and Entra hold' };
  if (!spec) return { verdict: 'unknown-key', detail: `alg ${alg}: a shared-secret or unsupported algorithm the lab cannot check` };
  const [h, p, s] = raw.split('.') as [string, string, string];
  const data = Buffer.from(`${h}.${p}`);
  const sig = Buffer.from(s, 'base64url');
  const tryKey = (key: KeyObject) => {
    try {
      return cryptoVerify(spec.hash, data, spec.pss ? { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */ } : key, sig);
    } catch {
      return false;
    }
  };
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const candidates = kid ? keys.filter((k) => k.kid === kid) : [];
  for (const k of [...candidates, ...keys.filter((k) => !candidates.includes(k))]) {
    if (tryKey(k.publicKey)) return { verdict: 'valid', key: k.name };
  }
  const embedded = x5cKey(header);
  if (embedded) {
    return tryKey(embedded)
      ? { verdict: 'valid', key: 'the certificate in the x5c header', detail: 'proves possession of the key in x5c; trust in that certificate is a separate question' }
      : { verdict: 'invalid', key: 'the certificate in the x5c header' };
  }
  if (candidates.length > 0) return { verdict: 'invalid', key: candidates[0]!.name, detail: 'signature does not verify with the key named by kid' };
  return keys.length > 0
    ? { verdict: 'invalid', detail: 'no key the lab knows verifies this signature' }
    : { verdict: 'unknown-key', detail: 'no issuer key registered with the lab' };
}

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

export function timeVerdict(payload: Record<string, unknown> | null, nowMs: number): TokenView['time'] {
  const iat = numeric(payload?.iat);
  const nbf = numeric(payload?.nbf);
  const exp = numeric(payload?.exp);
  const now = Math.floor(nowMs / 1000);
  let verdict: TimeVerdict = 'valid';
  if (exp === undefined) verdict = 'no-expiry';
  else if (now >= exp) verdict = 'expired';
  if (nbf !== undefined && now < nbf) verdict = 'not-yet-valid';
  return { verdict, checkedAt: nowMs, ...(iat !== undefined && { iat }), ...(nbf !== undefined && { nbf }), ...(exp !== undefined && { exp }) };
}

export function decodeToken(raw: string, where: string, keys: RegisteredKey[], nowMs: number): TokenView | null {
  const parts = raw.split('.');
  const header = decodeJsonSegment(parts[0] ?? '');
  if (!header) return null;
  if (parts.length === 5) {
    return { where, format: 'jwe', raw, header, payload: null, signature: { verdict: 'encrypted' as SignatureVerdict }, time: timeVerdict(null, nowMs) };
  }
  if (parts.length !== 3) return null;
  const payload = decodeJsonSegment(parts[1] ?? '');
  if (!payload) return null;
  return { where, format: 'jws', raw, header, payload, signature: checkSignature(raw, header, keys), time: timeVerdict(payload, nowMs) };
}

/** All distinct tokens in `text`, including those wrapped in a base64 block. */
export function findTokens(text: string, where: string, keys: RegisteredKey[], nowMs: number): TokenView[] {
  const seen = new Set<string>();
  const out: TokenView[] = [];
  const take = (raw: string, w: string) => {
    if (seen.has(raw)) return;
    const t = decodeToken(raw, w, keys, nowMs);
    if (t) {
      seen.add(raw);
      out.push(t);
      // A JWT inside a claim: the NGC assertion in a Windows Hello PRT request (libhimmelblau HelloForBusinessPayload).
      for (const [claim, v] of Object.entries(t.payload ?? {}))
        if (typeof v === 'string') for (const inner of v.matchAll(JWS_RE)) if (inner[0] === v) take(v, `${w} → ${claim}`);
    }
  };
  for (const m of text.matchAll(JWE_RE)) take(m[0], where);
  for (const m of text.matchAll(JWS_RE)) if (![...seen].some((s) => s.includes(m[0]))) take(m[0], where);
  for (const m of text.matchAll(B64_BLOCK_RE)) {
    if (m[0].startsWith('eyJ')) continue;
    const decoded = Buffer.from(m[0].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
    for (const inner of decoded.matchAll(JWS_RE)) take(inner[0], `${where} (base64-wrapped)`);
  }
  return out;
}
