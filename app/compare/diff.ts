import { diffArrays } from 'diff';
import type { BodyDiff, DbChange, DbChangeDiff, DiffLine, FieldDiff, HttpRequest, HttpResponse, MessageDiff, TokenDiff, TokenView } from '../contract.js';
import { bodyLines, isVolatileName, jsonBodyLines, maskValue, type BodyLines } from './normalise.js';

/**
 * What differs between the two steps of a pair, aspect by aspect: bodies line by line (on the canonical lines of
 * normalise.ts), headers, token claims, DB rows. Everything here is pure; compare.ts assembles a row from it.
 */

/** Two bodies' lines: the diff runs on the masked twins, and shows the real lines of each run. */
export function lineDiff(a: BodyLines, b: BodyLines): BodyDiff {
  const language = a.language === b.language ? a.language : a.language === 'none' ? b.language : a.language;
  const lines: DiffLine[] = [];
  let changed = 0;
  let volatile = 0;
  let ia = 0;
  let ib = 0;
  for (const part of diffArrays(a.masked, b.masked)) {
    for (let k = 0; k < part.value.length; k++) {
      if (part.removed) {
        lines.push({ op: 'removed', a: a.lines[ia++]! });
        changed++;
      } else if (part.added) {
        lines.push({ op: 'added', b: b.lines[ib++]! });
        changed++;
      } else {
        const la = a.lines[ia++]!;
        const lb = b.lines[ib++]!;
        if (la === lb) lines.push({ op: 'same', a: la });
        else {
          lines.push({ op: 'volatile', a: la, b: lb });
          volatile++;
        }
      }
    }
  }
  return { language, changed, volatile, lines: changed + volatile === 0 ? [] : lines };
}

export function bodyDiff(a: HttpRequest | HttpResponse | undefined, b: HttpRequest | HttpResponse | undefined): BodyDiff {
  const side = (m: typeof a) => (m ? bodyLines(m.body, m.headers, m.bodyEncoding) : bodyLines('', {}));
  return lineDiff(side(a), side(b));
}

/** A local step's operation record (its `detail`), as JSON lines. */
export function detailDiff(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): BodyDiff {
  const side = (d: typeof a) => (d ? jsonBodyLines(d) : { language: 'none' as const, lines: [], masked: [] });
  return lineDiff(side(a), side(b));
}

/**
 * Headers minted per request or per connection, or derived from the body: shown when they differ, never counted.
 * `date` is the server's clock, `content-length` follows the body (whose diff says what changed), `ms-cv` and
 * `client-request-id` are Microsoft's per-request correlation ids, x-enrollscope-step is the lab's step id.
 */
const VOLATILE_HEADERS = new Set(['date', 'content-length', 'host', 'ms-cv', 'client-request-id', 'request-id', 'x-request-id', 'x-ms-request-id', 'traceparent', 'etag', 'last-modified', 'x-enrollscope-step', 'keep-alive']);

/** Values that differ, by name: volatile when the name says so or when they differ only in minted values. */
export function fieldDiffs(a: Record<string, string | null>, b: Record<string, string | null>, volatileName: (n: string) => boolean): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const va = a[name] ?? null;
    const vb = b[name] ?? null;
    if (va === vb) continue;
    const volatile = volatileName(name) || (va !== null && vb !== null && maskValue(va) === maskValue(vb));
    out.push({ name, a: va, b: vb, volatile });
  }
  return out;
}

const lowerKeys = (h: Record<string, string> | undefined) => Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

export function headerDiffs(a: Record<string, string> | undefined, b: Record<string, string> | undefined): FieldDiff[] {
  return fieldDiffs(lowerKeys(a), lowerKeys(b), (n) => VOLATILE_HEADERS.has(n));
}

export function messageDiff(a: HttpRequest | HttpResponse | undefined, b: HttpRequest | HttpResponse | undefined): MessageDiff | null {
  if (!a && !b) return null;
  const head = (m: typeof a): Record<string, string> => {
    if (!m) return {};
    // The request line is a header-like field of its own, so a changed query or method shows up beside the headers.
    const line: Record<string, string> = 'method' in m ? { ':request': `${m.method} ${m.url.replace(/^https?:\/\/[^/]+/, '')}` } : { ':status': String(m.status) };
    return { ...line, ...lowerKeys(m.headers) };
  };
  return { headers: fieldDiffs(head(a), head(b), (n) => VOLATILE_HEADERS.has(n)), body: bodyDiff(a, b) };
}

const text = (v: unknown): string | null => (v === undefined ? null : typeof v === 'string' ? v : (JSON.stringify(v) ?? null));

/** How a token is named in a diff: what it is for (the EUA token, an access token's scope) and its format. */
export function tokenLabel(t: TokenView): string {
  const p = t.payload ?? {};
  const what = p.sub === 'EUAToken' || p.sub === 'STSAuthToken' ? p.sub : (p.scp ?? p.aud ?? t.header.typ ?? t.format);
  return `${t.where}: ${String(what)}`;
}

/** Pair `a` and `b` by a key, in order within each key (the nth of a kind in A with the nth in B). */
export function pairInOrder<T>(a: readonly T[], b: readonly T[], key: (x: T) => string): Array<[number | null, number | null]> {
  const used = new Set<number>();
  const seen = new Map<string, number[]>();
  b.forEach((x, j) => {
    const k = key(x);
    seen.set(k, [...(seen.get(k) ?? []), j]);
  });
  const out: Array<[number | null, number | null]> = [];
  a.forEach((x, i) => {
    const j = seen.get(key(x))?.shift();
    if (j === undefined) out.push([i, null]);
    else {
      used.add(j);
      out.push([i, j]);
    }
  });
  b.forEach((_, j) => {
    if (!used.has(j)) out.push([null, j]);
  });
  return out;
}

/** Claims, header fields (`header.alg`) and the verdicts of each pair of tokens. */
export function tokenDiffs(a: readonly TokenView[], b: readonly TokenView[]): TokenDiff[] {
  return pairInOrder(a, b, (t) => t.where).map(([i, j]) => {
    const ta = i === null ? null : a[i]!;
    const tb = j === null ? null : b[j]!;
    const label = tokenLabel((ta ?? tb)!);
    const where = (ta ?? tb)!.where;
    if (!ta || !tb) return { where, label, kind: ta ? 'only-a' : 'only-b', a: i, b: j, claims: [] } satisfies TokenDiff;
    const fields = (t: TokenView): Record<string, string | null> => ({
      ...Object.fromEntries(Object.entries(t.header).map(([k, v]) => [`header.${k}`, text(v)])),
      ...Object.fromEntries(Object.entries(t.payload ?? {}).map(([k, v]) => [k, text(v)])),
      'signature': t.signature.verdict,
      'time': t.time.verdict,
    });
    const claims = fieldDiffs(fields(ta), fields(tb), (n) => isVolatileName(n) || n === 'header.kid' || n === 'header.x5t');
    return { where, label, kind: claims.some((c) => !c.volatile) ? 'changed' : 'same', a: i, b: j, claims } satisfies TokenDiff;
  });
}

/** A DB change's values: the row after an insert or update, the row before a delete. */
const rowOf = (c: DbChange): Record<string, string | null> => Object.fromEntries(Object.entries(c.after ?? c.before ?? {}).map(([k, v]) => [k, v === null ? 'NULL' : text(v)]));

export function dbDiffs(a: readonly DbChange[], b: readonly DbChange[]): DbChangeDiff[] {
  return pairInOrder(a, b, (c) => `${c.party}.${c.table} ${c.op}`).map(([i, j]) => {
    const ca = i === null ? null : a[i]!;
    const cb = j === null ? null : b[j]!;
    const c = (ca ?? cb)!;
    const head = { party: c.party, table: c.table, op: c.op };
    if (!ca || !cb) {
      // A row only one run wrote: its values, on its side.
      const values = rowOf(c);
      const columns = Object.keys(values).sort().map((name) => ({ name, a: ca ? values[name]! : null, b: cb ? values[name]! : null, volatile: false }));
      return { ...head, kind: ca ? 'only-a' : 'only-b', columns } satisfies DbChangeDiff;
    }
    const columns = fieldDiffs(rowOf(ca), rowOf(cb), isVolatileName);
    return { ...head, kind: columns.some((x) => !x.volatile) ? 'changed' : 'same', columns } satisfies DbChangeDiff;
  });
}
