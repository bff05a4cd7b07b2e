import type { RunBundle } from '../contract.js';

/**
 * A bundle fit to attach to a bug report: the secrets a run carries are replaced wherever they appear (bodies,
 * headers, URLs, details, tokens, DB rows) — the users' passwords, enroll secrets, PEM private keys, and the
 * signatures of JWTs (header and claims stay readable, the token can no longer be replayed). The DB snapshots are
 * raw SQLite pages and cannot be redacted cell by cell, so they are left out.
 */
export const REDACTED = '[redacted]';

/** Column and field names whose values are secrets in the parties' tables and messages. */
const SECRET_NAME = /^(password|passwd|secret|enroll_secret|client_secret|private_key|.*_private_key|node_key|orbit_node_key|refresh_token|session_key|sealed)$/i;

/** Values that the messages name as secrets: form fields, JSON fields, MSI properties. */
function secretsIn(text: string, found: Set<string>): void {
  for (const m of text.matchAll(/(?:^|[?&\s])(password|enroll_secret|client_secret|refresh_token)=([^&\s]+)/gi)) {
    // As sent (percent-encoded in the form) and as it reads once decoded (in JSON, in the DB).
    found.add(m[2]!);
    try {
      found.add(decodeURIComponent(m[2]!.replace(/\+/g, ' ')));
    } catch {
      /* not percent-encoded */
    }
  }
  for (const m of text.matchAll(/"(password|enroll_secret|orbit_node_key|node_key|secret|refresh_token)"\s*:\s*"([^"]+)"/gi)) found.add(m[2]!);
  for (const m of text.matchAll(/FLEET_SECRET=(?:&quot;|")([^"&]+)(?:&quot;|")/g)) found.add(m[1]!);
  // An opaque Bearer token (the Fleet admin API token an admin step sends); a JWT stays readable, signature dropped below.
  for (const m of text.matchAll(/(?:^|\s)Bearer\s+(?!eyJ)([A-Za-z0-9+/=._~-]{16,})/g)) found.add(m[1]!);
}

function eachString(v: unknown, fn: (s: string) => void): void {
  if (typeof v === 'string') fn(v);
  else if (Array.isArray(v)) for (const x of v) eachString(x, fn);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) {
    if (SECRET_NAME.test(k) && typeof x === 'string' && x.length >= 4) fn(`__secret__${x}`);
    eachString(x, fn);
  }
}

const JWS = /\beyJ[\w-]{4,}\.eyJ[\w-]{4,}\.([\w-]{16,})/g;
const PEM_PRIVATE = /-----BEGIN ([A-Z ]*PRIVATE KEY)-----[\s\S]*?-----END \1-----/g;

function scrub(s: string, secrets: readonly string[]): string {
  let out = s.replace(PEM_PRIVATE, (_m, kind: string) => `-----BEGIN ${kind}-----\n${REDACTED}\n-----END ${kind}-----`);
  out = out.replace(JWS, (m, sig: string) => `${m.slice(0, m.length - sig.length)}${REDACTED.replace(/\W/g, '')}`);
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

function mapStrings(v: unknown, secrets: readonly string[], key?: string): unknown {
  if (typeof v === 'string') return key && SECRET_NAME.test(key) ? REDACTED : scrub(v, secrets);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, secrets));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, secrets, k)]));
  return v;
}

export function redactBundle(bundle: RunBundle): RunBundle {
  const found = new Set<string>();
  eachString(bundle.steps, (s) => (s.startsWith('__secret__') ? found.add(s.slice('__secret__'.length)) : secretsIn(s, found)));
  // Longest first, so a secret that contains another is replaced whole; short values would redact ordinary words.
  const secrets = [...found].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  const { snapshots: _dropped, ...rest } = bundle;
  // An external Fleet's views (hosts, device mappings) go through the same replacement as the steps.
  return { ...rest, steps: mapStrings(bundle.steps, secrets) as RunBundle['steps'], ...(bundle.fleetViews && { fleetViews: mapStrings(bundle.fleetViews, secrets) as RunBundle['fleetViews'] }) };
}
