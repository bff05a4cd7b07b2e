import type { Step } from '../../../app/contract';
import { useLab } from '../../store';
import { selectSelectedStep } from '../../store/selectors/selection';
import { INSPECTOR_TABS, type InspectorTab } from '../../store/ui';
import { stepStatus } from '../../store/selectors/steps';
import { labTime } from '../../lib/format';
import { PARTY_LABEL } from '../../lib/parties';
import { RequestTab } from './RequestTab';
import { ResponseTab } from './ResponseTab';
import { TokensTab } from './TokensTab';
import { DbTab } from './DbTab';
import { SpecTab } from './SpecTab';
import { FleetActivity } from '../fleet/FleetActivity';

const TAB_LABEL: Record<InspectorTab, string> = { request: 'Request', response: 'Response', tokens: 'Tokens', db: 'DB', spec: 'Spec' };

function count(step: Step, tab: InspectorTab): number | null {
  if (tab === 'tokens') return step.tokens.length;
  if (tab === 'db') return step.changes.length;
  return null;
}

/** The inspector: everything about the selected step, one tab per aspect. */
export function Inspector() {
  const step = useLab(selectSelectedStep);
  const tab = useLab((s) => s.tab);
  const setTab = useLab((s) => s.setTab);
  if (!step) {
    return (
      <section className="inspector" aria-label="Inspector">
        <p className="muted pad">Select a step to inspect it.</p>
      </section>
    );
  }
  return (
    <section className="inspector" aria-label="Inspector">
      <header className="insp-head">
        <div className="insp-title">
          <span className="num">#{step.index + 1}</span> <strong>{step.title}</strong>
        </div>
        <div className="muted small">
          {PARTY_LABEL[step.from]} → {PARTY_LABEL[step.to]} · {labTime(step.startedAt, true)} · {stepStatus(step)}
          {step.observedBy !== 'lab' && ` · recorded by ${PARTY_LABEL[step.observedBy]} (outside client)`}
        </div>
        <FleetActivity step={step} />
      </header>
      <div role="tablist" aria-label="Inspector tabs" className="tabs">
        {INSPECTOR_TABS.map((t) => {
          const n = count(step, t);
          return (
            <button key={t} role="tab" id={`tab-${t}`} aria-selected={tab === t} aria-controls="inspector-panel" aria-label={`${TAB_LABEL[t]}${n ? ` (${n})` : ''}`} onClick={() => setTab(t)} className={tab === t ? 'active' : undefined}>
              {TAB_LABEL[t]}
              {n ? <span className="tab-count">{n}</span> : null}
              {t === 'request' && step.status === 'waiting' ? <span className="tab-count warn">edit</span> : null}
            </button>
          );
        })}
      </div>
      <div role="tabpanel" id="inspector-panel" aria-labelledby={`tab-${tab}`} className="tab-panel">
        {tab === 'request' && <RequestTab key={step.id} step={step} />}
        {tab === 'response' && <ResponseTab step={step} />}
        {tab === 'tokens' && <TokensTab step={step} />}
        {tab === 'db' && <DbTab step={step} />}
        {tab === 'spec' && <SpecTab step={step} />}
      </div>
    </section>
  );
}
