import type { Step } from '../../../app/contract';
import type { LabStore } from '../types';

export function selectSelectedStep(s: Pick<LabStore, 'selected' | 'steps'>): Step | null {
  return s.selected === null ? null : s.steps[s.selected] ?? null;
}

/** Move the selection within the visible (filtered) rows: j/k and the arrows. */
export function neighbour(visible: readonly number[], selected: number | null, delta: 1 | -1): number | null {
  if (visible.length === 0) return null;
  if (selected === null) return delta > 0 ? visible[0]! : visible[visible.length - 1]!;
  let lo = 0;
  let hi = visible.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (visible[mid]! < selected) lo = mid + 1;
    else hi = mid - 1;
  }
  // lo: first visible index >= selected
  const here = visible[lo] === selected;
  const target = delta > 0 ? (here ? lo + 1 : lo) : lo - 1;
  return visible[Math.min(Math.max(target, 0), visible.length - 1)] ?? null;
}
