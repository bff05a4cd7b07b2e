import { useEffect, useMemo, useRef } from 'react';
import type { PartyIdT } from '../../../app/contract';
import { useLab } from '../../store';
import { rowHistory } from '../../store/selectors/history';
import { rowKeyLabel } from '../../lib/row-identity';
import { PARTY_LABEL } from '../../lib/parties';
import { ChangeTable } from './RowDiff';

/** A row a person picked in the DB tab: a change of the step, or a row of a table as it was after the step. */
export interface RowRef {
  party: PartyIdT;
  table: string;
  row: Record<string, unknown>;
}

/** Every step of the run that wrote the row, with before and after, each a link that selects its step. */
export function RowHistory({ target, current, onClose }: { target: RowRef; current: number; onClose: () => void }) {
  const steps = useLab((s) => s.steps);
  const select = useLab((s) => s.select);
  const writes = useMemo(() => rowHistory(steps, target.party, target.table, target.row), [steps, target]);
  const label = rowKeyLabel(target.party, target.table, target.row);
  const box = useRef<HTMLElement>(null);
  // The row was picked further down the tab: bring its history (at the top) into view.
  useEffect(() => {
    box.current?.scrollIntoView({ block: 'nearest' });
  }, [target]);
  return (
    <section ref={box} className="row-history" role="region" aria-label="Row history" data-table={target.table}>
      <header>
        <h3>
          History of <code>{target.table}</code> <span className="muted">({PARTY_LABEL[target.party]})</span> <code className="row-key">{label}</code>
        </h3>
        <button type="button" className="link" aria-label="Close row history" onClick={onClose}>
          close
        </button>
      </header>
      {writes.length === 0 ? (
        <p className="muted">No step of this run wrote this row: it was there when the run began.</p>
      ) : (
        <ol className="history" aria-label="Writes to this row">
          {writes.map((w, i) => (
            <li key={i} className={`op-${w.change.op}${w.step.index === current ? ' current' : ''}${w.step.index > current ? ' later' : ''}`}>
              <div className="change-head">
                <button type="button" className="link step-link" data-step-link={w.step.index} onClick={() => select(w.step.index)}>
                  #{w.step.index + 1} {w.step.title}
                </button>
                <span className={`op op-${w.change.op}`}>{w.change.op}</span>
                {w.step.index === current && <span className="muted small">this step</span>}
                {w.step.index > current && <span className="muted small">after this step</span>}
              </div>
              <ChangeTable change={w.change} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
