import { diffArrays } from 'diff';
import type { Step } from '../contract.js';

/**
 * Which step of run A is which step of run B. Steps are the same exchange when they have the same catalog id
 * (emulators/protocols/steps.ts), the same parties, method, path and SOAP action (and, for OMA-DM, the same SyncML
 * session): their key. The nth step with a key in A pairs with the nth in B, so A's one orbit enroll (accepted)
 * pairs with B's first (refused), and B's retry is a step only B has; the order of the pairs is the longest common
 * subsequence of the two runs' keys (Myers' diff, the `diff` package), as a text diff aligns lines.
 */

/** Ids and ports differ between runs; a path segment that is an id (an Entra tenant) is not part of what a step is. */
function pathOf(url: string): string {
  const path = url.replace(/^[a-z][\w+.-]*:\/\/[^/]+/i, '').replace(/[?#].*$/, '');
  return path.replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/gi, '/<id>').replace(/\/[0-9A-Fa-f]{16,}(?=\/|$)/g, '/<id>');
}

/** What a step is, for pairing: `catalogId from>to METHOD path action`. */
export function stepKey(s: Step): string {
  const parts: string[] = [s.catalogId, `${s.from}>${s.to}`];
  if (s.request) parts.push(s.request.method, pathOf(s.request.url));
  const p = s.protocol;
  if (p.kind === 'soap' && p.action) parts.push(p.action);
  // OMA-DM: messages of session 2 pair with session 2 even when session 1 had more messages in one run.
  if (p.kind === 'syncml' && p.request) parts.push(`session ${p.request.sessionId}`);
  return parts.join(' ');
}

export interface AlignedPair {
  a: number | null;
  b: number | null;
}

/** Keys numbered by occurrence (`key #2` is the second step with that key): unique within a run. */
function occurrenceKeys(steps: readonly Step[]): string[] {
  const n = new Map<string, number>();
  return steps.map((s) => {
    const k = stepKey(s);
    const i = (n.get(k) ?? 0) + 1;
    n.set(k, i);
    return `${k} #${i}`;
  });
}

export function alignSteps(a: readonly Step[], b: readonly Step[]): AlignedPair[] {
  const ka = occurrenceKeys(a);
  const kb = occurrenceKeys(b);
  const parts = diffArrays(ka, kb);

  // Steps the common subsequence left out but that both runs have (the same key and occurrence, in another order:
  // two requests that raced) still pair; the pair is listed where A has it.
  const matched = new Set<string>();
  for (const p of parts) if (!p.added && !p.removed) for (const k of p.value) matched.add(k);
  const bByKey = new Map<string, number>();
  kb.forEach((k, j) => {
    if (!matched.has(k)) bByKey.set(k, j);
  });
  const moved = new Map<number, number>(); // a → b
  const movedB = new Set<number>();
  ka.forEach((k, i) => {
    const j = matched.has(k) ? undefined : bByKey.get(k);
    if (j !== undefined) {
      moved.set(i, j);
      movedB.add(j);
    }
  });

  const out: AlignedPair[] = [];
  let ia = 0;
  let ib = 0;
  let gapA: number[] = [];
  let gapB: number[] = [];
  const flush = () => {
    out.push(...mergeGap(a, b, gapA, gapB, moved, movedB));
    gapA = [];
    gapB = [];
  };
  for (const p of parts) {
    if (p.removed) for (let k = 0; k < p.value.length; k++) gapA.push(ia++);
    else if (p.added) for (let k = 0; k < p.value.length; k++) gapB.push(ib++);
    else {
      flush();
      for (let k = 0; k < p.value.length; k++) out.push({ a: ia++, b: ib++ });
    }
  }
  flush();
  return out;
}

/**
 * Between two anchors: A's steps and B's steps that did not pair on their key. Those with the same catalog id and
 * parties still pair, in order (the same step at another path or with another SOAP action); the rest are gaps,
 * A's before B's at each point, as a text diff lists removed lines before added ones.
 */
function mergeGap(a: readonly Step[], b: readonly Step[], gapA: number[], gapB: number[], moved: Map<number, number>, movedB: Set<number>): AlignedPair[] {
  const kind = (s: Step) => `${s.catalogId} ${s.from}>${s.to}`;
  const freeB = gapB.filter((j) => !movedB.has(j));
  const partner = new Map<number, number>();
  const taken = new Set<number>();
  // In order: each A step takes the first B step of its kind after the last one taken, so pairs never cross.
  let after = 0;
  for (const i of gapA) {
    if (moved.has(i)) continue;
    const k = freeB.findIndex((x, at) => at >= after && kind(b[x]!) === kind(a[i]!));
    if (k >= 0) {
      partner.set(i, freeB[k]!);
      taken.add(freeB[k]!);
      after = k + 1;
    }
  }
  const out: AlignedPair[] = [];
  let nextB = 0;
  const emitBUpTo = (j: number) => {
    while (nextB < freeB.length && freeB[nextB]! < j) {
      const x = freeB[nextB++]!;
      if (!taken.has(x)) out.push({ a: null, b: x });
    }
  };
  for (const i of gapA) {
    const m = moved.get(i);
    if (m !== undefined) {
      out.push({ a: i, b: m });
      continue;
    }
    const j = partner.get(i);
    if (j === undefined) {
      out.push({ a: i, b: null });
      continue;
    }
    emitBUpTo(j);
    nextB = Math.max(nextB, freeB.indexOf(j) + 1);
    out.push({ a: i, b: j });
  }
  emitBUpTo(Number.POSITIVE_INFINITY);
  return out;
}
