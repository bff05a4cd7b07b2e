import fc from 'fast-check';
import { createHmac, generateKeyPairSync, sign as rsaSign } from 'node:crypto';

/**
 * Mutations of a valid request: each arbitrary yields a Mutant (the mutated body, optional header changes, a label
 * for the counterexample). `breaks` says the mutation cannot leave the request valid: a server that answers it with
 * success accepted broken input. The others (a renamed device, a duplicated element) may still be valid requests.
 */
export interface Mutant {
  label: string;
  body: string;
  breaks: boolean;
  headers?: Record<string, string>;
  /** Replaces the path and query (URL mutations). */
  path?: string;
}

export function mutant(label: string, body: string, breaks: boolean, extra: Partial<Mutant> = {}): Mutant {
  const m: Mutant = { label, body, breaks, ...extra };
  // fast-check prints the label and the body's head, not 2 MiB of padding.
  Object.defineProperty(m, fc.toStringMethod, { value: () => `${label} [${body.length} chars] ${JSON.stringify(body.slice(0, 300))}`, enumerable: false });
  return m;
}

// ---------- values ----------

/** Strings that break parsers and echo paths: markup, quotes, NUL, long runs, non-BMP, bad UTF-16 halves. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', '<', '>', '&', '&amp;', ']]>', '"', "'", '\u0000', '\uD800', '\uFFFF', '😀', '%00', '../', '{', '}', '[]', '{}', 'null', 'true', '0', '-1', '1e309', 'NaN', '9'.repeat(40), 'A'.repeat(70_000), '\r\n', '<![CDATA[x]]>', '<x/>', '=', '==', '%', '+', '.'),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", '/', '=', ' ', 'a', '0', ':', ';', '#', '\n'), maxLength: 30 }),
);

/** Base64 that does not decode, or decodes to bytes no parser wants. */
export const badBase64: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '=', '====', '!!!!', 'AAA', 'A', 'a-b_c', '****', 'TWFu\u0000', '%%%%', 'MIIB', 'MII=', 'AAAAAAAAAAAAAAAA'),
  fc.uint8Array({ minLength: 0, maxLength: 64 }).map((b) => Buffer.from(b).toString('base64')),
  fc.string({ unit: fc.constantFrom('A', 'Z', '+', '/', '=', '-', '_', '!', ' ', '\n'), minLength: 1, maxLength: 60 }),
);

// ---------- text ----------

/** Cut the body short: before its last `<`/`}` so the document cannot be complete. */
export function truncate(body: string, closer: string, breaks = true): fc.Arbitrary<Mutant> {
  const last = Math.max(1, body.lastIndexOf(closer));
  return fc.integer({ min: 0, max: last - 1 }).map((p) => mutant(`truncate@${p}`, body.slice(0, p), breaks));
}

export function insertGarbage(body: string): fc.Arbitrary<Mutant> {
  return fc.tuple(fc.integer({ min: 0, max: body.length }), nastyString).map(([p, s]) => mutant(`insert@${p}`, body.slice(0, p) + s + body.slice(p), false));
}

export function flipChar(body: string): fc.Arbitrary<Mutant> {
  return fc.tuple(fc.integer({ min: 0, max: Math.max(0, body.length - 1) }), fc.integer({ min: 1, max: 0xffff })).map(([p, c]) =>
    mutant(`flip@${p}`, body.slice(0, p) + String.fromCharCode(c) + body.slice(p + 1), false),
  );
}

/** Bodies of every size up to and past the server's 2 MiB limit. */
export function hugeBody(body: string, closer: string): fc.Arbitrary<Mutant> {
  return fc.constantFrom(1024, 64 * 1024, 1_900_000, 2_200_000).map((n) => {
    const at = Math.max(0, body.lastIndexOf(closer));
    return mutant(`pad${n}`, body.slice(0, at) + ' '.repeat(n) + body.slice(at), n > 2 * 1024 * 1024);
  });
}

export const wrongContentType: fc.Arbitrary<string> = fc.constantFrom(
  'text/plain',
  'application/json',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  'application/soap+xml; charset=utf-16',
  'text/xml; charset=iso-8859-1',
  '',
  ';;;',
);

// ---------- XML ----------

interface Span {
  name: string;
  start: number;
  end: number;
  innerStart: number;
  innerEnd: number;
}

/** Every element of a well-formed document with its span (flat scan: enough for the requests the lab sends). */
function elements(xml: string): Span[] {
  const out: Span[] = [];
  const stack: { name: string; start: number; innerStart: number }[] = [];
  const re = /<(\/?)([A-Za-z_][\w.:-]*)([^>]*?)(\/?)>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const [all, close, name, , self] = m as unknown as [string, string, string, string, string];
    if (self) out.push({ name, start: m.index, end: m.index + all.length, innerStart: m.index + all.length, innerEnd: m.index + all.length });
    else if (!close) stack.push({ name, start: m.index, innerStart: m.index + all.length });
    else {
      const open = stack.pop();
      if (open && open.name === name) out.push({ name, start: open.start, end: m.index + all.length, innerStart: open.innerStart, innerEnd: m.index });
    }
  }
  return out;
}

function xmlnsDecls(xml: string): { at: number; len: number; value: string }[] {
  const out: { at: number; len: number; value: string }[] = [];
  const re = /xmlns(?::[\w.-]+)?="([^"]*)"/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push({ at: m.index + m[0].indexOf('"') + 1, len: m[1]!.length, value: m[1]! });
  return out;
}

/** encodeURIComponent of any string: a lone surrogate half becomes U+FFFD first (it has no UTF-8). */
export const uriEncode = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, (c, i: number, all: string) => (/[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(all.slice(i, i + 2)) || /[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(all.slice(i - 1, i + 1)) ? c : '\uFFFD')));

const splice = (s: string, at: number, len: number, by: string) => s.slice(0, at) + by + s.slice(at + len);

/** Every XML mutation the brief lists, over one valid document. `text` picks elements whose text carries data. */
export function xmlMutant(xml: string): fc.Arbitrary<Mutant> {
  const els = elements(xml);
  const leaves = els.filter((e) => e.innerEnd > e.innerStart && !xml.slice(e.innerStart, e.innerEnd).includes('<'));
  const ns = xmlnsDecls(xml);
  const pick = <T>(xs: T[]) => fc.integer({ min: 0, max: xs.length - 1 }).map((i) => xs[i]!);
  const knownNs = ns.map((n) => n.value);
  // The same namespace declaration twice on one element: not well-formed (XML Namespaces §3, unique attributes).
  const decls = [...xml.matchAll(/xmlns(?::[\w.-]+)?="[^"]*"/g)].map((m) => ({ at: m.index, attr: m[0] }));
  // Huge and deep bodies cost the parser most: one input in ~30 is one, the rest are cheap.
  const heavy = fc.oneof(
    hugeBody(xml, '</'),
    fc.tuple(pick(els), fc.constantFrom(10, 200, 1000, 3000)).map(([e, d]) =>
      mutant(`deep${d} in <${e.name}>`, xml.slice(0, e.innerStart) + '<a>'.repeat(d) + '</a>'.repeat(d) + xml.slice(e.innerStart), false),
    ),
  );
  return fc.oneof(
    { weight: 1, arbitrary: heavy },
    { weight: 30, arbitrary: xmlCheap(xml, els, leaves, ns, decls, knownNs) },
  );
}

function xmlCheap(xml: string, els: Span[], leaves: Span[], ns: { at: number; len: number; value: string }[], decls: { at: number; attr: string }[], knownNs: string[]): fc.Arbitrary<Mutant> {
  const pick = <T>(xs: T[]) => fc.integer({ min: 0, max: xs.length - 1 }).map((i) => xs[i]!);
  return fc.oneof(
    truncate(xml, '<'),
    insertGarbage(xml),
    flipChar(xml),
    // A namespace swapped for another of the document's, a near miss, or junk.
    fc.tuple(pick(ns), fc.oneof(fc.constantFrom(...knownNs), nastyString, fc.constantFrom('http://www.w3.org/2003/05/soap-envelope/', 'urn:x', 'HTTP://WWW.W3.ORG/2003/05/SOAP-ENVELOPE'))).map(([d, v]) =>
      mutant(`ns ${d.value} -> ${v}`, splice(xml, d.at, d.len, v), false),
    ),
    // A namespace declared twice on the same element.
    pick(decls).map((d) => mutant(`dup-attr ${d.attr}`, splice(xml, d.at, 0, `${d.attr} `), true)),
    pick(els).map((e) => mutant(`drop <${e.name}>`, xml.slice(0, e.start) + xml.slice(e.end), false)),
    pick(els).map((e) => mutant(`dup <${e.name}>`, xml.slice(0, e.end) + xml.slice(e.start, e.end) + xml.slice(e.end), false)),
    fc.tuple(pick(els), fc.constantFrom('x:', 'wrong:', '')).map(([e, p]) => {
      const local = e.name.includes(':') ? e.name.split(':')[1]! : e.name;
      const inner = xml.slice(e.start, e.end).replace(new RegExp(`^<${e.name}`), `<${p}${local}X`).replace(new RegExp(`</${e.name}>$`), `</${p}${local}X>`);
      return mutant(`rename <${e.name}>`, xml.slice(0, e.start) + inner + xml.slice(e.end), false);
    }),
    ...(leaves.length
      ? [
          fc.tuple(pick(leaves), fc.oneof(nastyString, badBase64)).map(([e, v]) =>
            mutant(`text <${e.name}> = ${JSON.stringify(v.slice(0, 40))}`, xml.slice(0, e.innerStart) + v.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;')) + xml.slice(e.innerEnd), false),
          ),
        ]
      : []),
    // DTDs: entity expansion and external entities (Go's encoding/xml rejects neither, expands neither).
    fc.constantFrom(
      '<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
      '<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
      '<?xml version="1.0" encoding="UTF-16"?>',
      '<?xml version="9.9"?>',
      '\uFEFF',
    ).map((p) => mutant(`prolog ${p.slice(0, 20)}`, p + xml.replace(/^<\?xml[^>]*\?>/, ''), false)),
  );
}

// ---------- JWT ----------

const b64u = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const fromB64u = (s: string) => Buffer.from(s, 'base64url').toString('utf8');

let otherKey: ReturnType<typeof generateKeyPairSync> | undefined;
function strangerKey() {
  otherKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  return otherKey;
}

function jsonOr(s: string, fallback: Record<string, unknown>): Record<string, unknown> {
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Tampered JWS (compact): truncated, a flipped signature, claims changed under the old signature, alg none, HS256
 * keyed with public material (the alg-confusion attack), re-signed RS256 by a stranger's key with the same header.
 * Every one of them must be refused.
 */
export function jwtMutant(jwt: string): fc.Arbitrary<{ label: string; jwt: string }> {
  const [h = '', p = '', s = ''] = jwt.split('.');
  const header = jsonOr(fromB64u(h), {});
  const payload = jsonOr(fromB64u(p), {});
  const claims = Object.keys(payload);
  const pickClaim = claims.length ? fc.constantFrom(...claims) : fc.constant('sub');
  return fc.oneof(
    fc.integer({ min: 0, max: Math.max(0, jwt.length - 2) }).map((n) => ({ label: `jwt-truncate@${n}`, jwt: jwt.slice(0, n) })),
    fc.integer({ min: 0, max: Math.max(0, s.length - 1) }).map((i) => ({ label: `jwt-sigflip@${i}`, jwt: `${h}.${p}.${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}` })),
    fc.constant({ label: 'jwt-nosig', jwt: `${h}.${p}.` }),
    fc.constant({ label: 'jwt-two-parts', jwt: `${h}.${p}` }),
    fc.tuple(pickClaim, fc.oneof(nastyString, fc.integer(), fc.constant(null), fc.constant(0), fc.constant(9_999_999_999))).map(([k, v]) => ({
      label: `jwt-claim ${k}=${JSON.stringify(v)?.slice(0, 30)}`,
      jwt: `${h}.${b64u(JSON.stringify({ ...payload, [k]: v }))}.${s}`,
    })),
    fc.constantFrom('none', 'None', 'NONE', '').map((alg) => ({ label: `jwt-alg-${alg || 'empty'}`, jwt: `${b64u(JSON.stringify({ ...header, alg }))}.${p}.` })),
    fc.constantFrom('secret', '', JSON.stringify(header.x5c ?? ''), String(header.kid ?? '')).map((key) => {
      const hh = b64u(JSON.stringify({ ...header, alg: 'HS256' }));
      return { label: `jwt-hs256-key=${key.slice(0, 12)}`, jwt: `${hh}.${p}.${createHmac('sha256', key).update(`${hh}.${p}`).digest('base64url')}` };
    }),
    fc.constant(null).map(() => {
      const hh = b64u(JSON.stringify({ ...header, alg: 'RS256' }));
      return { label: 'jwt-resigned-stranger', jwt: `${hh}.${p}.${rsaSign('sha256', Buffer.from(`${hh}.${p}`), strangerKey().privateKey).toString('base64url')}` };
    }),
    fc.tuple(nastyString, nastyString).map(([a, b]) => ({ label: 'jwt-garbage', jwt: `${b64u(a)}.${b64u(b)}.${b64u('x')}` })),
    badBase64.map((g) => ({ label: `jwt-b64 ${g.slice(0, 12)}`, jwt: `${g}.${g}.${g}` })),
  );
}

/** A compact JWS anywhere in a text. */
export const JWT_RE = /eyJ[\w-]+\.[\w-]+\.[\w-]*/;

/** Replace the first JWT in a body with a tampered one. */
export function bodyJwtMutant(body: string, encode: (jwt: string) => string = (j) => j): fc.Arbitrary<Mutant> {
  const m = JWT_RE.exec(body);
  if (!m) return fc.constant(mutant('no-jwt: truncate', body.slice(0, Math.floor(body.length / 2)), true));
  return jwtMutant(m[0]).map(({ label, jwt }) => mutant(label, body.slice(0, m.index) + encode(jwt) + body.slice(m.index + m[0].length), true));
}

// ---------- forms ----------

/** application/x-www-form-urlencoded: a parameter dropped, doubled, emptied, replaced, a JWT tampered, junk added. */
export function formMutant(body: string, opts: { jwtParams?: string[] } = {}): fc.Arbitrary<Mutant> {
  const params = [...new URLSearchParams(body).entries()];
  const names = params.map(([k]) => k);
  const pickName = fc.constantFrom(...names);
  const build = (ps: [string, string][]) => new URLSearchParams(ps).toString();
  const jwtParams = (opts.jwtParams ?? []).filter((n) => names.includes(n));
  return fc.oneof(
    pickName.map((n) => mutant(`form drop ${n}`, build(params.filter(([k]) => k !== n)), false)),
    fc.tuple(pickName, nastyString).map(([n, v]) => mutant(`form dup ${n}`, build([...params, [n, v]]), false)),
    fc.tuple(pickName, fc.oneof(nastyString, badBase64)).map(([n, v]) => mutant(`form ${n}=${JSON.stringify(v.slice(0, 30))}`, build(params.map(([k, x]) => [k, k === n ? v : x])), false)),
    fc.tuple(nastyString, nastyString).map(([k, v]) => mutant(`form extra`, `${body}&${uriEncode(k)}=${uriEncode(v)}`, false)),
    fc.constantFrom('%', '%zz', '&&&', '=&=', '%E0%A4%A', '+%2B%', 'a=%00').map((j) => mutant(`form raw ${j}`, `${body}&${j}`, false)),
    // A form cut short may still be a valid form (fewer or shorter parameters).
    truncate(body, '&', false),
    insertGarbage(body),
    hugeBody(body, '&'),
    ...jwtParams.map((n) =>
      jwtMutant(new URLSearchParams(body).get(n)!).map(({ label, jwt }) => mutant(`${n}: ${label}`, build(params.map(([k, x]) => [k, k === n ? jwt : x])), true)),
    ),
  );
}

// ---------- JSON ----------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  nastyString,
  fc.constant<Json>([]),
  fc.constant<Json>({}),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constant({ __proto__: { polluted: true } } as unknown as Json),
);

/** Every key path of a JSON value ("a.b.0"). */
function keyPaths(v: Json, prefix: string[] = []): string[][] {
  if (v === null || typeof v !== 'object') return [];
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
  return entries.flatMap(([k, x]) => [[...prefix, k], ...keyPaths(x, [...prefix, k])]);
}

function setPath(v: Json, p: string[], to: Json | undefined): Json {
  const copy = structuredClone(v) as Record<string, Json>;
  let cur: Record<string, Json> = copy;
  for (const k of p.slice(0, -1)) cur = cur[k] as Record<string, Json>;
  const last = p.at(-1)!;
  if (to === undefined) delete cur[last];
  else cur[last] = to;
  return copy;
}

/** JSON: a field dropped or retyped, junk keys, duplicate keys in the text, truncation, deep arrays, huge strings. */
/** `jwtBreaks`: a tampered token in `jwtFields` must be refused (false where the server may not need it, e.g. orbit's eua_token once the host is linked). */
export function jsonMutant(body: string, opts: { jwtFields?: string[]; b64Fields?: string[]; jwtBreaks?: boolean } = {}): fc.Arbitrary<Mutant> {
  const doc = JSON.parse(body) as Json;
  const paths = keyPaths(doc);
  const pickPath = fc.integer({ min: 0, max: Math.max(0, paths.length - 1) }).map((i) => paths[i] ?? ['x']);
  const specials: fc.Arbitrary<Mutant>[] = [];
  for (const f of opts.jwtFields ?? []) {
    const v = (doc as Record<string, Json>)[f];
    if (typeof v === 'string' && v) specials.push(jwtMutant(v).map(({ label, jwt }) => mutant(`${f}: ${label}`, JSON.stringify(setPath(doc, [f], jwt)), opts.jwtBreaks ?? true)));
  }
  for (const f of opts.b64Fields ?? []) {
    const path = f.split('.');
    specials.push(badBase64.map((g) => mutant(`${f}: b64 ${g.slice(0, 16)}`, JSON.stringify(setPath(doc, path, g)), false)));
  }
  return fc.oneof(
    pickPath.map((p) => mutant(`json drop ${p.join('.')}`, JSON.stringify(setPath(doc, p, undefined)), false)),
    fc.tuple(pickPath, jsonValue).map(([p, v]) => mutant(`json ${p.join('.')}=${JSON.stringify(v)?.slice(0, 30)}`, JSON.stringify(setPath(doc, p, v)), false)),
    fc.tuple(pickPath, nastyString).map(([p, v]) => mutant(`json dupkey ${p[0]}`, body.replace(/^\{/, `{${JSON.stringify(p[0])}:${JSON.stringify(v)},`), false)),
    fc.constantFrom('', 'null', '[]', '"x"', '0', '{', '}', '{"a":', 'true', '['.repeat(100_000), '{"a":'.repeat(20_000)).map((j) => mutant(`json raw ${j.slice(0, 10)}`, j, true)),
    truncate(body, '}'),
    insertGarbage(body),
    hugeBody(body, '}'),
    ...specials,
  );
}

// ---------- ids ----------

/** Path ids the router may or may not take: unknown numbers, signs, overflow, text, encoded slashes. */
export const pathId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('0', '-1', '999999', '18446744073709551616', '9'.repeat(100), '1.5', '1e3', '0x10', ' 1', '1%20', '%2F', '..', '%00', 'abc', 'null', '%E2%80%AE', '1;DROP TABLE hosts', '%25'),
  fc.integer({ min: 1000, max: 2 ** 31 }).map(String),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map(uriEncode),
);

// ---------- combinators ----------

/** Sometimes the wrong Content-Type on top of a body mutation (Fleet's MDM routes read the body whatever the type). */
export function withContentType(arb: fc.Arbitrary<Mutant>): fc.Arbitrary<Mutant> {
  return fc.tuple(arb, fc.option(wrongContentType, { freq: 4 })).map(([m, ct]) => (ct === null ? m : mutant(`${m.label} ct=${ct}`, m.body, m.breaks, { ...m, headers: { ...m.headers, 'content-type': ct } })));
}

/** The text between `open` and the next `<` after it, as a base64 JWT (MS-MDE2's BinarySecurityToken), tampered. */
export function base64JwtMutant(body: string, after: string): fc.Arbitrary<Mutant> {
  const start = body.indexOf('>', body.indexOf(after)) + 1;
  const end = body.indexOf('<', start);
  const jwt = Buffer.from(body.slice(start, end), 'base64').toString('utf8');
  return jwtMutant(jwt).map(({ label, jwt: j }) => mutant(`b64 ${label}`, body.slice(0, start) + Buffer.from(j).toString('base64') + body.slice(end), true));
}

/** A base64 DER (a CSR) in a body between `start` and `end`: bytes flipped, truncated, junk appended, not base64. */
/** `signed`: the bytes carry their own signature (a CSR), so any flipped byte must be refused; a raw key blob is just another key. */
export function derMutant(body: string, start: number, end: number, label: string, signed = true): fc.Arbitrary<Mutant> {
  const der = Buffer.from(body.slice(start, end), 'base64');
  const put = (b: Buffer | string) => body.slice(0, start) + (typeof b === 'string' ? b : b.toString('base64')) + body.slice(end);
  return fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: der.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
      const b = Buffer.from(der);
      b[i] = b[i]! ^ x;
      return mutant(`${label} xor@${i}`, put(b), signed);
    }),
    fc.integer({ min: 0, max: der.length - 1 }).map((n) => mutant(`${label} cut@${n}`, put(der.subarray(0, n)), true)),
    fc.uint8Array({ minLength: 1, maxLength: 32 }).map((j) => mutant(`${label} +junk`, put(Buffer.concat([der, Buffer.from(j)])), false)),
    badBase64.map((g) => mutant(`${label} b64 ${g.slice(0, 12)}`, put(g), true)),
  );
}

/** A query string appended to a path: junk parameters, doubled ones, bad percent-encoding, a very long one. */
export function queryMutant(path: string): fc.Arbitrary<Mutant> {
  return fc.oneof(
    // Short enough for Node's 16 KiB header limit (over it, Node answers 431 before any route).
    fc.tuple(nastyString, nastyString).map(([k, v]) => `${path}?${uriEncode(k.slice(0, 2000))}=${uriEncode(v.slice(0, 2000))}`),
    fc.constantFrom('?%', '?%zz=1', '?a=1&a=2', `?${'x'.repeat(8000)}`, '?api-version=', '?#', '/..', '//', '/%2e%2e/').map((q) => path + q),
  ).map((p) => mutant(`path ${p.slice(0, 60)}`, '', false, { path: p }));
}
