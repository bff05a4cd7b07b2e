import { memo, useEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Step } from '../../../app/contract';
import { useLab } from '../../store';
import { filterSteps, statusTone, stepAction, stepPath, stepStatus } from '../../store/selectors/steps';
import { labTime } from '../../lib/format';
import { isUndone } from '../../store/selectors/run';
import { StepFilterBar } from './StepFilterBar';
import { PromptBadge, StepParties } from './StepParties';

const ROW_HEIGHT = 48;

/** The step list: every step of the run, virtualised (only the rows in view exist in the DOM). */
export function StepList() {
  const steps = useLab((s) => s.steps);
  const filter = useLab((s) => s.filter);
  const selected = useLab((s) => s.selected);
  const select = useLab((s) => s.select);
  const cursor = useLab((s) => s.lab?.cursor ?? -1);
  const head = useLab((s) => s.lab?.head ?? -1);
  const visible = useMemo(() => filterSteps(steps, filter), [steps, filter]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: visible.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  const position = useMemo(() => (selected === null ? -1 : visible.indexOf(selected)), [visible, selected]);
  useEffect(() => {
    if (position >= 0) virtualizer.scrollToIndex(position, { align: 'auto' });
  }, [position, virtualizer]);

  return (
    <section className="step-list" aria-label="Step list">
      <StepFilterBar shown={visible.length} total={steps.filter(Boolean).length} />
      <div className="step-scroll" ref={scroller} tabIndex={-1}>
        <div role="list" aria-label="Steps" className="step-rows" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const step = steps[visible[v.index]!]!;
            return <StepRow key={step.id} step={step} undone={isUndone(step, cursor, head)} selected={step.index === selected} top={v.start} pos={v.index + 1} size={visible.length} onSelect={select} />;
          })}
        </div>
        {steps.length === 0 && <p className="empty">No steps yet. Press <kbd>Run</kbd> to play the scenario, or <kbd>Step</kbd> to go message by message. Requests from outside clients appear here too.</p>}
      </div>
    </section>
  );
}

interface RowProps {
  step: Step;
  selected: boolean;
  /** Behind the world: the user stepped back before it (shown dimmed). */
  undone: boolean;
  top: number;
  pos: number;
  size: number;
  onSelect: (i: number) => void;
}

const StepRow = memo(function StepRow({ step, selected, undone, top, pos, size, onSelect }: RowProps) {
  const path = stepPath(step);
  const showPath = path && !step.title.includes(path);
  const tone = statusTone(step);
  const action = stepAction(step);
  const showAction = !(step.request && action === step.request.method && step.title.startsWith(action));
  return (
    <div
      role="listitem"
      aria-posinset={pos}
      aria-setsize={size}
      aria-current={selected ? 'true' : undefined}
      data-step-index={step.index}
      data-catalog-id={step.catalogId}
      data-undone={undone ? 'true' : undefined}
      className={`step-row${selected ? ' selected' : ''}${step.status === 'waiting' ? ' waiting' : ''}${step.prompt ? ' prompt' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => onSelect(step.index)}
    >
      <div className="row-line">
        <span className="num">{step.index + 1}</span>
        <span className="time">{labTime(step.startedAt, true)}</span>
        <StepParties step={step} />
        <span className={`status tone-${tone}`}>{stepStatus(step)}</span>
      </div>
      <div className="row-line second">
        {showAction && <span className="action">{action}</span>}
        <span className="title" title={step.title}>{step.title}</span>
        {showPath && <span className="path">{path}</span>}
        <span className="badges">
          <PromptBadge prompt={step.prompt} />
          {step.originalRequest && <span className="badge edited" title="Edited at the gate">edited</span>}
          {step.tokens.length > 0 && <span className="badge token" title={`${step.tokens.length} token(s)`}>JWT {step.tokens.length}</span>}
          {step.changes.length > 0 && <span className="badge db" title={`${step.changes.length} row change(s)`}>DB {step.changes.length}</span>}
        </span>
      </div>
    </div>
  );
});
