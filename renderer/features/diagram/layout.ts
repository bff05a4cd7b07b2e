import type { PartyIdT } from '../../../app/contract';

/** Geometry of the sequence diagram: pure, so the component only draws. */
export const ROW = 34;
export const GUTTER = 44;
export const PAD_X = 56;
export const CHAR_W = 6.4;

export function laneX(lanes: readonly PartyIdT[], width: number): Map<PartyIdT, number> {
  const usable = Math.max(width - GUTTER - PAD_X * 2, 100);
  const gap = lanes.length > 1 ? usable / (lanes.length - 1) : 0;
  return new Map(lanes.map((p, i) => [p, GUTTER + PAD_X + i * gap]));
}

/** Cut a label to what fits in `px`, with an ellipsis. */
export function fit(label: string, px: number): string {
  const n = Math.floor(px / CHAR_W);
  if (label.length <= n) return label;
  return n <= 1 ? '' : `${label.slice(0, n - 1)}…`;
}
