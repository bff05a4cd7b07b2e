import { describe, expect, it } from 'vitest';
import type { PartyIdT } from '../../../../../app/contract';
import { METRICS, PRESENTER_METRICS, abbreviation, estimateText, fit, laneHeads, laneX, localLabelRoom, GUTTER, type LaneHead } from '../../../../../renderer/features/diagram/layout';

const LANES: PartyIdT[] = ['user', 'device', 'tpm', 'entra', 'mdm', 'orbit'];

function overlaps(heads: LaneHead[]): string[] {
  const out: string[] = [];
  heads.forEach((a, i) => heads.slice(i + 1).forEach((b) => {
    if (a.row === b.row && a.left < b.left + b.width && b.left < a.left + a.width) out.push(`${a.party}/${b.party}`);
  }));
  return out;
}

describe('lane heads', () => {
  it('uses the short names on one row when the diagram is wide', () => {
    const width = 900;
    const { heads, rows } = laneHeads(LANES, laneX(LANES, width), width);
    expect(rows).toBe(1);
    expect(heads.map((h) => h.text)).toEqual(['User', 'Device', 'TPM', 'Entra', 'MDM server', 'Orbit']);
    expect(heads.find((h) => h.party === 'mdm')!.title).toBe('MDM server (Fleet)');
  });

  it('never overlaps and stays inside the drawing, from wide to the 150 % zoom width and the pane\'s minimum', () => {
    for (const m of [METRICS, PRESENTER_METRICS]) {
      for (const width of [1200, 700, 480, 330, 260, 218]) {
        const { heads } = laneHeads(LANES, laneX(LANES, width), width, m);
        expect(overlaps(heads), `${width}px`).toEqual([]);
        for (const h of heads) {
          expect(h.left, `${h.party} at ${width}px`).toBeGreaterThanOrEqual(0);
          expect(h.left + h.width, `${h.party} at ${width}px`).toBeLessThanOrEqual(width);
        }
      }
    }
  });

  it('abbreviates, then staggers on two rows, as the room shrinks', () => {
    const at = (width: number, m = METRICS) => laneHeads(LANES, laneX(LANES, width), width, m);
    const mid = at(520);
    expect(mid.heads.find((h) => h.party === 'mdm')!.text).toBe('MDM');
    const narrow = at(330, PRESENTER_METRICS);
    expect(narrow.rows).toBe(2);
    expect(narrow.heads.map((h) => h.row)).toEqual([0, 1, 0, 1, 0, 1]);
    // Whatever the width, a lane's head stays over its lane.
    const xs = laneX(LANES, 330);
    for (const h of narrow.heads) expect(Math.abs(h.left + h.width / 2 - xs.get(h.party)!)).toBeLessThan(2);
  });

  it('measures with the measurer it is given', () => {
    const wide = (text: string, font: number) => text.length * font * 2;
    const mdm = (measure?: typeof wide) => laneHeads(LANES, laneX(LANES, 900), 900, METRICS, measure).heads.find((h) => h.party === 'mdm')!.text;
    expect(mdm()).toBe('MDM server');
    expect(mdm(wide)).toBe('MDM');
    expect(estimateText('MDM', 10)).toBeCloseTo(27);
  });

  it('abbreviates a party to the first word of its short name', () => {
    expect(abbreviation('mdm')).toBe('MDM');
    expect(abbreviation('external')).toBe('Outside');
  });
});

describe('labels', () => {
  it('cuts to the room with an ellipsis, at the given character width', () => {
    expect(fit('orbit enroll', 200)).toBe('orbit enroll');
    expect(fit('orbit enroll', 6 * 6.4)).toBe('orbit…');
    expect(fit('orbit enroll', 6 * 8.4, 8.4)).toBe('orbit…');
  });

  it('keeps a local step label on the left clear of the step numbers', () => {
    const { right, px } = localLabelRoom(600, 700);
    expect(right).toBe(false);
    expect(600 - 12 - px).toBeGreaterThanOrEqual(GUTTER);
    expect(localLabelRoom(100, 700)).toEqual({ right: true, px: 700 - 100 - 20 });
  });
});
