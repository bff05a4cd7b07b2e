import { Fragment, memo, useCallback, useEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Step } from '../../../app/contract';
import { useLab } from '../../store';
import { filterSteps, indexSteps, matchReason, statusTone, stepAction, stepPath, stepStatus } from '../../store/selectors/steps';
import { searchWords } from '../../lib/search';
import type { InspectorTab } from '../../store/ui';
import { labTime } from '../../lib/format';
import { isUndone } from '../../store/selectors/run';
import { StepFilterBar } from './StepFilterBar';
import { PromptBadge, StepParties } from './StepParties';
import { phaseMap, visibleBands, type VisibleBand } from '../../store/selectors/phases';
import { slotKey } from '../../lib/slot-keys';

const ROW_HEIGHT = 48;
/** Presenter mode's larger text needs taller rows (styles.css `[data-presenter] .step-row`). */
const ROW_HEIGHT_PRESENTER = 62;
/** The phase band's head above the first row of each band (styles.css `.phase-head`). */
const BAND_HEAD = 22;
const BAND_HEAD_PRESENTER = 28;
/** Rows drawn above and below the view (the virtualizer's overscan). */
const OVERSCAN = 3;

/** The step list: every step of the run, virtualised (only the rows in view exist in the DOM). */
export function StepList() {
  const steps = useLab((s) => s.steps);
  const filter = useLab((s) => s.filter);
  const selected = useLab((s) => s.selected);
  const select = useLab((s) => s.select);
  const setTab = useLab((s) => s.setTab);
  const words = useMemo(() => searchWords(filter.text), [filter.text]);
  const cursor = useLab((s) => s.lab?.cursor ?? -1);
  const head = useLab((s) => s.lab?.head ?? -1);
  const visible = useMemo(() => filterSteps(steps, filter), [steps, filter]);
  // Counted once per change of the steps, not on every scroll frame the virtualizer re-renders this list for.
  const total = useMemo(() => steps.filter(Boolean).length, [steps]);
  useSearchWarmup(steps);
  const presenter = useLab((s) => s.presenter);
  const scroller = useRef<HTMLDivElement>(null);
  // Phase bands: the first visible row of each band carries a head above it, inside the same virtual item, so row
  // positions stay one item per step. A new key function makes the virtualizer re-measure when the bands move.
  const bandAt = useMemo(() => new Map<number, VisibleBand>(visibleBands(phaseMap(steps), visible).map((b) => [b.pos, b])), [steps, visible]);
  const rowH = presenter ? ROW_HEIGHT_PRESENTER : ROW_HEIGHT;
  const headH = presenter ? BAND_HEAD_PRESENTER : BAND_HEAD;
  const estimateSize = useCallback((i: number) => rowH + (bandAt.has(i) ? headH : 0), [bandAt, rowH, headH]);
  const getItemKey = useCallback((i: number) => i, [estimateSize]);
  // Each row the virtualizer adds costs its layout and text shaping in the frame it appears (a Chromium trace of a
  // 10,000-step scroll: layout, not React, took most of a frame), so few rows are drawn beyond the view.
  const virtualizer = useVirtualizer({ count: visible.length, getScrollElement: () => scroller.current, estimateSize, getItemKey, overscan: OVERSCAN });

  const items = virtualizer.getVirtualItems();
  const position = useMemo(() => (selected === null ? -1 : visible.indexOf(selected)), [visible, selected]);
  useEffect(() => {
    if (position >= 0) virtualizer.scrollToIndex(position, { align: 'auto' });
  }, [position, virtualizer, rowH]);

  return (
    <section className="step-list" aria-label="Step list">
      <StepFilterBar shown={visible.length} total={total} />
      <div className="step-scroll" ref={scroller} tabIndex={-1}>
        <div role="list" aria-label="Steps" className="step-rows" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((v) => {
            const step = steps[visible[v.index]!]!;
            const band = bandAt.get(v.index);
            // Keyed by slot, not by step (lib/slot-keys.ts), and the same shape with or without a band head, so a
            // scroll updates the rows in place.
            return (
              <Fragment key={slotKey(v.index, items[0]!.index)}>
                {band && <PhaseHead band={band} top={v.start} height={headH} />}
                <StepRow step={step} undone={isUndone(step, cursor, head)} selected={step.index === selected} top={v.start + (band ? headH : 0)} pos={v.index + 1} size={visible.length} onSelect={select} words={words} onShowMatch={setTab} />
              </Fragment>
            );
          })}
        </div>
        {steps.length === 0 && <p className="empty">No steps yet. Press <kbd>Run</kbd> to play the scenario, or <kbd>Step</kbd> to go message by message. Requests from outside clients appear here too.</p>}
      </div>
    </section>
  );
}

/**
 * Index the steps for search while the browser is idle (a few ms per idle period), so that the first search of a
 * 10,000-step run does not build every step's index in one keystroke. Steps already indexed cost a lookup.
 */
function useSearchWarmup(steps: readonly (Step | undefined)[]): void {
  useEffect(() => {
    if (typeof requestIdleCallback === 'undefined') return;
    let at = 0;
    let id = 0;
    const work = (deadline: IdleDeadline) => {
      at = indexSteps(steps, at, () => deadline.timeRemaining() > 2);
      if (at < steps.length) id = requestIdleCallback(work);
    };
    id = requestIdleCallback(work, { timeout: 2000 });
    return () => cancelIdleCallback(id);
  }, [steps]);
}

/**
 * The head of a phase band: the phase's name at its first visible step. Hidden from the accessibility tree (the
 * list's items are its steps); the presenter caption says the phase in words.
 */
const PhaseHead = memo(function PhaseHead({ band, top, height }: { band: VisibleBand; top: number; height: number }) {
  return (
    <div className="phase-head" aria-hidden="true" data-phase={band.phase ?? 'none'} data-band={band.band} data-first-step={band.step} style={{ transform: `translateY(${top}px)`, height }}>
      <span className="phase-name">{band.label}</span>
    </div>
  );
});

interface RowProps {
  step: Step;
  selected: boolean;
  /** Behind the world: the user stepped back before it (shown dimmed). */
  undone: boolean;
  top: number;
  pos: number;
  size: number;
  onSelect: (i: number) => void;
  /** The filter's words: the row says where in the step they are when its own text lacks them. */
  words: readonly string[];
  onShowMatch: (tab: InspectorTab) => void;
}

const StepRow = memo(function StepRow({ step, selected, undone, top, pos, size, onSelect, words, onShowMatch }: RowProps) {
  const path = stepPath(step);
  const showPath = path && !step.title.includes(path);
  const tone = statusTone(step);
  const action = stepAction(step);
  const showAction = !(step.request && action === step.request.method && step.title.startsWith(action));
  const reason = words.length ? matchReason(step, words) : null;
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
        {reason && (
          <span
            className="badge match-reason"
            data-match={reason.label}
            title={`Matches in ${reason.label}: click to show it in the ${reason.tab} tab`}
            onClick={() => {
              onSelect(step.index);
              onShowMatch(reason.tab);
            }}
          >
            {reason.label}
          </span>
        )}
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
