import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { PartyIdT, Step } from '../../../app/contract';
import { useLab } from '../../store';
import { lanesOf, statusTone, stepAction, stepPath, stepStatus } from '../../store/selectors/steps';
import { phaseMap, type PhaseBand } from '../../store/selectors/phases';
import { GUTTER, METRICS, PRESENTER_METRICS, estimateText, fit, labelRoom, laneHeads, laneX, localLabelRoom, type DiagramMetrics, type MeasureText } from './layout';
import { isUndone } from '../../store/selectors/run';
import { slotKey } from '../../lib/slot-keys';

/** Arrows drawn above and below the view: each new one costs its style, layout and paint in the frame it appears. */
const OVERSCAN = 3;

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [w, setW] = useState(800);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => setW(Math.floor(e!.contentRect.width)));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return w;
}

/** Lane head text measured as drawn (styles.css `.lane-head`: semibold, the body's font family), cached per text. */
function canvasMeasure(): MeasureText {
  const ctx = typeof document !== 'undefined' ? document.createElement('canvas').getContext('2d') : null;
  if (!ctx) return estimateText;
  const family = getComputedStyle(document.body).fontFamily || 'sans-serif';
  const cache = new Map<string, number>();
  return (text, font) => {
    const key = `${font}|${text}`;
    let w = cache.get(key);
    if (w === undefined) {
      ctx.font = `600 ${font}px ${family}`;
      w = Math.ceil(ctx.measureText(text).width) + 1;
      cache.set(key, w);
    }
    return w;
  };
}

/**
 * The live sequence diagram: one lane per party, one arrow per step (only the rows in view are drawn), the current
 * step highlighted and kept in view, local steps on their own lane, prompts to the user marked (the second in red),
 * the story's phases as bands (a head at each band's first step, a coloured stripe down the gutter).
 */
export function SequenceDiagram() {
  const steps = useLab((s) => s.steps);
  const selected = useLab((s) => s.selected);
  const cursor = useLab((s) => s.lab?.cursor ?? -1);
  const head = useLab((s) => s.lab?.head ?? -1);
  const select = useLab((s) => s.select);
  const presenter = useLab((s) => s.presenter);
  const m = presenter ? PRESENTER_METRICS : METRICS;
  const scroller = useRef<HTMLDivElement>(null);
  const width = useWidth(scroller);
  const lanes = useMemo(() => lanesOf(steps), [steps]);
  const xs = useMemo(() => laneX(lanes, width), [lanes, width]);
  const measure = useMemo(canvasMeasure, []);
  const heads = useMemo(() => laneHeads(lanes, xs, width, m, measure), [lanes, xs, width, m, measure]);
  const map = phaseMap(steps);
  const bandStart = useMemo(() => new Map<number, PhaseBand>(map.bands.map((b) => [b.first, b])), [map]);
  // A band's head sits inside its first step's virtual item; a new key function makes the virtualizer re-measure.
  const estimateSize = useCallback((i: number) => m.row + (bandStart.has(i) ? m.bandHead : 0), [bandStart, m]);
  const getItemKey = useCallback((i: number) => i, [estimateSize]);
  const virtualizer = useVirtualizer({ count: steps.length, getScrollElement: () => scroller.current, estimateSize, getItemKey, overscan: OVERSCAN, paddingStart: 8, paddingEnd: 24 });
  const items = virtualizer.getVirtualItems();

  // Also when presenter mode changes the row heights: the selected step stays in view.
  useEffect(() => {
    if (selected !== null && selected < steps.length) virtualizer.scrollToIndex(selected, { align: 'auto' });
  }, [selected, steps.length, virtualizer, m]);

  const height = Math.max(virtualizer.getTotalSize(), 200);
  return (
    <section className="diagram" aria-label="Diagram">
      <div className="lane-heads" aria-hidden="true" data-rows={heads.rows} style={{ height: heads.rows === 1 ? m.headRow : Math.round(m.headRow * 1.8) }}>
        {heads.heads.map((h) => (
          <span key={h.party} className={`lane-head p-${h.party}`} data-party={h.party} title={h.title} style={{ left: h.left, width: h.width, top: 5 + h.row * m.headRow * 0.8 }}>
            {h.text}
          </span>
        ))}
      </div>
      <div className="diagram-scroll" ref={scroller}>
        <svg role="img" aria-label="Sequence diagram" width={width} height={height} className="seq">
          <defs>
            <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" fill="context-stroke" />
            </marker>
          </defs>
          {lanes.map((p) => (
            <line key={p} className={`lifeline p-${p}`} x1={xs.get(p)} x2={xs.get(p)} y1={0} y2={height} />
          ))}
          {items.map((v) => {
            const step = steps[v.index];
            if (!step) return null;
            const band = map.bands[map.bandOf[v.index] ?? -1];
            const bandHead = bandStart.get(v.index);
            // Keyed by slot, as the step list's rows (lib/slot-keys.ts): a scroll updates the arrows in place.
            return (
              <g key={slotKey(v.index, items[0]!.index)}>
                {band && <rect className="phase-stripe" data-phase={band.phase ?? 'none'} x={0} y={v.start} width={4} height={v.size} />}
                {bandHead && <BandHead band={bandHead} y={v.start} width={width} m={m} />}
                <StepArrow step={step} y={v.start + (bandHead ? m.bandHead : 0)} width={width} xs={xs} m={m} selected={step.index === selected} current={step.index === cursor} undone={isUndone(step, cursor, head)} onSelect={select} />
              </g>
            );
          })}
        </svg>
      </div>
    </section>
  );
}

/** A phase band's head: a tinted strip across the diagram with the phase's name, at the band's first step. */
const BandHead = memo(function BandHead({ band, y, width, m }: { band: PhaseBand; y: number; width: number; m: DiagramMetrics }) {
  return (
    <g className="phase-head" data-phase={band.phase ?? 'none'} data-band={band.band} data-first-step={band.first}>
      <rect x={0} y={y} width={width} height={m.bandHead} />
      <text x={10} y={y + m.bandHead * 0.72}>{band.label}</text>
    </g>
  );
});

interface ArrowProps {
  step: Step;
  y: number;
  width: number;
  xs: Map<PartyIdT, number>;
  m: DiagramMetrics;
  selected: boolean;
  current: boolean;
  /** Behind the world after Back (dimmed, as in the list). */
  undone: boolean;
  onSelect: (i: number) => void;
}

const StepArrow = memo(function StepArrow({ step, y, width, xs, m, selected, current, undone, onSelect }: ArrowProps) {
  const x1 = xs.get(step.from) ?? GUTTER;
  const x2 = xs.get(step.to) ?? GUTTER;
  const row = m.row;
  // Text sits a little above (labels) and below (numbers, statuses) the arrow, in proportion to the row.
  const lift = Math.round(row * 0.15);
  const drop = Math.round(row * 0.12);
  const mid = y + row / 2 + lift;
  const tone = statusTone(step);
  const cls = `seq-step tone-${tone}${selected ? ' selected' : ''}${step.status === 'waiting' ? ' waiting' : ''}${step.kind === 'local' ? ' local' : ''}`;
  const action = step.kind === 'local' || step.observedBy === 'lab' ? step.title : `${stepAction(step)} ${stepPath(step)}`;
  const room = labelRoom(x1, x2, width);
  const status = stepStatus(step);
  const prompt = step.prompt;
  return (
    <g className={cls} data-step-index={step.index} data-catalog-id={step.catalogId} data-undone={undone ? 'true' : undefined} onClick={() => onSelect(step.index)}>
      <title>{`${step.index + 1}. ${step.from} → ${step.to}: ${step.title} (${status})`}</title>
      <rect className="row-hit" x={0} y={y} width={width} height={row} />
      <text className="seq-num" x={GUTTER - 8} y={mid + drop} textAnchor="end">
        {current ? '▶ ' : ''}
        {step.index + 1}
      </text>
      {prompt ? (
        step.from !== step.to && <line className="arrow" x1={x1} x2={x2 + (x2 > x1 ? -2 : 2)} y1={mid} y2={mid} markerEnd="url(#arrowhead)" />
      ) : step.from === step.to ? (
        <LocalBox x={x1} y={y} label={action} width={width} status={status} m={m} />
      ) : (
        <>
          <line className="arrow" x1={x1} x2={x2 + (x2 > x1 ? -2 : 2)} y1={mid} y2={mid} markerEnd="url(#arrowhead)" />
          <text className="arrow-label" x={room.x} y={mid - lift} textAnchor="middle">
            {fit(action, room.px, m.charW)}
          </text>
          <text className={`arrow-status tone-${tone}`} x={x2 + (x2 > x1 ? 8 : -8)} y={mid + drop} textAnchor={x2 > x1 ? 'start' : 'end'}>
            {status}
          </text>
        </>
      )}
      {prompt && (
        <g className={`prompt-mark${prompt.count > 1 ? ' second' : ''}`}>
          <circle cx={xs.get('user') ?? x1} cy={mid} r={Math.round(row * 0.24)} />
          <text className="prompt-count" x={xs.get('user') ?? x1} y={mid + drop} textAnchor="middle">{prompt.count}</text>
          <text x={(xs.get('user') ?? x1) + 14} y={mid - lift}>
            {fit(`${prompt.count > 1 ? `prompt ${prompt.count}: asked again` : `prompt ${prompt.count}`} · ${step.title}`, width - (xs.get('user') ?? x1) - 30, m.charW)}
          </text>
        </g>
      )}
    </g>
  );
});

function LocalBox({ x, y, label, width, status, m }: { x: number; y: number; label: string; width: number; status: string; m: DiagramMetrics }) {
  const { right, px } = localLabelRoom(x, width);
  const row = m.row;
  return (
    <>
      <rect className="local-box" x={x - 6} y={y + 8} width={12} height={row - 12} rx={3} />
      <text className="arrow-label local-label" x={right ? x + 12 : x - 12} y={y + row / 2 + Math.round(row * 0.26)} textAnchor={right ? 'start' : 'end'}>
        {fit(`${label} · ${status}`, px, m.charW)}
      </text>
    </>
  );
}
