import type { BodyDiff, CompareResult, CompareRow, FieldDiff, PairDiff, RunBundle, Step } from '../contract.js';
import { alignSteps, stepKey } from './align.js';
import { dbDiffs, detailDiff, messageDiff, tokenDiffs } from './diff.js';
import { maskValue } from './normalise.js';

/**
 * Two runs side by side: steps paired by what they are (align.ts), then, for each pair, what differs in the order
 * the exchange happened: the request (line, headers, body), the response (status, headers, body), a local step's
 * record, the tokens, the DB rows, the prompt. Values minted per run are shown but never make a pair `changed`.
 */

/** A value as a difference line shows it: whole when short, cut in the middle of a long token. */
export function clip(s: string | null, max = 96): string {
  if (s === null) return '(absent)';
  return s.length <= max ? s : `${s.slice(0, max - 12)}…${s.slice(-8)}`;
}

const MAX_BODY_LINES = 3;

/**
 * A changed line for a summary: masked (`<jwt>`, `<port>`: the value is in the full diff) and, when it is one side of
 * a modified line, cut to start a little before where the two sides part, so a long command line shows what changed.
 */
export function gist(line: string, other?: string, max = 96): string {
  const m = maskValue(line.trim()).replace(/\s+/g, ' ');
  if (m.length <= max) return m;
  let at = 0;
  if (other !== undefined) {
    const o = maskValue(other.trim()).replace(/\s+/g, ' ');
    while (at < m.length && at < o.length && m[at] === o[at]) at++;
  }
  const from = Math.max(0, Math.min(at - 24, m.length - max));
  return `${from > 0 ? '…' : ''}${m.slice(from, from + max)}${from + max < m.length ? '…' : ''}`;
}

function bodyLinesOf(what: string, d: BodyDiff | null | undefined): string[] {
  if (!d || d.changed === 0) return [];
  // Myers' diff lists a modified block as its removed lines, then its added ones: the kth of each is a pair.
  const out: string[] = [];
  let n = 0;
  for (let i = 0; i < d.lines.length; ) {
    const removed: string[] = [];
    const added: string[] = [];
    while (d.lines[i]?.op === 'removed') removed.push(d.lines[i++]!.a!);
    while (d.lines[i]?.op === 'added') added.push(d.lines[i++]!.b!);
    if (removed.length + added.length === 0) {
      i++;
      continue;
    }
    for (const [k, l] of removed.entries()) out.push(`${what}: − ${gist(l, added[k])}`);
    for (const [k, l] of added.entries()) out.push(`${what}: + ${gist(l, removed[k])}`);
    n += removed.length + added.length;
  }
  if (out.length > MAX_BODY_LINES) return [...out.slice(0, MAX_BODY_LINES), `${what}: ${n - MAX_BODY_LINES} more line(s) differ`];
  return out;
}

const fieldLine = (what: string, f: FieldDiff) => `${what} ${f.name}: ${f.a === null ? '(absent)' : gist(f.a, f.b ?? undefined, 48)} → ${f.b === null ? '(absent)' : gist(f.b, f.a ?? undefined, 48)}`;
const structural = (fs: readonly FieldDiff[]) => fs.filter((f) => !f.volatile);

function differencesOf(a: Step, b: Step, pair: PairDiff): string[] {
  const out: string[] = [];
  const statusA = a.response?.status ?? null;
  const statusB = b.response?.status ?? null;
  for (const f of structural(pair.request?.headers ?? [])) out.push(f.name === ':request' ? `request ${clip(f.a)} → ${clip(f.b)}` : fieldLine('request header', f));
  out.push(...bodyLinesOf('request body', pair.request?.body));
  if (statusA !== statusB) out.push(`status ${statusA ?? '—'} → ${statusB ?? '—'}`);
  const errA = a.error ?? ('error' in a.protocol ? a.protocol.error : null) ?? null;
  const errB = b.error ?? ('error' in b.protocol ? b.protocol.error : null) ?? null;
  if (errA !== errB) out.push(`error ${errA ?? '—'} → ${errB ?? '—'}`);
  for (const f of structural(pair.response?.headers ?? [])) if (f.name !== ':status') out.push(fieldLine('response header', f));
  out.push(...bodyLinesOf('response body', pair.response?.body));
  out.push(...bodyLinesOf('detail', pair.detail));
  for (const t of pair.tokens) {
    if (t.kind === 'only-a' || t.kind === 'only-b') out.push(`token ${t.label} only in ${t.kind === 'only-a' ? 'A' : 'B'}`);
    else for (const c of structural(t.claims)) out.push(fieldLine(`token ${t.label}:`, c));
  }
  for (const c of pair.db) {
    const what = `DB ${c.party}.${c.table} ${c.op}`;
    if (c.kind === 'only-a' || c.kind === 'only-b') out.push(`${what} only in ${c.kind === 'only-a' ? 'A' : 'B'}`);
    else for (const col of structural(c.columns)) out.push(fieldLine(`${what}:`, col));
  }
  if ((a.prompt?.count ?? null) !== (b.prompt?.count ?? null)) out.push(`prompt #${a.prompt?.count ?? '—'} → #${b.prompt?.count ?? '—'}`);
  // The step's own status says little once the HTTP status or the error already differ.
  if (a.status !== b.status && statusA === statusB && errA === errB) out.push(`step ${a.status} → ${b.status}`);
  return out;
}

export function pairDiff(a: Step, b: Step): PairDiff {
  return {
    request: messageDiff(a.request, b.request),
    response: messageDiff(a.response, b.response),
    detail: a.detail || b.detail ? detailDiff(a.detail, b.detail) : null,
    tokens: tokenDiffs(a.tokens, b.tokens),
    db: dbDiffs(a.changes, b.changes),
  };
}

function rowOf(ra: RunBundle, rb: RunBundle, ia: number | null, ib: number | null): CompareRow {
  const a = ia === null ? null : ra.steps[ia]!;
  const b = ib === null ? null : rb.steps[ib]!;
  const s = (a ?? b)!;
  const head = { a: ia, b: ib, catalogId: s.catalogId, key: stepKey(s) };
  if (!a || !b) return { ...head, kind: a ? 'only-a' : 'only-b', differences: [], pair: null };
  const pair = pairDiff(a, b);
  const differences = differencesOf(a, b, pair);
  return { ...head, kind: differences.length ? 'changed' : 'same', differences, pair };
}

const summaryOf = (r: RunBundle) => ({ scenario: r.scenario, seed: r.seed, fleet: r.fleet ?? null, prompts: r.prompts, passed: r.passed, steps: r.steps.length });

export function compareRuns(a: RunBundle, b: RunBundle): CompareResult {
  const rows = alignSteps(a.steps, b.steps).map((p) => rowOf(a, b, p.a, p.b));
  const count = (k: CompareRow['kind']) => rows.filter((r) => r.kind === k).length;
  const first = rows.findIndex((r) => r.kind !== 'same');
  const row = rows[first];
  return {
    a: summaryOf(a),
    b: summaryOf(b),
    summary: { same: count('same'), changed: count('changed'), onlyA: count('only-a'), onlyB: count('only-b') },
    firstDivergence: row
      ? {
          row: first,
          kind: row.kind,
          catalogId: row.catalogId,
          a: row.a,
          b: row.b,
          line: row.kind === 'changed' ? row.differences[0]! : `only in ${row.kind === 'only-a' ? 'A' : 'B'}: ${(row.a !== null ? a.steps[row.a] : b.steps[row.b!])!.title}`,
        }
      : null,
    rows,
  };
}

const verdict = (p: boolean | null) => (p === null ? 'not judged' : p ? 'passed' : 'failed');
const label = (row: { a: number | null; b: number | null }) => `${row.a !== null ? `A${row.a + 1}` : '-'} ${row.b !== null ? `B${row.b + 1}` : '-'}`;
const MARK: Record<CompareRow['kind'], string> = { same: '=', changed: '~', 'only-a': '-', 'only-b': '+' };

/**
 * The comparison as text for a terminal: both runs, the counts, the first divergence, then one line per pair
 * (`=` same, `~` changed, `-` only in A, `+` only in B) with the differences of the changed ones under it.
 */
export function formatComparison(r: CompareResult, a: RunBundle, b: RunBundle): string {
  const run = (name: string, s: CompareResult['a']) => `${name}: ${s.scenario ?? '(no scenario)'}${s.fleet ? `  Fleet ${s.fleet}` : ''}  seed ${s.seed ?? '(none)'}  ${s.steps} steps, ${s.prompts} prompt(s), ${verdict(s.passed)}`;
  const lines = [run('A', r.a), run('B', r.b), `${r.summary.same} same, ${r.summary.changed} changed, ${r.summary.onlyA} only in A, ${r.summary.onlyB} only in B`];
  const d = r.firstDivergence;
  lines.push(d ? `first divergence: ${label(d)} ${d.catalogId}: ${d.line}` : 'no divergence: the runs match step for step', '');
  for (const row of r.rows) {
    const s = (row.a !== null ? a.steps[row.a] : b.steps[row.b!])!;
    lines.push(`${MARK[row.kind]} ${label(row).padEnd(9)} ${row.kind.padEnd(7)} ${row.catalogId.padEnd(30)} ${s.from} → ${s.to}  ${s.title}`);
    for (const x of row.differences) lines.push(`      ${x}`);
  }
  return lines.join('\n');
}
