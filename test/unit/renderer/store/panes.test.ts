import { describe, expect, it } from 'vitest';
import { DEFAULT_PANES, PANE_LIMITS, canCollapse, clampPane, paneGrid, parsePanes, type PaneLayout } from '../../../../renderer/store/panes';

const layout = (over: Partial<PaneLayout> = {}, collapsed: Partial<PaneLayout['collapsed']> = {}): PaneLayout => ({
  ...DEFAULT_PANES, ...over, collapsed: { ...DEFAULT_PANES.collapsed, ...collapsed },
});

describe('pane widths', () => {
  it('keeps a side pane within its limits', () => {
    expect(clampPane(layout(), 'list', 3)).toBe(PANE_LIMITS.list.min);
    expect(clampPane(layout(), 'list', 30)).toBe(30);
    expect(clampPane(layout({ inspector: 20 }), 'list', 90)).toBe(PANE_LIMITS.list.max);
  });

  it('always leaves the diagram a fifth of the width', () => {
    expect(clampPane(layout({ inspector: 50 }), 'list', 45)).toBe(30);
    expect(clampPane(layout({ list: 40 }), 'inspector', 60)).toBe(40);
  });
});

describe('collapsing', () => {
  it('keeps at least one pane open', () => {
    expect(canCollapse(layout(), 'centre')).toBe(true);
    expect(canCollapse(layout({}, { list: true, centre: true }), 'inspector')).toBe(false);
    expect(canCollapse(layout({}, { list: true, centre: true }), 'list')).toBe(true); // opening it again is allowed
  });
});

describe('the saved layout', () => {
  it('reads back what was saved', () => {
    const saved = layout({ list: 30, inspector: 40 }, { centre: true });
    expect(parsePanes(JSON.stringify(saved))).toEqual(saved);
  });

  it('falls back to the defaults on nothing, bad JSON or wrong types, and clamps widths', () => {
    expect(parsePanes(null)).toEqual(DEFAULT_PANES);
    expect(parsePanes('{oops')).toEqual(DEFAULT_PANES);
    expect(parsePanes('null')).toEqual(DEFAULT_PANES);
    expect(parsePanes(JSON.stringify({ list: 'wide', inspector: 99, collapsed: { list: 'yes' } }))).toEqual(
      layout({ list: DEFAULT_PANES.list, inspector: 100 - 20 - DEFAULT_PANES.list }),
    );
  });

  it('never restores every pane collapsed', () => {
    expect(parsePanes(JSON.stringify(layout({}, { list: true, centre: true, inspector: true }))).collapsed).toEqual({ list: true, centre: false, inspector: true });
  });
});

describe('the grid', () => {
  it('gives the side panes their share, the diagram the rest, and a handle on each inner edge', () => {
    expect(paneGrid(layout({ list: 25, inspector: 35 }))).toEqual({
      columns: 'minmax(170px, 25%) 8px minmax(220px, 1fr) 8px minmax(240px, 35%)',
      handles: { list: true, inspector: true },
    });
  });

  it('shows a collapsed pane as a rail without a handle', () => {
    expect(paneGrid(layout({}, { list: true }))).toEqual({
      columns: `28px 0px minmax(220px, 1fr) 8px minmax(240px, ${DEFAULT_PANES.inspector}%)`,
      handles: { list: false, inspector: true },
    });
  });

  it('lets the inspector fill the window when the diagram is collapsed, or the list when both are', () => {
    expect(paneGrid(layout({}, { centre: true })).columns).toBe(`minmax(170px, ${DEFAULT_PANES.list}%) 8px 28px 0px minmax(240px, 1fr)`);
    expect(paneGrid(layout({}, { centre: true, inspector: true }))).toEqual({ columns: 'minmax(170px, 1fr) 0px 28px 0px 28px', handles: { list: false, inspector: false } });
  });
});
