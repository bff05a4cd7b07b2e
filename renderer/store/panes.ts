/**
 * The three panes of the console (step list | diagram | inspector): the side panes' widths as a share of the window
 * and which panes are collapsed. Pure, so the layout rules are tested without a DOM; kept in localStorage.
 */
export type PaneId = 'list' | 'centre' | 'inspector';
export const PANE_IDS: readonly PaneId[] = ['list', 'centre', 'inspector'];

export interface PaneLayout {
  /** Width of the step list and of the inspector, in % of the panes' width (the diagram takes the rest). */
  list: number;
  inspector: number;
  collapsed: Readonly<Record<PaneId, boolean>>;
}

/** How far a side pane may be dragged, in %: the diagram always keeps at least 20 %. */
export const PANE_LIMITS: Readonly<Record<'list' | 'inspector', { min: number; max: number }>> = {
  list: { min: 12, max: 50 },
  inspector: { min: 18, max: 62 },
};
const CENTRE_MIN = 20;

export const DEFAULT_PANES: PaneLayout = { list: 24, inspector: 36, collapsed: { list: false, centre: false, inspector: false } };

export const PANES_KEY = 'enrollscope.panes';

/** A side pane's width kept within its limits and leaving the diagram its share. */
export function clampPane(layout: PaneLayout, pane: 'list' | 'inspector', value: number): number {
  const { min, max } = PANE_LIMITS[pane];
  const other = pane === 'list' ? layout.inspector : layout.list;
  const room = 100 - CENTRE_MIN - other;
  return Math.round(Math.min(Math.max(value, min), Math.max(min, Math.min(max, room))) * 10) / 10;
}

/** Whether `pane` may be collapsed: one pane always stays open. */
export function canCollapse(layout: PaneLayout, pane: PaneId): boolean {
  return layout.collapsed[pane] || PANE_IDS.filter((p) => p !== pane && !layout.collapsed[p]).length > 0;
}

/** A saved layout read back; anything malformed (another version, hand edits) falls back to the defaults. */
export function parsePanes(raw: string | null): PaneLayout {
  if (!raw) return DEFAULT_PANES;
  try {
    const v = JSON.parse(raw) as Partial<PaneLayout> | null;
    const num = (x: unknown, d: number) => (typeof x === 'number' && Number.isFinite(x) ? x : d);
    const c = (v?.collapsed ?? {}) as Partial<Record<PaneId, unknown>>;
    const collapsed = { list: c.list === true, centre: c.centre === true, inspector: c.inspector === true };
    if (collapsed.list && collapsed.centre && collapsed.inspector) collapsed.centre = false;
    const base: PaneLayout = { ...DEFAULT_PANES, collapsed };
    const list = clampPane({ ...base, inspector: PANE_LIMITS.inspector.min }, 'list', num(v?.list, DEFAULT_PANES.list));
    const inspector = clampPane({ ...base, list }, 'inspector', num(v?.inspector, DEFAULT_PANES.inspector));
    return { list, inspector, collapsed };
  } catch {
    return DEFAULT_PANES;
  }
}

/** The grid of the panes: a column per pane (a 28 px rail when collapsed) with a separator after each open side pane. */
export interface PaneGrid {
  columns: string;
  /** Which side panes have a drag handle (an open side pane beside an open pane). */
  handles: { list: boolean; inspector: boolean };
}

export const RAIL_PX = 28;
export const HANDLE_PX = 8;

/**
 * The grid template. The diagram takes the rest of the width; when it is collapsed the inspector does (or the list
 * when the inspector is collapsed too), so the window is never left with an empty gap. Minimum widths in px keep a
 * pane usable in a small window (150 % zoom on 1280×720 leaves about 850 CSS px).
 */
export function paneGrid(layout: PaneLayout): PaneGrid {
  const c = layout.collapsed;
  const rail = `${RAIL_PX}px`;
  const filler: PaneId = !c.centre ? 'centre' : !c.inspector ? 'inspector' : 'list';
  const col = (p: PaneId, min: number, pct: number | null) => (c[p] ? rail : p === filler || pct === null ? `minmax(${min}px, 1fr)` : `minmax(${min}px, ${pct}%)`);
  const handles = { list: !c.list && (!c.centre || !c.inspector), inspector: !c.inspector && !c.centre };
  const cols = [col('list', 170, layout.list), handles.list ? `${HANDLE_PX}px` : '0px', col('centre', 220, null), handles.inspector ? `${HANDLE_PX}px` : '0px', col('inspector', 240, layout.inspector)];
  return { columns: cols.join(' '), handles };
}
