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
