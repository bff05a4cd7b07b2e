import { parseXmlDocument, type XmlEl, type XmlNode } from '../../emulators/protocols/xml.js';

/**
 * A body as lines a diff can pair: JSON, XML and forms in one canonical, pretty form, each line with a masked twin in
 * which the values that are new in every run are replaced by a placeholder. The aligner compares the masked lines
 * (so a new nonce is not a structural difference) and shows the real ones (so the user still sees both values).
 *
 * The rule for "volatile": a value is volatile when it is minted per run or per request rather than chosen by the
 * protocol or the scenario, i.e. ids (UUIDs, long hex, opaque base64 such as node keys and enroll secrets), nonces,
 * timestamps and epoch times, loopback ports, token and signature bytes, and Windows' generated computer name
 * (`DESKTOP-` + 7 characters, Windows setup's default). They are found two ways: by the name of the field that holds
 * them (VOLATILE_NAMES, e.g. `nonce`, `created_at`, WS-Addressing `MessageID`, XML-DSig `SignatureValue`) and by
 * their shape (VALUE_MASKS). Everything else, including a field that is present in one run and absent in the other,
 * is structure.
 */

export type BodyLanguage = 'json' | 'xml' | 'form' | 'text' | 'binary' | 'none';

export interface BodyLines {
  language: BodyLanguage;
  /** What the user reads. */
  lines: string[];
  /** The same lines with volatile values masked; what the diff compares. */
  masked: string[];
}

/** Field, claim, column, header and element names whose value is minted per run (compared case-insensitively). */
export const VOLATILE_NAMES = new Set(
  [
    // JWT and OAuth (RFC 7519 §4.1; Entra's uti, rh, aio, ctx are per-token)
    'iat', 'nbf', 'exp', 'jti', 'uti', 'rh', 'aio', 'ctx', 'nonce', 'request_nonce', 'srv_challenge', 'expires_on', 'ext_expires_in', 'not_before',
    'correlation_id', 'trace_id', 'timestamp',
    // JWK and JWS key ids: a thumbprint of the run's own key (RFC 7517 §4.5, §4.8), base64url that holds no digit
    // about once in a hundred keys (27 characters), which the opaque shape below would miss
    'kid', 'x5t', 'x5t#s256',
    // Fleet: node keys and timestamps of every row (server/fleet/hosts.go)
    'node_key', 'orbit_node_key', 'created_at', 'updated_at', 'last_seen_at', 'detail_updated_at', 'label_updated_at', 'seen_time', 'enroll_secret',
    // WS-Addressing and WS-Security headers (MS-MDE2 §2.2.x), XML-DSig values
    'messageid', 'relatesto', 'created', 'expires', 'signaturevalue', 'digestvalue', 'binarysecuritytoken', 'activityid',
    // SyncML: the next digest nonce, the digest itself (MS-MDM §2.2.2.1 Cred, OMA-DM SyncHdr NextNonce)
    'nextnonce',
  ].map((n) => n.toLowerCase()),
);

/** Shapes of minted values, masked in this order (a JWT before the base64 inside it). */
const VALUE_MASKS: ReadonlyArray<[RegExp, string]> = [
  [/eyJ[\w-]{4,}\.[\w-]*\.[\w-]*(?:\.[\w-]*\.[\w-]*)?/g, '<jwt>'],
  // Entra's opaque refresh tokens: `0.A` and base64url segments joined by dots.
  [/\b0\.A[\w-]{20,}(?:\.[\w-]+)*/g, '<refresh-token>'],
  // A UUID, also cut short as Windows' MDM client certificate CN does (`<30 chars of a GUID>!<HWDevID>`).
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{6,12}(?![0-9a-f])/gi, '<uuid>'],
  // MAC addresses and the emulated device's SMBIOS serial (emulators/device/hardware.ts: 4 hex, 8 digits).
  [/\b[0-9A-F]{2}(?:[-:][0-9A-F]{2}){5}\b/gi, '<mac>'],
  [/\b[0-9A-F]{4}-\d{8}\b/g, '<serial>'],
  // An Entra object's SID on a joined device (S-1-12-1 and four numbers of its object id): the join reply's MembershipChanges.
  [/\bS-1-12-1(?:-\d{1,10}){4}\b/g, 'S-1-12-1-<sid>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT\b/g, '<time>'],
  [/\b(127\.0\.0\.1|localhost|\[::1\]):\d{2,5}\b/g, '$1:<port>'],
  [/\bDESKTOP-[A-Z0-9]{7}\b/g, 'DESKTOP-<name>'],
  [/\b[0-9A-Fa-f]{16,}\b/g, '<hex>'],
  // Padded base64 of both cases (an MD5 digest is 24 characters ending in ==, and may hold no digit at all).
  [/(?<![\w/+-])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])[A-Za-z0-9+/]{16,}={1,2}(?![\w/+=-])/g, '<opaque>'],
  // Opaque base64/base64url: 16+ characters with digits and letters of both cases (a word or a LocURI has not).
  [/(?<![\w/+-])(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[a-z])(?=[A-Za-z0-9+/_-]*[A-Z])[A-Za-z0-9+/_-]{16,}={0,2}(?![\w/+-])/g, '<opaque>'],
  [/\b1[5-9]\d{8}(?:\d{3})?\b/g, '<epoch>'],
];

export function maskValue(s: string): string {
  let out = s;
  for (const [re, by] of VALUE_MASKS) out = out.replace(re, by);
  return out;
}

export const isVolatileName = (name: string): boolean => VOLATILE_NAMES.has(name.toLowerCase().replace(/^.*:/, ''));

/** A value in the masked twin: a placeholder when its name says it is minted, its shape-masked text otherwise. */
export function maskNamed(name: string, value: string): string {
  return isVolatileName(name) ? '<volatile>' : maskValue(value);
}

const lineOf = (lines: string[], masked: string[], line: string, maskedLine = maskValue(line)) => {
  lines.push(line);
  masked.push(maskedLine);
};

// ---- JSON: keys sorted (object member order carries no meaning, RFC 8259 §4), one member per line, no trailing
// commas, so that removing the last member is one removed line and not also a changed comma above it.

function jsonLines(v: unknown, indent: string, prefix: string, name: string | null, lines: string[], masked: string[]): void {
  const head = `${indent}${prefix}`;
  if (Array.isArray(v)) {
    if (v.length === 0) return lineOf(lines, masked, `${head}[]`);
    lineOf(lines, masked, `${head}[`);
    for (const x of v) jsonLines(x, `${indent}  `, '', name, lines, masked);
    return lineOf(lines, masked, `${indent}]`);
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    if (keys.length === 0) return lineOf(lines, masked, `${head}{}`);
    lineOf(lines, masked, `${head}{`);
    for (const k of keys) jsonLines((v as Record<string, unknown>)[k], `${indent}  `, `${JSON.stringify(k)}: `, k, lines, masked);
    return lineOf(lines, masked, `${indent}}`);
  }
  const text = JSON.stringify(v) ?? 'null';
  lineOf(lines, masked, `${head}${text}`, name !== null && isVolatileName(name) ? `${maskValue(head)}<volatile>` : maskValue(`${head}${text}`));
}

export function jsonBodyLines(value: unknown): BodyLines {
  const lines: string[] = [];
  const masked: string[] = [];
  jsonLines(value, '', '', null, lines, masked);
  return { language: 'json', lines, masked };
}

// ---- XML: element by element, attributes sorted (their order carries no meaning, XML 1.0 §3.1), whitespace-only
// text dropped, an element with only text on one line.

const isElement = (n: XmlNode): n is XmlEl => n.nodeType === 1;

function attrsOf(el: XmlEl): { real: string; masked: string } {
  const list: [string, string][] = el.attributes.map((a) => [a.name, a.value]);
  list.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return {
    real: list.map(([n, v]) => ` ${n}="${v}"`).join(''),
    masked: list.map(([n, v]) => ` ${n}="${maskNamed(n, v)}"`).join(''),
  };
}

function xmlLines(el: XmlEl, indent: string, lines: string[], masked: string[]): void {
  const name = el.tagName;
  const attrs = attrsOf(el);
  const kids: XmlNode[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 3 || n.nodeType === 4) {
      if ((n.nodeValue ?? '').trim() !== '') kids.push(n);
    } else if (isElement(n)) kids.push(n);
  }
  const open = `${indent}<${name}`;
  if (kids.length === 0) return lineOf(lines, masked, `${open}${attrs.real}/>`, `${open}${attrs.masked}/>`);
  if (kids.every((k) => !isElement(k))) {
    const text = kids.map((k) => (k.nodeValue ?? '').trim()).join('');
    const m = isVolatileName(el.localName ?? name) ? '<volatile>' : maskValue(text);
    return lineOf(lines, masked, `${open}${attrs.real}>${text}</${name}>`, `${open}${attrs.masked}>${m}</${name}>`);
  }
  lineOf(lines, masked, `${open}${attrs.real}>`, `${open}${attrs.masked}>`);
  for (const k of kids) {
    if (isElement(k)) xmlLines(k, `${indent}  `, lines, masked);
    else lineOf(lines, masked, `${indent}  ${(k.nodeValue ?? '').trim()}`);
  }
  lineOf(lines, masked, `${indent}</${name}>`);
}

/** XML as element lines, or null when it is not well formed (then it is compared as text). */
export function xmlBodyLines(xml: string): BodyLines | null {
  try {
    const doc = parseXmlDocument(xml, (m) => new Error(m));
    const root = doc.documentElement;
    const lines: string[] = [];
    const masked: string[] = [];
    xmlLines(root, '', lines, masked);
    return { language: 'xml', lines, masked };
  } catch {
    return null;
  }
}

// ---- forms: one `name=value` per field, decoded and sorted (OAuth parameters are unordered, RFC 6749 §3.2 / B).

export function formBodyLines(body: string): BodyLines {
  const fields = [...new URLSearchParams(body.trim())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    language: 'form',
    lines: fields.map(([k, v]) => `${k}=${v}`),
    masked: fields.map(([k, v]) => `${k}=${maskNamed(k, v)}`),
  };
}

const header = (headers: Record<string, string>, name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1] ?? '';

/** A message body as lines, by its content type or, when that is vague, by its look. */
export function bodyLines(body: string, headers: Record<string, string>, encoding?: 'utf8' | 'base64'): BodyLines {
  if (!body) return { language: 'none', lines: [], masked: [] };
  if (encoding === 'base64') {
    // A binary body (an MSI) is one line: its size; its bytes are not diffed line by line.
    const line = `(binary, ${Buffer.from(body, 'base64').length} bytes)`;
    return { language: 'binary', lines: [line], masked: [line] };
  }
  const ct = header(headers, 'content-type').toLowerCase();
  if (ct.includes('json') || /^\s*[[{]/.test(body)) {
    try {
      return jsonBodyLines(JSON.parse(body));
    } catch {
      /* not JSON after all */
    }
  }
  if (!ct.includes('html') && (ct.includes('xml') || /^\s*<(\?xml|[\w:]+[\s>/])/.test(body))) {
    const x = xmlBodyLines(body);
    if (x) return x;
  }
  if (ct.includes('x-www-form-urlencoded') || /^[\w.%-]+=[^&\s]*(&[\w.%-]+=[^&\s]*)*$/.test(body.trim())) return formBodyLines(body);
  const lines = body.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  return { language: 'text', lines, masked: lines.map(maskValue) };
}
