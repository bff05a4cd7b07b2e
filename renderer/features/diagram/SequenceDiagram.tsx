import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { PartyIdT, Step } from '../../../app/contract';
import { useLab } from '../../store';
import { lanesOf, statusTone, stepAction, stepPath, stepStatus } from '../../store/selectors/steps';
import { isUndone } from '../../store/selectors/run';
import { PARTY_LABEL } from '../../lib/parties';
import { GUTTER, ROW, fit, labelRoom, laneX } from './layout';

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

/**
 * The live sequence diagram: one lane per party, one arrow per step (only the rows in view are drawn), the current
 * step highlighted and kept in view, local steps on their own lane, prompts to the user marked (the second in red).
 */
export function SequenceDiagram() {
  const steps = useLab((s) => s.steps);
  const selected = useLab((s) => s.selected);
  const cursor = useLab((s) => s.lab?.cursor ?? -1);
  const head = useLab((s) => s.lab?.head ?? -1);
  const select = useLab((s) => s.select);
  const scroller = useRef<HTMLDivElement>(null);
  const width = useWidth(scroller);
  const lanes = useMemo(() => lanesOf(steps), [steps]);
  const xs = useMemo(() => laneX(lanes, width), [lanes, width]);
  const virtualizer = useVirtualizer({ count: steps.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 10, paddingStart: 8, paddingEnd: 24 });

  useEffect(() => {
    if (selected !== null && selected < steps.length) virtualizer.scrollToIndex(selected, { align: 'auto' });
  }, [selected, steps.length, virtualizer]);

  const height = Math.max(virtualizer.getTotalSize(), 200);
  return (
    <section className="diagram" aria-label="Diagram">
      <div className="lane-heads" aria-hidden="true">
        {lanes.map((p) => (
          <span key={p} className={`lane-head p-${p}`} style={{ left: xs.get(p) }}>
            {PARTY_LABEL[p]}
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
          {virtualizer.getVirtualItems().map((v) => {
            const step = steps[v.index];
            if (!step) return null;
            return <StepArrow key={step.id} step={step} y={v.start} width={width} xs={xs} selected={step.index === selected} current={step.index === cursor} undone={isUndone(step, cursor, head)} onSelect={select} />;
          })}
        </svg>
      </div>
    </section>
  );
}

interface ArrowProps {
  step: Step;
  y: number;
  width: number;
  xs: Map<PartyIdT, number>;
  selected: boolean;
  current: boolean;
  /** Behind the world after Back (dimmed, as in the list). */
  undone: boolean;
  onSelect: (i: number) => void;
}

const StepArrow = memo(function StepArrow({ step, y, width, xs, selected, current, undone, onSelect }: ArrowProps) {
  const x1 = xs.get(step.from) ?? GUTTER;
  const x2 = xs.get(step.to) ?? GUTTER;
  const mid = y + ROW / 2 + 5;
  const tone = statusTone(step);
  const cls = `seq-step tone-${tone}${selected ? ' selected' : ''}${step.status === 'waiting' ? ' waiting' : ''}${step.kind === 'local' ? ' local' : ''}`;
  const action = step.kind === 'local' || step.observedBy === 'lab' ? step.title : `${stepAction(step)} ${stepPath(step)}`;
  const room = labelRoom(x1, x2, width);
  const status = stepStatus(step);
  const prompt = step.prompt;
  return (
    <g className={cls} data-step-index={step.index} data-catalog-id={step.catalogId} data-undone={undone ? 'true' : undefined} onClick={() => onSelect(step.index)}>
      <title>{`${step.index + 1}. ${step.from} → ${step.to}: ${step.title} (${status})`}</title>
      <rect className="row-hit" x={0} y={y} width={width} height={ROW} />
      <text className="seq-num" x={GUTTER - 8} y={mid + 4} textAnchor="end">
        {current ? '▶ ' : ''}
        {step.index + 1}
      </text>
      {prompt ? (
        step.from !== step.to && <line className="arrow" x1={x1} x2={x2 + (x2 > x1 ? -2 : 2)} y1={mid} y2={mid} markerEnd="url(#arrowhead)" />
      ) : step.from === step.to ? (
        <LocalBox x={x1} y={y} label={action} width={width} status={status} />
      ) : (
        <>
          <line className="arrow" x1={x1} x2={x2 + (x2 > x1 ? -2 : 2)} y1={mid} y2={mid} markerEnd="url(#arrowhead)" />
          <text className="arrow-label" x={room.x} y={mid - 5} textAnchor="middle">
            {fit(action, room.px)}
          </text>
          <text className={`arrow-status tone-${tone}`} x={x2 + (x2 > x1 ? 8 : -8)} y={mid + 4} textAnchor={x2 > x1 ? 'start' : 'end'}>
            {status}
          </text>
        </>
      )}
      {prompt && (
        <g className={`prompt-mark${prompt.count > 1 ? ' second' : ''}`}>
          <circle cx={xs.get('user') ?? x1} cy={mid} r={8} />
          <text className="prompt-count" x={xs.get('user') ?? x1} y={mid + 4} textAnchor="middle">{prompt.count}</text>
          <text x={(xs.get('user') ?? x1) + 14} y={mid - 5}>
            {fit(`${prompt.count > 1 ? `prompt ${prompt.count}: asked again` : `prompt ${prompt.count}`} · ${step.title}`, width - (xs.get('user') ?? x1) - 30)}
          </text>
        </g>
      )}
    </g>
  );
});

function LocalBox({ x, y, label, width, status }: { x: number; y: number; label: string; width: number; status: string }) {
  const right = x < width * 0.66;
  const room = right ? width - x - 40 : x - 40;
  return (
    <>
      <rect className="local-box" x={x - 6} y={y + 8} width={12} height={ROW - 12} rx={3} />
      <text className="arrow-label local-label" x={right ? x + 12 : x - 12} y={y + ROW / 2 + 9} textAnchor={right ? 'start' : 'end'}>
        {fit(`${label} · ${status}`, room)}
      </text>
    </>
  );
}
