import { useState } from 'react';
import type { BodyDiff, DbChangeDiff, FieldDiff, MessageDiff, PairDiff, TokenDiff } from '../../../app/contract';
import { foldDiff, structuralCounts } from '../../store/selectors/compare';
import './compare.css';

const GUTTER = { same: ' ', volatile: '≈', removed: '−', added: '+' } as const;
const KIND_WORD = { same: 'same', changed: 'changed', 'only-a': 'only in A', 'only-b': 'only in B' } as const;

/**
 * What differs between the two steps of a pair, as the host computed it (app/compare/diff.ts): each message's
 * request line and headers, its body as a unified diff (a line removed in B is `−`, one added is `+`; `≈` marks a
 * line that differs only in values minted per run, whose B value is its tooltip), then tokens and DB rows.
 */
export function PairDiffView({ pair }: { pair: PairDiff }) {
  const n = structuralCounts(pair);
  const nothing = n.body + n.headers + n.tokens + n.db === 0;
  return (
    <div className="pair-diff" aria-label="Differences of the pair">
      {nothing && <p className="muted">Nothing differs{n.volatile ? ` but ${n.volatile} volatile value(s): ids, nonces, times, ports` : ''}.</p>}
      {pair.request && <MessageDiffView what="Request" diff={pair.request} />}
      {pair.response && <MessageDiffView what="Response" diff={pair.response} />}
      {pair.detail && pair.detail.lines.length > 0 && <BodyDiffView label="Operation record diff" diff={pair.detail} />}
      {pair.tokens.some((t) => t.kind !== 'same' || t.claims.length > 0) && <TokensDiff tokens={pair.tokens} />}
      {pair.db.length > 0 && <DbDiff changes={pair.db} />}
    </div>
  );
}

function MessageDiffView({ what, diff }: { what: 'Request' | 'Response'; diff: MessageDiff }) {
  if (diff.headers.length === 0 && diff.body.lines.length === 0) return null;
  return (
    <section className="pd-section" aria-label={`${what} diff`}>
      <h4>{what}</h4>
      {diff.headers.length > 0 && <FieldTable label={`${what} header diff`} fields={diff.headers} />}
      {diff.body.lines.length > 0 && <BodyDiffView label={`${what} body diff`} diff={diff.body} />}
    </section>
  );
}

export function BodyDiffView({ label, diff }: { label: string; diff: BodyDiff }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const shown = foldDiff(diff.lines, 3, open);
  return (
    <div className="pd-body" role="region" aria-label={label}>
      <div className="pd-body-head muted small">
        {diff.language} · {diff.changed} line(s) differ{diff.volatile ? ` · ${diff.volatile} volatile (not counted)` : ''}
      </div>
      <pre className="pd-lines">
        {shown.map((s) =>
          s.kind === 'fold' ? (
            <button key={`f${s.from}`} className="pd-fold" onClick={() => setOpen(new Set([...open, s.from]))}>
              ⋯ {s.count} line(s) with no structural difference: show
            </button>
          ) : (
            <span key={s.at} className={`pd-line op-${s.line.op}`} data-op={s.line.op} title={s.line.op === 'volatile' ? `B: ${s.line.b ?? ''}` : undefined}>
              <span className="pd-gutter" aria-hidden="true">{GUTTER[s.line.op]}</span>
              {s.line.op === 'added' ? s.line.b : s.line.a}
              {'\n'}
            </span>
          ),
        )}
      </pre>
    </div>
  );
}

function FieldTable({ label, fields }: { label: string; fields: readonly FieldDiff[] }) {
  return (
    <table className="pd-fields" aria-label={label}>
      <thead>
        <tr>
          <th>name</th>
          <th>A</th>
          <th>B</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={f.name} className={f.volatile ? 'volatile' : 'changed'} data-volatile={f.volatile ? 'true' : undefined}>
            <th scope="row">
              {f.name}
              {f.volatile && <span className="pd-vol-tag" title="minted per run: shown, not counted">volatile</span>}
            </th>
            <td title={f.a ?? ''}>{f.a ?? <span className="muted">(absent)</span>}</td>
            <td title={f.b ?? ''}>{f.b ?? <span className="muted">(absent)</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TokensDiff({ tokens }: { tokens: readonly TokenDiff[] }) {
  return (
    <section className="pd-section" aria-label="Token claim diff">
      <h4>Tokens</h4>
      {tokens.map((t, i) => (
        <div key={i} className="pd-item" data-kind={t.kind}>
          <div className="pd-item-head">
            <span className={`pd-kind kind-${t.kind}`}>{KIND_WORD[t.kind]}</span> {t.label}
          </div>
          {t.claims.length > 0 && <FieldTable label={`Claims of ${t.label}`} fields={t.claims} />}
        </div>
      ))}
    </section>
  );
}

function DbDiff({ changes }: { changes: readonly DbChangeDiff[] }) {
  return (
    <section className="pd-section" aria-label="DB change diff">
      <h4>DB changes</h4>
      {changes.map((c, i) => (
        <div key={i} className="pd-item" data-kind={c.kind}>
          <div className="pd-item-head">
            <span className={`pd-kind kind-${c.kind}`}>{KIND_WORD[c.kind]}</span> {c.party}.{c.table} <span className="muted">{c.op}</span>
          </div>
          {c.columns.length > 0 && <FieldTable label={`Columns of ${c.party}.${c.table}`} fields={c.columns} />}
        </div>
      ))}
    </section>
  );
}
