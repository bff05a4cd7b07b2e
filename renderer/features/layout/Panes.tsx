import { useRef, type KeyboardEvent, type PointerEvent, type ReactNode, type RefObject } from 'react';
import { useLab } from '../../store';
import { DEFAULT_PANES, PANE_LIMITS, canCollapse, clampPane, paneGrid, type PaneId } from '../../store/panes';

export const PANE_NAME: Record<PaneId, string> = { list: 'step list', centre: 'diagram', inspector: 'inspector' };
const RAIL_LABEL: Record<PaneId, string> = { list: 'Steps', centre: 'Diagram', inspector: 'Inspector' };

function useCollapse(): (pane: PaneId, collapsed: boolean) => void {
  const setPanes = useLab((s) => s.setPanes);
  return (pane, collapsed) => {
    const panes = useLab.getState().panes;
    if (collapsed && !canCollapse(panes, pane)) return;
    setPanes({ collapsed: { ...panes.collapsed, [pane]: collapsed } });
  };
}

/**
 * The three panes side by side: drag handles between them (WAI-ARIA window splitter: role=separator, arrows resize,
 * Home/End, Enter collapses), a collapse button on each handle, and a rail that brings a collapsed pane back.
 */
export function Panes(props: Record<PaneId, ReactNode>) {
  const panes = useLab((s) => s.panes);
  const grid = paneGrid(panes);
  const box = useRef<HTMLElement>(null);
  const pane = (id: PaneId) => (
    <div className="pane" id={`pane-${id}`} data-pane={id} data-collapsed={panes.collapsed[id] || undefined}>
      {panes.collapsed[id] ? <PaneRail pane={id} /> : props[id]}
    </div>
  );
  return (
    <main className="panes" ref={box} style={{ gridTemplateColumns: grid.columns }}>
      {pane('list')}
      {grid.handles.list ? <PaneHandle pane="list" box={box} /> : <span aria-hidden="true" />}
      {pane('centre')}
      {grid.handles.inspector ? <PaneHandle pane="inspector" box={box} /> : <span aria-hidden="true" />}
      {pane('inspector')}
    </main>
  );
}

function PaneRail({ pane }: { pane: PaneId }) {
  const collapse = useCollapse();
  return (
    <button className="pane-rail" aria-label={`Show the ${PANE_NAME[pane]}`} title={`Show the ${PANE_NAME[pane]}`} onClick={() => collapse(pane, false)}>
      <span>{RAIL_LABEL[pane]}</span>
    </button>
  );
}

const STEP = 2;
const BIG_STEP = 10;

/** The handle on the inner edge of a side pane: it sets that pane's width in % of the panes' box. */
function PaneHandle({ pane, box }: { pane: 'list' | 'inspector'; box: RefObject<HTMLElement | null> }) {
  const panes = useLab((s) => s.panes);
  const setPanes = useLab((s) => s.setPanes);
  const collapse = useCollapse();
  const value = panes[pane];
  const { min } = PANE_LIMITS[pane];
  // The widest it may be now: its own limit, or what the other side pane leaves the diagram.
  const max = clampPane(panes, pane, Infinity);
  const resize = (v: number) => {
    const now = useLab.getState().panes;
    setPanes({ [pane]: clampPane(now, pane, v) });
  };
  // The list grows to the right, the inspector to the left.
  const grow = pane === 'list' ? 'ArrowRight' : 'ArrowLeft';
  const shrink = pane === 'list' ? 'ArrowLeft' : 'ArrowRight';
  const onKeyDown = (e: KeyboardEvent) => {
    const by = e.shiftKey ? BIG_STEP : STEP;
    if (e.key === grow) resize(value + by);
    else if (e.key === shrink) resize(value - by);
    else if (e.key === 'Home') resize(min);
    else if (e.key === 'End') resize(max);
    else if (e.key === 'Enter') collapse(pane, true);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  const toPct = (clientX: number) => {
    const r = box.current?.getBoundingClientRect();
    if (!r || r.width === 0) return value;
    return ((pane === 'list' ? clientX - r.left : r.right - clientX) / r.width) * 100;
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    e.currentTarget.focus();
    e.preventDefault();
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (e.currentTarget.hasPointerCapture(e.pointerId)) resize(toPct(e.clientX));
  };
  const name = PANE_NAME[pane];
  return (
    <div className="pane-handle" data-handle={pane}>
      <div
        role="separator"
        tabIndex={0}
        className="pane-sep"
        aria-orientation="vertical"
        aria-controls={`pane-${pane}`}
        aria-label={`Resize the ${name}`}
        aria-valuenow={Math.round(value)}
        aria-valuemin={min}
        aria-valuemax={max}
        aria-valuetext={`${name} ${Math.round(value)} % wide`}
        title={`Drag, or focus and use the arrow keys, to resize the ${name}; Enter collapses it`}
        onKeyDown={onKeyDown}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onDoubleClick={() => collapse(pane, true)}
      />
      <button className="pane-collapse" aria-label={`Collapse the ${name}`} title={`Collapse the ${name}`} onClick={() => collapse(pane, true)}>
        {pane === 'list' ? '‹' : '›'}
      </button>
    </div>
  );
}

/** The top bar's Panes menu: show or hide each pane, and go back to the default widths. */
export function PanesMenu() {
  const panes = useLab((s) => s.panes);
  const setPanes = useLab((s) => s.setPanes);
  const collapse = useCollapse();
  return (
    <details className="panes-menu" data-popover>
      <summary title="Show or hide the step list, the diagram and the inspector">Panes</summary>
      <div className="popover menu" role="group" aria-label="Panes">
        {(['list', 'centre', 'inspector'] as const).map((p) => (
          <label key={p} className="opt">
            <span>Show the {PANE_NAME[p]}</span>
            <input type="checkbox" checked={!panes.collapsed[p]} disabled={!canCollapse(panes, p)} onChange={(e) => collapse(p, !e.target.checked)} />
          </label>
        ))}
        <button onClick={() => setPanes(DEFAULT_PANES)}>Reset the layout</button>
      </div>
    </details>
  );
}
