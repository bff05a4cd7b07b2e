import { useEffect, useMemo } from 'react';
import type { DbChange, DbView, Step } from '../../../app/contract';
import { useLab } from '../../store';
import { loadDbView } from '../../store/actions';
import { dbViewKey } from '../../store/db';
import { enrollmentLinks, type LinkChain, type Row } from '../../lib/links';
import { PARTY_LABEL } from '../../lib/parties';

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
  return (
    <div className="db">
      {closed ? <Linked index={step.index} /> : null}
      <h3>Rows this step changed ({step.changes.length})</h3>
      {step.changes.length === 0 ? <p className="muted">{closed ? 'This step changed no rows.' : 'The step has not run yet.'}</p> : <Changes changes={step.changes} />}
      {closed ? <World index={step.index} /> : null}
    </div>
  );
}

export function Changes({ changes }: { changes: DbChange[] }) {
  return (
    <ul className="changes" aria-label="Row changes">
      {changes.map((c, i) => (
        <li key={i} className={`change op-${c.op}`}>
          <div className="change-head">
            <span className={`op op-${c.op}`}>{c.op}</span> <span className="muted">{PARTY_LABEL[c.party]}</span> <strong>{c.table}</strong>
          </div>
          <ChangeTable change={c} />
        </li>
      ))}
    </ul>
  );
}

const show = (v: unknown) => (v === null || v === undefined ? '∅' : typeof v === 'string' ? (v.length > 80 ? `${v.slice(0, 79)}…` : v) : JSON.stringify(v));

function ChangeTable({ change }: { change: DbChange }) {
  const cols = Object.keys(change.after ?? change.before ?? {});
  return (
    <table className="rowdiff">
      <thead>
        <tr>
          <th>column</th>
          {change.before && <th>before</th>}
          {change.after && <th>after</th>}
        </tr>
      </thead>
      <tbody>
        {cols.map((k) => {
          const b = change.before?.[k];
          const a = change.after?.[k];
          const changed = change.op === 'update' && JSON.stringify(a) !== JSON.stringify(b);
          if (change.op === 'update' && !changed && cols.length > 8) return null;
          return (
            <tr key={k} className={changed ? 'changed' : undefined}>
              <th>{k}</th>
              {change.before && <td title={String(b)}>{show(b)}</td>}
              {change.after && <td title={String(a)}>{show(a)}</td>}
            </tr>
          );
        })}
      </tbody>
    </table>
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

function World({ index }: { index: number }) {
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
              <TableRows key={table} table={table} rows={rows} />
            ))}
          </details>
        ))}
      </div>
    </>
  );
}

function TableRows({ table, rows }: { table: string; rows: Row[] }) {
  const cols = rows[0] ? Object.keys(rows[0]) : [];
  return (
    <details className="db-table" data-table={table} data-rows={rows.length}>
      <summary>
        <code>{table}</code> <span className="count">{rows.length} {rows.length === 1 ? 'row' : 'rows'}</span>
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
                <tr key={i}>
                  {cols.map((c) => (
                    <td key={c} title={String(r[c])}>{show(r[c])}</td>
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
