import type { CompareResult, CompareRow, DiffLine, PairDiff, RunSummary, Step } from '../../../app/contract';
import type { CompareSource, Comparison } from '../compare';

/** What the picker offers by default: the two newest finished runs, older one as A (before → after). */
export function defaultSides(runs: readonly RunSummary[]): { a: CompareSource | null; b: CompareSource | null } {
  const n = runs.length;
  if (n === 0) return { a: null, b: null };
  if (n === 1) return { a: { kind: 'run', runId: runs[0]!.runId }, b: null };
  return { a: { kind: 'run', runId: runs[n - 2]!.runId }, b: { kind: 'run', runId: runs[n - 1]!.runId } };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function runLabel(r: Pick<RunSummary, 'runId' | 'scenario' | 'steps' | 'prompts'> & { fleet?: RunSummary['fleet'] }): string {
  return `${r.runId} · ${r.scenario ?? '(no scenario)'}${r.fleet ? ` · Fleet ${r.fleet}` : ''} · ${plural(r.steps, 'step')} · ${plural(r.prompts, 'prompt')}`;
}

/** How a picked side is named: the run's label, or the file's name and its scenario. */
export function sourceLabel(src: CompareSource | null, runs: readonly RunSummary[]): string {
  if (!src) return 'nothing picked';
  if (src.kind === 'file') return `${src.name} · ${src.bundle.scenario ?? '(no scenario)'} · ${plural(src.bundle.steps.length, 'step')}`;
  if (src.runId === 'current') return 'the run on screen';
  const r = runs.find((x) => x.runId === src.runId);
  return r ? runLabel(r) : src.runId;
}

/** The picker's value for a side (a `<select>` value): `run:<id>` or `file:<name>`. */
export function sourceKey(src: CompareSource | null): string {
  return !src ? '' : src.kind === 'run' ? `run:${src.runId}` : `file:${src.name}`;
}

const verdict = (p: boolean | null) => (p === null ? 'not judged' : p ? 'passed' : 'failed');

/** The summary line over the rows: prompts A vs B (the double-auth bug in one number), outcome, counts. */
export function compareHeadline(r: CompareResult): { prompts: string; promptsDiffer: boolean; passed: string; steps: string; counts: string } {
  return {
    prompts: `prompts ${r.a.prompts} vs ${r.b.prompts}`,
    promptsDiffer: r.a.prompts !== r.b.prompts,
    passed: `A ${verdict(r.a.passed)}, B ${verdict(r.b.passed)}`,
    steps: `steps ${r.a.steps} vs ${r.b.steps}`,
    counts: `${r.summary.same} same · ${r.summary.changed} changed · ${r.summary.onlyA} only in A · ${r.summary.onlyB} only in B`,
  };
}

/** The two steps a row aligns (null on the side where the row is a gap). */
export function rowSteps(c: Comparison, row: CompareRow): { a: Step | null; b: Step | null } {
  return { a: row.a === null ? null : (c.a.steps[row.a] ?? null), b: row.b === null ? null : (c.b.steps[row.b] ?? null) };
}

/** The next row (after `from`, wrapping) that is not `same`: "next difference". */
export function nextDifference(rows: readonly CompareRow[], from: number | null, delta: 1 | -1 = 1): number | null {
  const n = rows.length;
  if (n === 0) return null;
  const start = from ?? (delta > 0 ? -1 : n);
  for (let k = 1; k <= n; k++) {
    const i = (((start + delta * k) % n) + n) % n;
    if (rows[i]!.kind !== 'same') return i;
  }
  return null;
}

/** A body diff as shown: lines, with long runs of unchanged lines folded into one expandable line. */
export type ShownDiffLine = { kind: 'line'; line: DiffLine; at: number } | { kind: 'fold'; from: number; count: number };

/**
 * Fold runs of `same` lines longer than twice `context`, keeping `context` lines next to each change (as `diff -u`
 * does); a volatile line is context, not a change. `open` lists the folds (by first line) the user expanded.
 */
export function foldDiff(lines: readonly DiffLine[], context = 3, open: ReadonlySet<number> = new Set()): ShownDiffLine[] {
  const out: ShownDiffLine[] = [];
  const isChange = (l: DiffLine) => l.op === 'removed' || l.op === 'added';
  let i = 0;
  while (i < lines.length) {
    if (isChange(lines[i]!)) {
      out.push({ kind: 'line', line: lines[i]!, at: i });
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && !isChange(lines[j]!)) j++;
    // The run [i, j) has no change: keep `context` lines after a change before it and before a change after it.
    const keepHead = i === 0 ? 0 : context;
    const keepTail = j === lines.length ? 0 : context;
    const from = i + keepHead;
    const to = j - keepTail;
    if (to - from > 1 && !open.has(from)) {
      for (let k = i; k < from; k++) out.push({ kind: 'line', line: lines[k]!, at: k });
      out.push({ kind: 'fold', from, count: to - from });
      for (let k = to; k < j; k++) out.push({ kind: 'line', line: lines[k]!, at: k });
    } else for (let k = i; k < j; k++) out.push({ kind: 'line', line: lines[k]!, at: k });
    i = j;
  }
  return out;
}

/** How much of a pair differs, aspect by aspect: structural differences, and the volatile ones shown but not counted. */
export function structuralCounts(p: PairDiff): { body: number; headers: number; tokens: number; db: number; volatile: number } {
  const msgs = [p.request, p.response].filter((m): m is NonNullable<typeof m> => m !== null);
  return {
    body: msgs.reduce((n, m) => n + m.body.changed, 0) + (p.detail?.changed ?? 0),
    headers: msgs.reduce((n, m) => n + m.headers.filter((h) => !h.volatile).length, 0),
    tokens: p.tokens.filter((t) => t.kind !== 'same').length,
    db: p.db.filter((c) => c.kind !== 'same').length,
    volatile: msgs.reduce((n, m) => n + m.body.volatile + m.headers.filter((h) => h.volatile).length, 0) + (p.detail?.volatile ?? 0),
  };
}
