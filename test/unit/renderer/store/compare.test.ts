// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { CompareResult, RunBundle, Step } from '../../../../app/contract';
import { createLabStore } from '../../../../renderer/store';

const bundle = (steps: Step[], scenario: string): RunBundle => ({ format: 'enrollscope-run/1', scenario, seed: null, options: {}, createdAt: '', prompts: 1, passed: true, expectations: [], steps });

describe('the compare slice', () => {
  it('picking a new side drops the old comparison and its selected row', () => {
    const store = createLabStore();
    store.getState().setComparison({ result: { rows: [] } as unknown as CompareResult, a: bundle([], 'a'), b: bundle([], 'b') });
    store.getState().selectCompareRow(3);
    store.getState().setSide('a', { kind: 'run', runId: 'run-5' });
    expect(store.getState().comparison).toBeNull();
    expect(store.getState().compareRow).toBeNull();
  });
});

describe('compare Fleet profiles', () => {
  it('asks the host to run the picked scenario, options and seed under A then B, and shows the two runs as the sides', async () => {
    const { createCompareActions } = await import('../../../../renderer/store/compare-actions');
    const store = createLabStore();
    store.setState({ scenario: 'autopilot-eua', options: { eua: true }, seed: ' s7 ' });
    const asked: unknown[] = [];
    const result = { a: { fleet: 'eua-first' }, b: { fleet: 'current' }, rows: [] } as unknown as CompareResult;
    const client = {
      compareProfiles: async (req: unknown) => (asked.push(req), { a: 'run-2', b: 'run-3', result }),
      runBundle: async (id: string) => bundle([], id),
      runs: async () => [],
    };
    const actions = createCompareActions(store, client as never);
    await actions.compareProfiles('eua-first', 'current');
    expect(asked).toEqual([{ scenario: 'autopilot-eua', options: { eua: true }, a: 'eua-first', b: 'current', seed: 's7' }]);
    const s = store.getState();
    expect(s.sides).toEqual({ a: { kind: 'run', runId: 'run-2' }, b: { kind: 'run', runId: 'run-3' } });
    expect(s.comparison?.result).toBe(result);
    expect(s.comparison?.a.scenario).toBe('run-2');
    expect(s.compareBusy).toBe(false);
  });

  it('a refused run (unknown scenario) shows the host\'s message and leaves the sides as they were', async () => {
    const { createCompareActions } = await import('../../../../renderer/store/compare-actions');
    const store = createLabStore();
    store.getState().setSide('a', { kind: 'run', runId: 'run-1' });
    const client = { compareProfiles: async () => Promise.reject(new Error('unknown scenario "nope"')), runBundle: async () => bundle([], 'x'), runs: async () => [] };
    await createCompareActions(store, client as never).compareProfiles('eua-first', 'current');
    expect(store.getState().compareError).toBe('unknown scenario "nope"');
    expect(store.getState().sides.a).toEqual({ kind: 'run', runId: 'run-1' });
  });
});
