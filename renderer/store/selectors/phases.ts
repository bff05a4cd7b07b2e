import type { Step } from '../../../app/contract';
import { PHASES, STEP_KINDS, isStepKindId, type PhaseId } from '../../../emulators/protocols/steps';

/** A run of consecutive steps in one phase of the story: what the timeline draws as a band. */
export interface PhaseBand {
  /** Its position among the run's bands (0, 1, …). */
  band: number;
  /** null only for steps before the first step that has a phase (an outside client's unknown request). */
  phase: PhaseId | null;
  label: string;
  /** Index of its first and last step. */
  first: number;
  last: number;
}

export interface PhaseMap {
  bands: readonly PhaseBand[];
  /** Band number of each step index (-1 where the run has no step yet). */
  bandOf: readonly number[];
}

/** What a band of steps with no phase is called. */
export const NO_PHASE_LABEL = 'Other steps';

export function phaseLabel(phase: PhaseId | null): string {
  return phase ? PHASES[phase] : NO_PHASE_LABEL;
}

/** The catalog's phase of a step; null for kinds that take the phase they occur in (TPM operations) or unknown ids. */
export function catalogPhase(step: Pick<Step, 'catalogId'>): PhaseId | null {
  return isStepKindId(step.catalogId) ? STEP_KINDS[step.catalogId].phase : null;
}

const cache = new WeakMap<readonly (Step | undefined)[], PhaseMap>();

/**
 * The run's phase bands, from the step catalog (steps.ts PHASES and each entry's `phase`): a step whose entry has
 * no phase belongs to the phase of the step before it. A phase that comes back later (OMA-DM after orbit) is a new
 * band. One pass over the steps, cached per steps array (the store replaces the array when steps change).
 */
export function phaseMap(steps: readonly (Step | undefined)[]): PhaseMap {
  const hit = cache.get(steps);
  if (hit) return hit;
  const bands: PhaseBand[] = [];
  const bandOf: number[] = new Array<number>(steps.length).fill(-1);
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (!step) continue;
    const current: PhaseBand | undefined = bands[bands.length - 1];
    const phase = catalogPhase(step) ?? current?.phase ?? null;
    if (current && phase === current.phase) {
      current.last = i;
      bandOf[i] = current.band;
    } else {
      bandOf[i] = bands.length;
      bands.push({ band: bands.length, phase, label: phaseLabel(phase), first: i, last: i });
    }
  }
  const map = { bands, bandOf };
  cache.set(steps, map);
  return map;
}

/** A band as a filtered list shows it: where it starts among the visible rows. */
export interface VisibleBand extends PhaseBand {
  /** Position in the visible rows of the band's first visible step. */
  pos: number;
  /** Index of that step. */
  step: number;
}

/**
 * The bands of the visible (filtered) rows: a band starts at each visible row whose band differs from the row above.
 * `visible` holds step indexes in ascending order, so each band's visible rows are contiguous.
 */
export function visibleBands(map: PhaseMap, visible: readonly number[]): VisibleBand[] {
  const out: VisibleBand[] = [];
  let prev = -2;
  for (let pos = 0; pos < visible.length; pos++) {
    const step = visible[pos]!;
    const b = map.bandOf[step] ?? -1;
    if (b === prev || b < 0) continue;
    prev = b;
    out.push({ ...map.bands[b]!, pos, step });
  }
  return out;
}

/**
 * The guided walk: the step to select for "next phase" (the first visible step of the first band after the selected
 * step's band) or "previous phase" (the first visible step of the band before it). A selected step hidden by the
 * filter still walks from its own band. With nothing selected, next goes to the first band and previous to the last.
 * null when there is no such band.
 */
export function phaseWalk(map: PhaseMap, bands: readonly VisibleBand[], selected: number | null, delta: 1 | -1): number | null {
  if (bands.length === 0) return null;
  const here = selected === null ? -1 : map.bandOf[selected] ?? -1;
  if (here < 0) return (delta > 0 ? bands[0]! : bands[bands.length - 1]!).step;
  if (delta > 0) return bands.find((b) => b.band > here)?.step ?? null;
  return bands.findLast((b) => b.band < here)?.step ?? null;
}
