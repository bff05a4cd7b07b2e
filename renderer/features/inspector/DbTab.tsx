import { useEffect, useMemo, useState } from 'react';
import type { DbChange, DbView, PartyIdT, Step } from '../../../app/contract';
import { useLab } from '../../store';
import { loadDbView } from '../../store/actions';
import { dbViewKey } from '../../store/db';
import { enrollmentLinks, type LinkChain, type Row } from '../../lib/links';
import { PARTY_LABEL } from '../../lib/parties';
import { hasHit } from '../../lib/search';
import { Highlight, useSearchWords } from './Highlight';
import { ChangeTable, ValueCell, showValue as show } from './RowDiff';
import { RowHistory, type RowRef } from './RowHistory';
import { FleetShows } from '../fleet/FleetView';

const NO_WORDS: readonly string[] = [];

/** The DB after `step` of the run on screen, from the store's DB slice; fetched (once) by the `loadDbView` action. */
function useDbView(step: number): { view: DbView | null; error: string | null } {
  const key = useLab((s) => dbViewKey(s.lab?.runId ?? '', step));
  const entry = useLab((s) => s.dbViews.get(key));
  // On mount, on another run or step, and if the snapshot left the cache: the action skips what it has.
  const missing = entry === undefined;
  useEffect(() => {
    void loadDbView(step);
  }, [key, missing, step]);
  return { view: entry?.status === 'ready' ? entry.view : null, error: entry?.status === 'error' ? entry.error : null };
}

/** Rows the step inserted / updated / deleted, the enrollment ↔ host ↔ IdP account ↔ SCIM user links, and every table after the step. */
export function DbTab({ step }: { step: Step }) {
  const closed = step.status === 'done' || step.status === 'error';
  const words = useSearchWords();
  // Kept while the user moves between steps (the tab stays mounted), so a history's step links can be followed.
  const [picked, setPicked] = useState<RowRef | null>(null);
  return (
    <div className="db">
      {picked && <RowHistory target={picked} current={step.index} onClose={() => setPicked(null)} />}
      {closed ? <Linked index={step.index} /> : null}
      {closed ? <FleetShows index={step.index} /> : null}
      <h3>Rows this step changed ({step.changes.length})</h3>
      {step.changes.length === 0 ? <p className="muted">{closed ? 'This step changed no rows.' : 'The step has not run yet.'}</p> : <Changes changes={step.changes} words={words} onPick={setPicked} />}
      {closed ? <World index={step.index} words={words} onPick={setPicked} /> : null}
    </div>
  );
}

/** The step's row changes; with `onPick`, clicking one shows that row's history. */
export function Changes({ changes, words = NO_WORDS, onPick }: { changes: DbChange[]; words?: readonly string[]; onPick?: (row: RowRef) => void }) {
  return (
    <ul className="changes" aria-label="Row changes">
      {changes.map((c, i) => (
        <li key={i} className={`change op-${c.op}`} data-table={c.table}>
          <div className="change-head">
            <span className={`op op-${c.op}`}>{c.op}</span> <span className="muted">{PARTY_LABEL[c.party]}</span>{' '}
            <strong>
              <Highlight text={c.table} words={words} />
            </strong>
            {onPick && (
              <button type="button" className="link row-history-btn" aria-label={`History of this ${c.table} row`} onClick={() => onPick({ party: c.party, table: c.table, row: (c.after ?? c.before)! })}>
                history
              </button>
            )}
          </div>
          <ChangeTable change={c} words={words} />
        </li>
      ))}
    </ul>
  );
}

function Linked({ index }: { index: number }) {
  const { view } = useDbView(index);
  const links = useMemo(() => (view ? enrollmentLinks(view) : []), [view]);
  if (!view) return null;
  return (
    <>
      <h3>Links after step {index + 1}: enrollment ↔ host ↔ IdP account ↔ SCIM user</h3>
      {links.length === 0 ? <p className="muted">No Windows enrollment yet.</p> : links.map((l, i) => <Links key={i} chain={l} />)}
    </>
  );
}

function World({ index, words, onPick }: { index: number; words: readonly string[]; onPick: (row: RowRef) => void }) {
  const { view, error } = useDbView(index);
  if (error) return <p className="muted">DB snapshot unavailable: {error}</p>;
  if (!view) return <p className="muted">Loading the DB after step {index + 1}…</p>;
  return (
    <>
      <h3>Every DB after step {index + 1}</h3>
      <div aria-label={`DB after step ${index + 1}`} role="region">
        {Object.entries(view.parties).map(([party, tables]) => (
          <details key={party} className="party-db" open={party === 'mdm'}>
            <summary>{PARTY_LABEL[party as keyof typeof PARTY_LABEL] ?? party}</summary>
            {Object.entries(tables).map(([table, rows]) => (
              <TableRows key={table} party={party as PartyIdT} table={table} rows={rows} words={words} onPick={onPick} />
            ))}
          </details>
        ))}
      </div>
    </>
  );
}

/** One table after the step; a click on a row shows its history. Rows holding a word of the filter are marked. */
function TableRows({ party, table, rows, words, onPick }: { party: PartyIdT; table: string; rows: Row[]; words: readonly string[]; onPick: (row: RowRef) => void }) {
  const cols = rows[0] ? Object.keys(rows[0]) : [];
  const hits = useMemo(() => (words.length === 0 ? 0 : rows.filter((r) => Object.values(r).some((v) => hasHit(v === null || v === undefined ? '' : String(v), words))).length), [rows, words]);
  return (
    <details className="db-table" data-table={table} data-rows={rows.length}>
      <summary>
        <code>
          <Highlight text={table} words={words} />
        </code>{' '}
        <span className="count">{rows.length} {rows.length === 1 ? 'row' : 'rows'}</span>
        {hits > 0 && <span className="count hit-count">{hits} matching</span>}
      </summary>
      {rows.length > 0 && (
        <div className="table-scroll">
          <table className="rows">
            <thead>
              <tr>
                {cols.map((c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, 200).map((r, i) => (
                <tr
                  key={i}
                  className="pickable"
                  tabIndex={0}
                  title="Show the history of this row"
                  onClick={() => onPick({ party, table, row: r })}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') onPick({ party, table, row: r });
                  }}
                >
                  {cols.map((c) => (
                    <ValueCell key={c} value={r[c]} words={words} />
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}

function Links({ chain }: { chain: LinkChain }) {
  const e = chain.enrollment;
  const item = (title: string, row: Row | null, main: string, sub: string, missing: string) => (
    <div className={`link-node${row ? '' : ' missing'}`}>
      <span className="muted small">{title}</span>
      {row ? (
        <>
          <strong>{show(row[main])}</strong>
          <span className="small">{show(row[sub])}</span>
        </>
      ) : (
        <span className="small">{missing}</span>
      )}
    </div>
  );
  return (
    <div className="links" role="group" aria-label="Enrollment links">
      {item('enrollment', e, 'mdm_device_id', 'host_uuid', '')}
      <span className={`link-edge${chain.host ? '' : ' broken'}`} aria-hidden="true">↔</span>
      {item('host', chain.host, 'hostname', 'uuid', e.host_uuid ? 'no host row' : 'host_uuid not set')}
      <span className={`link-edge${chain.idpAccount ? '' : ' broken'}`} aria-hidden="true">↔</span>
      {item('IdP account', chain.idpAccount, 'email', 'uuid', 'not linked')}
      <span className={`link-edge${chain.scimUser ? '' : ' broken'}`} aria-hidden="true">↔</span>
      {item('SCIM user', chain.scimUser, 'user_name', 'id', 'not mapped')}
    </div>
  );
}
