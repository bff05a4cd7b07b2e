// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { neighbour, selectSelectedStep } from '../../../../../renderer/store/selectors/selection';
import { sampleSteps as steps } from '../../../../helpers/renderer/sample-run';

describe('selection selectors', () => {
  it('moves within the visible rows, from anywhere', () => {
    const visible = [1, 3, 5];
    expect(neighbour(visible, null, 1)).toBe(1);
    expect(neighbour(visible, null, -1)).toBe(5);
    expect(neighbour(visible, 3, 1)).toBe(5);
    expect(neighbour(visible, 3, -1)).toBe(1);
    expect(neighbour(visible, 5, 1)).toBe(5);
    expect(neighbour(visible, 2, 1)).toBe(3);
    expect(neighbour(visible, 2, -1)).toBe(1);
    expect(neighbour([], 2, 1)).toBeNull();
  });

  it('gives the selected step', () => {
    expect(selectSelectedStep({ selected: 3, steps })?.id).toBe('s3');
    expect(selectSelectedStep({ selected: null, steps })).toBeNull();
  });
});
