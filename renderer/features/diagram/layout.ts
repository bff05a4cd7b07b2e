import { PARTIES, type PartyIdT } from '../../../app/contract';

/** Geometry of the sequence diagram: pure, so the component only draws. */
export const ROW = 34;
export const GUTTER = 44;
export const PAD_X = 44;
export const CHAR_W = 6.4;

/** Sizes that presenter mode's large text changes (styles.css `[data-presenter] svg.seq`). */
export interface DiagramMetrics {
  /** Height of one step's row. */
  row: number;
  /** Height of a phase band's head above its first step. */
  bandHead: number;
  /** Width of a character of an arrow label (monospace). */
  charW: number;
  /** Font size of a lane head (the party names, semibold sans-serif), and the head's padding and borders, px. */
  headFont: number;
  headPad: number;
  /** Height of one row of lane heads. */
  headRow: number;
}

export const METRICS: DiagramMetrics = { row: ROW, bandHead: 20, charW: CHAR_W, headFont: 11.5, headPad: 18, headRow: 30 };
export const PRESENTER_METRICS: DiagramMetrics = { row: 46, bandHead: 26, charW: 8.4, headFont: 14.5, headPad: 22, headRow: 36 };

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

/** Room for a local step's label beside its box: to the right of the lane, or to its left clear of the step numbers. */
export function localLabelRoom(x: number, width: number): { right: boolean; px: number } {
  const right = x < width * 0.66;
  return { right, px: right ? width - x - 12 - 8 : x - 12 - GUTTER - 4 };
}

/** Cut a label to what fits in `px`, with an ellipsis. */
export function fit(label: string, px: number, charW = CHAR_W): string {
  const n = Math.floor(px / charW);
  if (label.length <= n) return label;
  return n <= 1 ? '' : `${label.slice(0, n - 1)}…`;
}

/** A lane head as drawn: its text, its box (left edge and width, px) and its row (two rows when they are crowded). */
export interface LaneHead {
  party: PartyIdT;
  text: string;
  /** The party's full name, for the tooltip. */
  title: string;
  left: number;
  width: number;
  row: 0 | 1;
}

/** The shortest name of a party: the first word of its short name ("MDM server" → "MDM"). */
export function abbreviation(p: PartyIdT): string {
  return PARTIES[p].short.split(' ')[0]!;
}

const HEAD_GAP = 4;

/** Measures a lane head's text in px at the head's font size (the component measures with a canvas). */
export type MeasureText = (text: string, font: number) => number;

/**
 * Where nothing can measure (tests, no canvas): generous per-character widths of a wide semibold sans-serif
 * (capitals 0.9 em, lower case 0.68 em, a space 0.34 em), so that boxes stay apart and names uncut.
 */
export const estimateText: MeasureText = (text, font) => {
  let em = 0;
  for (const ch of text) em += ch === ' ' ? 0.34 : /[A-Z0-9]/.test(ch) ? 0.9 : /[a-z]/.test(ch) ? 0.68 : 0.8;
  return em * font;
};

/**
 * Lane heads that never overlap, whatever the width (150 % zoom on 1280×720 leaves the diagram about 330 px):
 * the PARTIES table's short names on one row if they fit, else the abbreviations, else short names or abbreviations
 * staggered on two rows, else abbreviations on two rows cut to their room. Each box is kept inside the drawing.
 */
export function laneHeads(
  lanes: readonly PartyIdT[],
  xs: ReadonlyMap<PartyIdT, number>,
  width: number,
  m: DiagramMetrics = METRICS,
  measure: MeasureText = estimateText,
): { heads: LaneHead[]; rows: 1 | 2 } {
  const boxW = (text: string) => Math.ceil(measure(text, m.headFont) + m.headPad);
  const place = (name: (p: PartyIdT) => string, rows: 1 | 2, maxW = Infinity): LaneHead[] =>
    lanes.map((p, i) => {
      const x = xs.get(p) ?? 0;
      const full = name(p);
      const w = Math.min(boxW(full), maxW);
      const text = w < boxW(full) ? fit(full, w - m.headPad, measure('M', m.headFont)) : full;
      const left = Math.round(Math.min(Math.max(x - w / 2, 2), Math.max(2, width - w - 2)));
      return { party: p, text, title: PARTIES[p].label, left, width: w, row: (rows === 2 ? i % 2 : 0) as 0 | 1 };
    });
  const clear = (heads: LaneHead[]) =>
    heads.every((h, i) => heads.slice(i + 1).every((o) => o.row !== h.row || o.left >= h.left + h.width + HEAD_GAP || h.left >= o.left + o.width + HEAD_GAP));
  const short = (p: PartyIdT) => PARTIES[p].short;
  for (const [name, rows] of [[short, 1], [abbreviation, 1], [short, 2], [abbreviation, 2]] as const) {
    const heads = place(name, rows);
    if (clear(heads)) return { heads, rows };
  }
  // Crowded beyond that: each head gets the room between its neighbours on its own row.
  const xsList = lanes.map((p) => xs.get(p) ?? 0);
  const span = lanes.length > 2 ? Math.min(...xsList.slice(2).map((x, i) => x - xsList[i]!)) : width;
  return { heads: place(abbreviation, 2, Math.max(span - HEAD_GAP, m.headPad + m.headFont)), rows: 2 };
}
