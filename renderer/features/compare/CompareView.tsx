import { memo, useEffect, useMemo, useRef } from 'react';
import type { CompareRow, Step } from '../../../app/contract';
import { useLab } from '../../store';
import type { Comparison } from '../../store/compare';
import { compareHeadline, nextDifference, rowSteps } from '../../store/selectors/compare';
import { errorGist, statusTone, stepStatus } from '../../store/selectors/steps';
import { PARTY_LABEL } from '../../lib/parties';
import { SidePicker } from './SidePicker';
import { CompareDetail } from './CompareDetail';
import { ProfileCompare } from './ProfileCompare';
import { PromptBadge, StepParties } from '../steps/StepParties';

const KIND_MARK: Record<CompareRow['kind'], { mark: string; label: string }> = {
  same: { mark: '=', label: 'same in both runs' },
  changed: { mark: '≠', label: 'in both runs, with differences' },
  'only-a': { mark: '−', label: 'only in A' },
  'only-b': { mark: '+', label: 'only in B' },
};

/** Differences listed under a changed row; the rest are in the row's diff below. */
const MAX_LISTED = 4;

/**
 * Two runs aligned step by step (the pairing by catalog id and the diffs come from the host, app/compare/):
 * run A on the left, run B on the right, a gap where a step happened in one run only, changed rows highlighted
 * with what differs; the row picked shows both steps' tokens, DB changes and messages side by side below.
 */
export function CompareView() {
  const comparison = useLab((s) => s.comparison);
  const busy = useLab((s) => s.compareBusy);
  const error = useLab((s) => s.compareError);
  const sides = useLab((s) => s.sides);
  const close = useLab((s) => s.setCompareOpen);
  return (
    <section className="compare" aria-label="Compare runs">
      <header className="cmp-head">
        <h2>Compare runs</h2>
        <SidePicker which="a" />
        <span className="muted" aria-hidden="true">vs</span>
        <SidePicker which="b" />
        {busy && <span className="muted">comparing…</span>}
        <span className="spacer" />
        <button onClick={() => close(false)}>Back to the timeline</button>
      </header>
      <ProfileCompare />
      {error && <p className="cmp-error" role="alert">{error}</p>}
      {comparison ? (
        <Aligned comparison={comparison} />
      ) : (
        <p className="muted pad">
          {!sides.a || !sides.b ? 'Pick run A and run B: finished runs of this session, the run on screen, or bundle files saved with Export. Run two scenarios (autopilot-eua, then autopilot-no-eua) to see the double-auth bug side by side.' : busy ? 'Comparing…' : ''}
        </p>
      )}
    </section>
  );
}

function Headline({ comparison }: { comparison: Comparison }) {
  const h = compareHeadline(comparison.result);
  const r = comparison.result;
  return (
    <div className="cmp-summary" role="status" aria-label="Comparison summary">
      <span className={`chip prompts${h.promptsDiffer ? ' second' : ''}`} data-testid="compare-prompts">{h.prompts}</span>
      <span className="chip" data-testid="compare-a">A: {r.a.scenario ?? '(no scenario)'}{r.a.fleet && ` · Fleet ${r.a.fleet}`}</span>
      <span className="chip" data-testid="compare-b">B: {r.b.scenario ?? '(no scenario)'}{r.b.fleet && ` · Fleet ${r.b.fleet}`}</span>
      <span className={`chip ${r.a.passed === false || r.b.passed === false ? 'bad' : 'good'}`}>{h.passed}</span>
      <span className="chip">{h.steps}</span>
      <span className="chip" data-testid="compare-counts">{h.counts}</span>
    </div>
  );
}

function Aligned({ comparison }: { comparison: Comparison }) {
  const rows = comparison.result.rows;
  const selected = useLab((s) => s.compareRow);
  const select = useLab((s) => s.selectCompareRow);
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (selected === null) return;
    list.current?.querySelector(`[data-row="${selected}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const go = (delta: 1 | -1) => {
    const i = nextDifference(rows, selected, delta);
    if (i !== null) select(i);
  };
  const differing = useMemo(() => rows.filter((r) => r.kind !== 'same').length, [rows]);
  return (
    <div className={`cmp-body${selected !== null ? ' with-detail' : ''}`}>
      <Headline comparison={comparison} />
      <div className="cmp-cols" aria-hidden="true">
        <span />
        <span>Run A</span>
        <span>Run B</span>
        <span className="cmp-nav">
          <button disabled={differing === 0} onClick={() => go(-1)} title="Previous difference">↑</button>
          <button disabled={differing === 0} onClick={() => go(1)} title="Next difference">↓ next difference</button>
        </span>
      </div>
      <div className="cmp-rows" role="list" aria-label="Aligned steps" ref={list}>
        {rows.map((row, i) => (
          <AlignedRow key={i} i={i} row={row} comparison={comparison} selected={i === selected} onSelect={select} />
        ))}
      </div>
      {selected !== null && rows[selected] && <CompareDetail key={selected} comparison={comparison} row={rows[selected]!} />}
    </div>
  );
}

interface RowProps {
  i: number;
  row: CompareRow;
  comparison: Comparison;
  selected: boolean;
  onSelect: (i: number | null) => void;
}

const AlignedRow = memo(function AlignedRow({ i, row, comparison, selected, onSelect }: RowProps) {
  const { a, b } = rowSteps(comparison, row);
  const k = KIND_MARK[row.kind];
  return (
    <div
      role="listitem"
      tabIndex={0}
      data-row={i}
      data-kind={row.kind}
      data-catalog-id={row.catalogId}
      aria-current={selected ? 'true' : undefined}
      aria-label={`${k.label}: ${(a ?? b)?.title ?? ''}`}
      className={`cmp-row kind-${row.kind}${selected ? ' selected' : ''}`}
      onClick={() => onSelect(selected ? null : i)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect(selected ? null : i);
        }
      }}
    >
      <span className="kind-mark" title={k.label}>{k.mark}</span>
      <Cell step={a} side="A" missing={row.kind === 'only-b'} />
      <Cell step={b} side="B" missing={row.kind === 'only-a'} />
      {row.differences.length > 0 && (
        <ul className="cmp-diffs" aria-label="Differences">
          {row.differences.slice(0, MAX_LISTED).map((d, j) => (
            <li key={j}>{d}</li>
          ))}
          {row.differences.length > MAX_LISTED && <li className="more">… {row.differences.length - MAX_LISTED} more: open the row for the diff</li>}
        </ul>
      )}
    </div>
  );
});

function Cell({ step, side, missing }: { step: Step | null; side: 'A' | 'B'; missing: boolean }) {
  if (!step) return <div className={`cmp-cell gap side-${side}`}>{missing ? `not in ${side}` : ''}</div>;
  const tone = statusTone(step);
  const gist = errorGist(step);
  return (
    <div className={`cmp-cell side-${side}`} data-side={side}>
      <span className="num">{side}{step.index + 1}</span>
      <StepParties step={step} />
      <span className="title" title={`${PARTY_LABEL[step.from]} → ${PARTY_LABEL[step.to]}: ${step.title}`}>{step.title}</span>
      {gist && <code className="gist tone-error">{gist}</code>}
      <PromptBadge prompt={step.prompt} />
      {step.tokens.length > 0 && <span className="badge token">JWT {step.tokens.length}</span>}
      {step.changes.length > 0 && <span className="badge db">DB {step.changes.length}</span>}
      <span className={`status tone-${tone}`}>{stepStatus(step)}</span>
    </div>
  );
}
