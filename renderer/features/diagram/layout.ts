import type { PartyIdT } from '../../../app/contract';

/** Geometry of the sequence diagram: pure, so the component only draws. */
export const ROW = 34;
export const GUTTER = 44;
export const PAD_X = 44;
export const CHAR_W = 6.4;

export function laneX(lanes: readonly PartyIdT[], width: number): Map<PartyIdT, number> {
  const usable = Math.max(width - GUTTER - PAD_X * 2, 100);
  const gap = lanes.length > 1 ? usable / (lanes.length - 1) : 0;
  return new Map(lanes.map((p, i) => [p, GUTTER + PAD_X + i * gap]));
}

/** Room for an arrow's label: its span, but never less than a readable minimum, kept inside the drawing. */
export function labelRoom(x1: number, x2: number, width: number): { x: number; px: number } {
  const span = Math.abs(x2 - x1) - 12;
  const px = Math.min(Math.max(span, 180), width - GUTTER - 8);
  const centre = (x1 + x2) / 2;
  const x = Math.min(Math.max(centre, GUTTER + px / 2), width - px / 2 - 4);
  return { x, px };
}

/** Cut a label to what fits in `px`, with an ellipsis. */
export function fit(label: string, px: number): string {
  const n = Math.floor(px / CHAR_W);
  if (label.length <= n) return label;
  return n <= 1 ? '' : `${label.slice(0, n - 1)}…`;
}
