import { useState } from 'react';
import type { CompareRow, Step } from '../../../app/contract';
import type { Comparison } from '../../store/compare';
import { rowSteps } from '../../store/selectors/compare';
import { errorGist, stepStatus } from '../../store/selectors/steps';
import { labTime } from '../../lib/format';
import { PARTY_LABEL } from '../../lib/parties';
import { TokenCard } from '../inspector/TokensTab';
import { Changes } from '../inspector/DbTab';
import { MessageView } from '../inspector/MessageView';
import { PairDiffView } from './PairDiffView';

type Aspect = 'diff' | 'tokens' | 'db' | 'request' | 'response';
const ASPECTS: ReadonlyArray<[Aspect, string]> = [
  ['diff', 'Diff'],
  ['request', 'Request'],
  ['response', 'Response'],
  ['tokens', 'Tokens'],
  ['db', 'DB changes'],
];

/** Where to look first: the diff of a pair; for a step only one run has, what that step carries. */
function firstAspect(row: CompareRow, a: Step | null, b: Step | null): Aspect {
  if (row.pair) return 'diff';
  const s = a ?? b;
  if (s && s.tokens.length > 0) return 'tokens';
  if (s && s.changes.length > 0) return 'db';
  return s?.response ? 'response' : 'request';
}

/**
 * The picked row: for a pair, what differs (the host's body, header, claim and DB diffs); every aspect also side by
 * side with the inspector's own token, DB and message views.
 */
export function CompareDetail({ comparison, row }: { comparison: Comparison; row: CompareRow }) {
  const { a, b } = rowSteps(comparison, row);
  const [aspect, setAspect] = useState<Aspect | null>(null);
  const shown = aspect ?? firstAspect(row, a, b);
  return (
    <section className="cmp-detail" aria-label="Both steps" data-catalog-id={row.catalogId}>
      <div className="seg" role="group" aria-label="Aspect">
        {ASPECTS.filter(([k]) => k !== 'diff' || row.pair).map(([k, label]) => (
          <button key={k} aria-pressed={shown === k} onClick={() => setAspect(k)}>{label}</button>
        ))}
      </div>
      {shown === 'diff' && row.pair ? (
        <>
          <div className="cmp-pair-head">
            <SideHead step={a!} side="A" />
            <SideHead step={b!} side="B" />
          </div>
          <PairDiffView pair={row.pair} />
        </>
      ) : (
        <div className="cmp-detail-cols">
          <Side step={a} side="A" aspect={shown === 'diff' ? 'request' : shown} />
          <Side step={b} side="B" aspect={shown === 'diff' ? 'request' : shown} />
        </div>
      )}
    </section>
  );
}

/** A side's step: its number and title, then parties, lab time, status and why it failed. */
function SideTitle({ step, side }: { step: Step; side: 'A' | 'B' }) {
  const gist = errorGist(step);
  return (
    <>
      <strong>
        {side}
        {step.index + 1} · {step.title}
      </strong>
      <div className="muted small">
        {PARTY_LABEL[step.from]} → {PARTY_LABEL[step.to]} · {labTime(step.startedAt, true)} · {stepStatus(step)}
        {gist ? ` · ${gist}` : ''}
      </div>
    </>
  );
}

function SideHead({ step, side }: { step: Step; side: 'A' | 'B' }) {
  return (
    <div aria-label={`Step in run ${side}`}>
      <SideTitle step={step} side={side} />
    </div>
  );
}

function Side({ step, side, aspect }: { step: Step | null; side: 'A' | 'B'; aspect: Exclude<Aspect, 'diff'> }) {
  if (!step) return <div className="cmp-side gap" aria-label={`Step in run ${side}`}>Run {side} has no such step.</div>;
  return (
    <div className="cmp-side" aria-label={`Step in run ${side}`}>
      <header>
        <SideTitle step={step} side={side} />
        {step.prompt && <p className={`prompt-note${step.prompt.count > 1 ? ' second' : ''}`}>Prompt {step.prompt.count}: {step.prompt.text}</p>}
      </header>
      {aspect === 'tokens' && (step.tokens.length ? step.tokens.map((t, i) => <TokenCard key={i} token={t} now={null} />) : <p className="muted">No tokens.</p>)}
      {aspect === 'db' && (step.changes.length ? <Changes changes={step.changes} /> : <p className="muted">No row changes.</p>)}
      {aspect === 'request' && (step.request ? <MessageView msg={step.request} label={`Run ${side} request`} /> : <pre className="detail-json">{JSON.stringify(step.detail ?? {}, null, 2)}</pre>)}
      {aspect === 'response' && (step.response ? <MessageView msg={step.response} label={`Run ${side} response`} /> : <p className="muted">No response{step.kind === 'local' ? ' (a local step)' : ''}.</p>)}
    </div>
  );
}
