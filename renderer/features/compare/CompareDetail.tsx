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

type Aspect = 'tokens' | 'db' | 'request' | 'response';
const ASPECTS: ReadonlyArray<[Aspect, string]> = [
  ['tokens', 'Tokens'],
  ['db', 'DB changes'],
  ['request', 'Request'],
  ['response', 'Response'],
];

/** Where to look first: the aspect the host's differences name. */
function firstAspect(row: CompareRow, a: Step | null, b: Step | null): Aspect {
  if (row.differences.some((d) => d.startsWith('token'))) return 'tokens';
  if (row.differences.some((d) => d.startsWith('DB'))) return 'db';
  if (row.differences.some((d) => d.startsWith('status'))) return 'response';
  const s = a ?? b;
  if (s && s.tokens.length > 0) return 'tokens';
  if (s && s.changes.length > 0) return 'db';
  return 'request';
}

/** The picked row's two steps side by side, one aspect at a time (the inspector's own token, DB and message views). */
export function CompareDetail({ comparison, row }: { comparison: Comparison; row: CompareRow }) {
  const { a, b } = rowSteps(comparison, row);
  const [aspect, setAspect] = useState<Aspect | null>(null);
  const shown = aspect ?? firstAspect(row, a, b);
  return (
    <section className="cmp-detail" aria-label="Both steps">
      <div className="seg" role="group" aria-label="Aspect">
        {ASPECTS.map(([k, label]) => (
          <button key={k} aria-pressed={shown === k} onClick={() => setAspect(k)}>{label}</button>
        ))}
      </div>
      <div className="cmp-detail-cols">
        <Side step={a} side="A" aspect={shown} />
        <Side step={b} side="B" aspect={shown} />
      </div>
    </section>
  );
}

function Side({ step, side, aspect }: { step: Step | null; side: 'A' | 'B'; aspect: Aspect }) {
  if (!step) return <div className="cmp-side gap" aria-label={`Step in run ${side}`}>Run {side} has no such step.</div>;
  const gist = errorGist(step);
  return (
    <div className="cmp-side" aria-label={`Step in run ${side}`}>
      <header>
        <strong>
          {side}
          {step.index + 1} · {step.title}
        </strong>
        <div className="muted small">
          {PARTY_LABEL[step.from]} → {PARTY_LABEL[step.to]} · {labTime(step.startedAt, true)} · {stepStatus(step)}
          {gist ? ` · ${gist}` : ''}
        </div>
        {step.prompt && <p className={`prompt-note${step.prompt.count > 1 ? ' second' : ''}`}>Prompt {step.prompt.count}: {step.prompt.text}</p>}
      </header>
      {aspect === 'tokens' && (step.tokens.length ? step.tokens.map((t, i) => <TokenCard key={i} token={t} now={null} />) : <p className="muted">No tokens.</p>)}
      {aspect === 'db' && (step.changes.length ? <Changes changes={step.changes} /> : <p className="muted">No row changes.</p>)}
      {aspect === 'request' && (step.request ? <MessageView msg={step.request} label={`Run ${side} request`} /> : <pre className="detail-json">{JSON.stringify(step.detail ?? {}, null, 2)}</pre>)}
      {aspect === 'response' && (step.response ? <MessageView msg={step.response} label={`Run ${side} response`} /> : <p className="muted">No response{step.kind === 'local' ? ' (a local step)' : ''}.</p>)}
    </div>
  );
}
