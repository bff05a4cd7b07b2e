import { diffArrays } from 'diff';
import type { CompareResult, CompareRow, RunBundle, Step, TokenView } from '../contract.js';

/**
 * Two runs side by side: steps aligned by who talked to whom about what (an LCS over step keys, as a text diff
 * aligns lines), then, for each aligned pair, what differs: the HTTP status, the prompt, token claims, DB changes.
 */
const VOLATILE_CLAIMS = new Set(['iat', 'nbf', 'exp', 'jti', 'uti', 'rh', 'aio', 'nonce', 'ctx', 'request_nonce']);

/** Ids, ports and counters differ between any two runs; the key keeps what the step is. */
function keyOf(s: Step): string {
  const title = s.title.replace(/\b[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\b/gi, '<id>').replace(/:\d{2,5}\b/g, ':<port>').replace(/\b[0-9A-Z]{6,}\b/g, '<id>');
  return `${s.kind} ${s.from}>${s.to} ${title}`;
}

/** Ids, nonces, opaque tokens and ports are new in every unseeded run: compare values with them masked. */
function masked(v: unknown): string {
  return (JSON.stringify(v) ?? '(absent)')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\b[0-9A-Fa-f]{16,}\b/g, '<hex>')
    .replace(/[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]{10,})*/g, '<opaque>')
    .replace(/:\d{2,5}\b/g, ':<port>');
}

function tokenName(t: TokenView, i: number): string {
  const p = t.payload ?? {};
  const what = p.sub === 'EUAToken' || p.sub === 'STSAuthToken' ? p.sub : (p.scp ?? t.header.typ ?? t.format);
  return `#${i + 1} (${String(what)})`;
}

function claimDiffs(a: TokenView[], b: TokenView[]): string[] {
  const out: string[] = [];
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ta = a[i];
    const tb = b[i];
    if (!ta || !tb) {
      out.push(ta ? `token ${tokenName(ta, i)} only in A` : `token ${tokenName(tb!, i)} only in B`);
      continue;
    }
    const name = tokenName(ta, i);
    const pa = ta.payload ?? {};
    const pb = tb.payload ?? {};
    for (const k of new Set([...Object.keys(pa), ...Object.keys(pb)])) {
      if (VOLATILE_CLAIMS.has(k)) continue;
      if (masked(pa[k]) !== masked(pb[k])) out.push(`token ${name}: ${k} ${JSON.stringify(pa[k]) ?? '(absent)'} → ${JSON.stringify(pb[k]) ?? '(absent)'}`);
    }
    if (ta.signature.verdict !== tb.signature.verdict) out.push(`token ${name}: signature ${ta.signature.verdict} → ${tb.signature.verdict}`);
    if (ta.time.verdict !== tb.time.verdict) out.push(`token ${name}: time ${ta.time.verdict} → ${tb.time.verdict}`);
  }
  return out;
}

function changeSummary(s: Step): string[] {
  const counts = new Map<string, number>();
  for (const c of s.changes) counts.set(`${c.party}.${c.table} ${c.op}`, (counts.get(`${c.party}.${c.table} ${c.op}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).sort();
}

function pairDiffs(a: Step, b: Step): string[] {
  const out: string[] = [];
  if ((a.response?.status ?? null) !== (b.response?.status ?? null)) out.push(`status ${a.response?.status ?? '—'} → ${b.response?.status ?? '—'}`);
  if (a.status !== b.status) out.push(`step ${a.status} → ${b.status}`);
  if ((a.prompt?.count ?? null) !== (b.prompt?.count ?? null)) out.push(`prompt #${a.prompt?.count ?? '—'} → #${b.prompt?.count ?? '—'}`);
  out.push(...claimDiffs(a.tokens, b.tokens));
  const ca = changeSummary(a);
  const cb = changeSummary(b);
  for (const c of ca) if (!cb.includes(c)) out.push(`DB: ${c} only in A`);
  for (const c of cb) if (!ca.includes(c)) out.push(`DB: ${c} only in B`);
  return out;
}

export function compareRuns(a: RunBundle, b: RunBundle): CompareResult {
  const parts = diffArrays(a.steps.map(keyOf), b.steps.map(keyOf));
  const rows: CompareRow[] = [];
  let ia = 0;
  let ib = 0;
  for (const part of parts) {
    for (let k = 0; k < part.count!; k++) {
      if (part.added) rows.push({ kind: 'only-b', a: null, b: ib++, differences: [] });
      else if (part.removed) rows.push({ kind: 'only-a', a: ia++, b: null, differences: [] });
      else {
        const differences = pairDiffs(a.steps[ia]!, b.steps[ib]!);
        rows.push({ kind: differences.length ? 'changed' : 'same', a: ia++, b: ib++, differences });
      }
    }
  }
  const count = (k: CompareRow['kind']) => rows.filter((r) => r.kind === k).length;
  return {
    a: { scenario: a.scenario, seed: a.seed, prompts: a.prompts, passed: a.passed, steps: a.steps.length },
    b: { scenario: b.scenario, seed: b.seed, prompts: b.prompts, passed: b.passed, steps: b.steps.length },
    summary: { same: count('same'), changed: count('changed'), onlyA: count('only-a'), onlyB: count('only-b') },
    rows,
  };
}

/** The comparison as text for a terminal: the outcome, then every row that differs. */
export function formatComparison(r: CompareResult, a: RunBundle, b: RunBundle): string {
  const lines = [
    `A: ${r.a.scenario ?? '(no scenario)'}  ${r.a.steps} steps, ${r.a.prompts} prompt(s), ${r.a.passed === null ? 'not judged' : r.a.passed ? 'passed' : 'failed'}`,
    `B: ${r.b.scenario ?? '(no scenario)'}  ${r.b.steps} steps, ${r.b.prompts} prompt(s), ${r.b.passed === null ? 'not judged' : r.b.passed ? 'passed' : 'failed'}`,
    `${r.summary.same} same, ${r.summary.changed} changed, ${r.summary.onlyA} only in A, ${r.summary.onlyB} only in B`,
    '',
  ];
  for (const row of r.rows) {
    if (row.kind === 'same') continue;
    const s = row.a !== null ? a.steps[row.a]! : b.steps[row.b!]!;
    const label = `${row.a !== null ? `A${row.a + 1}` : '  -'} ${row.b !== null ? `B${row.b + 1}` : '  -'}`;
    const mark = row.kind === 'changed' ? '~' : row.kind === 'only-a' ? '-' : '+';
    lines.push(`${mark} ${label.padEnd(10)} ${s.from} → ${s.to}  ${s.title}`);
    for (const d of row.differences) lines.push(`      ${d}`);
  }
  return lines.join('\n');
}
