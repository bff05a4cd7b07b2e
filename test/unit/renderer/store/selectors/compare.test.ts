// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { CompareResult, CompareRow, DiffLine, PairDiff, RunBundle, RunSummary, Step } from '../../../../../app/contract';
import { compareHeadline, defaultSides, foldDiff, nextDifference, rowSteps, sourceKey, sourceLabel, structuralCounts } from '../../../../../renderer/store/selectors/compare';
import { recordedStep } from '../../../../helpers/step';

const run = (runId: string, scenario: string, prompts: number): RunSummary => ({ runId, scenario, prompts, passed: true, steps: 10, createdAt: '2026-01-01T00:00:00Z' });
const step = (index: number, extra: Partial<Step> = {}): Step => recordedStep({
  id: `s${index}`, index, kind: 'http', catalogId: 'orbit.enroll', from: 'orbit', to: 'mdm', title: 'orbit enroll', status: 'done', observedBy: 'lab', startedAt: 0, durationMs: 1, tokens: [], changes: [], ...extra,
});
const bundle = (steps: Step[], scenario: string): RunBundle => ({ format: 'enrollscope-run/1', scenario, seed: null, options: {}, createdAt: '', prompts: 1, passed: true, expectations: [], steps });
const row = (kind: CompareRow['kind'], a: number | null, b: number | null): CompareRow => ({ kind, a, b, catalogId: 'orbit.enroll', key: 'orbit.enroll orbit>mdm POST /api/fleet/orbit/enroll', differences: [], pair: null });

describe('compare selectors', () => {
  it('picks the two newest runs by default, the older as A', () => {
    const sides = defaultSides([run('run-2', 'autopilot-eua', 1), run('run-3', 'autopilot-no-eua', 2), run('run-4', 'eua-expired', 2)]);
    expect(sides).toEqual({ a: { kind: 'run', runId: 'run-3' }, b: { kind: 'run', runId: 'run-4' } });
    expect(defaultSides([run('run-2', 'x', 1)])).toEqual({ a: { kind: 'run', runId: 'run-2' }, b: null });
    expect(defaultSides([])).toEqual({ a: null, b: null });
  });

  it('names a side by its run (scenario, steps, prompts) or by its file', () => {
    const runs = [run('run-2', 'autopilot-eua', 1)];
    expect(sourceLabel({ kind: 'run', runId: 'run-2' }, runs)).toBe('run-2 · autopilot-eua · 10 steps · 1 prompt');
    expect(sourceLabel({ kind: 'file', name: 'b.json', bundle: bundle([step(0)], 'autopilot-no-eua') }, runs)).toBe('b.json · autopilot-no-eua · 1 step');
    expect(sourceKey({ kind: 'run', runId: 'current' })).toBe('run:current');
  });

  it('puts the prompt counts first in the headline, flagged when they differ', () => {
    const r: CompareResult = {
      a: { scenario: 'autopilot-eua', seed: null, prompts: 1, passed: true, steps: 45 },
      b: { scenario: 'autopilot-no-eua', seed: null, prompts: 2, passed: true, steps: 54 },
      summary: { same: 39, changed: 3, onlyA: 3, onlyB: 12 },
      firstDivergence: null,
      rows: [],
    };
    const h = compareHeadline(r);
    expect(h.prompts).toBe('prompts 1 vs 2');
    expect(h.promptsDiffer).toBe(true);
    expect(h.counts).toBe('39 same · 3 changed · 3 only in A · 12 only in B');
  });

  it('gives a row its two steps, null on the side that has a gap', () => {
    const c = { result: {} as CompareResult, a: bundle([step(0), step(1)], 'a'), b: bundle([step(0)], 'b') };
    expect(rowSteps(c, row('only-a', 1, null))).toEqual({ a: c.a.steps[1], b: null });
    expect(rowSteps(c, row('same', 0, 0)).b).toBe(c.b.steps[0]);
  });

  it('jumps to the next and previous difference, wrapping, skipping rows that are the same', () => {
    const rows = [row('same', 0, 0), row('changed', 1, 1), row('same', 2, 2), row('only-b', null, 3), row('same', 3, 4)];
    expect(nextDifference(rows, null)).toBe(1);
    expect(nextDifference(rows, 1)).toBe(3);
    expect(nextDifference(rows, 3)).toBe(1);
    expect(nextDifference(rows, 1, -1)).toBe(3);
    expect(nextDifference([row('same', 0, 0)], null)).toBeNull();
  });

  it('folds long runs of unchanged lines, keeping three lines of context next to each change; a fold opens', () => {
    const same = (n: number): DiffLine[] => Array.from({ length: n }, (_, i) => ({ op: 'same', a: `l${i}` }));
    const lines: DiffLine[] = [...same(10), { op: 'removed', a: 'eua_token' }, { op: 'volatile', a: 'x', b: 'y' }, ...same(10)];
    const shown = foldDiff(lines);
    expect(shown.map((s) => (s.kind === 'fold' ? `fold ${s.from}+${s.count}` : s.line.op))).toEqual([
      'fold 0+7', 'same', 'same', 'same', 'removed', 'volatile', 'same', 'same', 'fold 14+8',
    ]);
    expect(foldDiff(lines, 3, new Set([0])).filter((s) => s.kind === 'fold')).toEqual([{ kind: 'fold', from: 14, count: 8 }]);
    // A run of one line more than the context is not worth a fold.
    expect(foldDiff([...same(4), { op: 'added', b: 'x' }]).every((s) => s.kind === 'line')).toBe(true);
  });

  it('counts what differs per aspect, volatile values apart', () => {
    const body = (changed: number, volatile: number) => ({ language: 'json' as const, changed, volatile, lines: [] });
    const p: PairDiff = {
      request: { headers: [{ name: 'date', a: '1', b: '2', volatile: true }], body: body(1, 2) },
      response: { headers: [{ name: ':status', a: '200', b: '401', volatile: false }], body: body(3, 0) },
      detail: null,
      tokens: [{ where: 'request body', label: 'x', kind: 'only-a', a: 0, b: null, claims: [] }],
      db: [{ party: 'mdm', table: 'hosts', op: 'insert', kind: 'same', columns: [] }],
    };
    expect(structuralCounts(p)).toEqual({ body: 4, headers: 1, tokens: 1, db: 0, volatile: 3 });
  });
});
