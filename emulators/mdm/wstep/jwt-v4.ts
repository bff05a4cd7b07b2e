import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';

/**
 * The EUA token as Fleet parses it at orbit enroll: golang-jwt **v4** `ParseWithClaims` (fleet.md corrections §4),
 * whose error text differs from v5's. v4's order: segments → header/claims decode → method lookup → keyfunc (Fleet's
 * accepts only *SigningMethodRSA and names the alg) → claims `Valid()` (exp, then iat, then nbf; a later failure
 * overwrites the earlier) → signature (overwrites any claims error). `ValidationError.Error()` is the inner error's text.
 */
export class JwtV4Error extends Error {
  override name = 'JwtV4Error';
}

/** Go's time.Duration.String() for a non-negative duration in nanoseconds ("1h0m0s", "1.5s", "250ms", "0s"). */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const frac = (v: number, unit: number, digits: number): string => {
    const whole = Math.floor(v / unit);
    const rest = v % unit;
    if (rest === 0) return String(whole);
    return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
  };
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${frac(ns, 1e3, 3)}µs`;
  if (ns < 1e9) return `${frac(ns, 1e6, 6)}ms`;
  const h = Math.floor(ns / 3600e9);
  const m = Math.floor((ns % 3600e9) / 60e9);
  const s = `${frac(ns % 60e9, 1e9, 9)}s`;
  if (h > 0) return `${h}h${m}m${s}`;
  if (m > 0) return `${m}m${s}`;
  return s;
}

/** The methods golang-jwt v4 registers (jwt.GetSigningMethod); any other alg is "signing method (alg) is unavailable.". */
const REGISTERED = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512', 'EdDSA', 'none']);
/** jwt.SigningMethodRSA (PKCS#1 v1.5): what Fleet's keyfunc accepts (PS* is *SigningMethodRSAPSS in Go). */
const RSA_HASH: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };

function b64json(seg: string): unknown {
  // v4 DecodeSegment: RawURLEncoding (padding stripped first); a bad segment or JSON is a malformed token.
  const text = Buffer.from(seg.replace(/=+$/, ''), 'base64url').toString('utf8');
  return JSON.parse(text);
}

/** Reads a NumericDate claim as v4 does (a JSON number, seconds; truncated to TimePrecision = 1 s). */
function numericDate(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw new JwtV4Error('json: cannot unmarshal into Go value of type jwt.NumericDate');
  return Math.trunc(v);
}

/**
 * jwt.ParseWithClaims(token, &claims, keyfunc) with v4's messages, `nowMs` the lab clock. Returns the claims.
 * Unverifiable and malformed tokens stop early; claims and signature errors are both collected, the signature's wins.
 */
export function parseJwtV4(token: string, key: KeyObject | string, nowMs: number): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtV4Error('token contains an invalid number of segments');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = b64json(parts[0]!) as Record<string, unknown>;
  } catch (e) {
    throw new JwtV4Error(e instanceof SyntaxError ? `invalid character in token header` : (e as Error).message);
  }
  try {
    claims = b64json(parts[1]!) as Record<string, unknown>;
  } catch (e) {
    throw new JwtV4Error(e instanceof SyntaxError ? `invalid character in token claims` : (e as Error).message);
  }
  if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null) throw new JwtV4Error('token is malformed');
  const alg = header.alg;
  if (typeof alg !== 'string' || !REGISTERED.has(alg)) throw new JwtV4Error('signing method (alg) is unavailable.');
  // Fleet's keyfunc: `unexpected signing method: %v` with token.Header["alg"] (server/mdm/microsoft/wstep.go).
  const hash = RSA_HASH[alg];
  if (!hash) throw new JwtV4Error(`unexpected signing method: ${alg}`);

  // RegisteredClaims.Valid() (v4.5): exp (now.Before(exp)), iat (now ≥ iat), nbf (now ≥ nbf); each sets Inner.
  let inner: string | undefined;
  // Compared in ms (epoch ns would pass 2^53); the lab clock has ms precision, so the overrun is whole ms.
  const exp = numericDate(claims.exp);
  const iat = numericDate(claims.iat);
  const nbf = numericDate(claims.nbf);
  if (exp !== undefined && !(nowMs < exp * 1000)) inner = `token is expired by ${goDuration((nowMs - exp * 1000) * 1e6)}`;
  if (iat !== undefined && nowMs < iat * 1000) inner = 'token used before issued';
  if (nbf !== undefined && nowMs < nbf * 1000) inner = 'token is not valid yet';

  const pub = typeof key === 'string' ? createPublicKey(key) : key;
  const sig = Buffer.from(parts[2]!.replace(/=+$/, ''), 'base64url');
  const ok = sig.length > 0 && cryptoVerify(hash, Buffer.from(`${parts[0]}.${parts[1]}`), pub, sig);
  if (!ok) inner = 'crypto/rsa: verification error';
  if (inner !== undefined) throw new JwtV4Error(inner);
  return claims;
}
