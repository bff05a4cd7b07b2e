// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createLabStore } from '../../../../renderer/store';
import { sampleSteps as steps } from '../../../helpers/renderer/sample-run';

describe('the store', () => {
  it('applies step batches by index and keeps the scenario defaults', () => {
    const store = createLabStore();
    store.getState().applySteps([steps[1]!, steps[0]!]);
    expect(store.getState().steps.map((s) => s.id)).toEqual(['s0', 's1']);
    store.getState().applySteps([{ ...steps[1]!, title: 'closed' }]);
    expect(store.getState().steps[1]!.title).toBe('closed');
    store.getState().setScenarios([{ name: 'autopilot-eua', title: '', description: '', options: [{ name: 'eua', label: 'EUA', kind: 'boolean', default: true }] }]);
    expect(store.getState()).toMatchObject({ scenario: 'autopilot-eua', options: { eua: true } });
  });
});
