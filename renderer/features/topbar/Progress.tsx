import { useLab } from '../../store';
import { selectRunStatus, selectWaitingStep } from '../../store/selectors/run';
import { PARTY_LABEL } from '../../lib/parties';
import { stepPath } from '../../store/selectors/steps';
import { backToLive } from '../../store/actions';

/** Always visible: the run's status, who waits at the gate, prompts so far, where the world is. */
export function Progress() {
  const lab = useLab((s) => s.lab);
  const waiting = useLab(selectWaitingStep);
  const apiError = useLab((s) => s.apiError);
  const status = useLab(selectRunStatus);
  if (!lab || !status) return null;
  const failed = lab.expectations.filter((e) => !e.passed);
  return (
    <div className="progress" aria-live="polite">
      <span className={`run-status s-${status}`} data-status={status} title={status === 'starting' ? 'Starting a fresh lab: keys, servers, databases' : undefined}>{status}</span>
      {lab.source === 'bundle' && (
        <span className="chip saved-run" data-testid="saved-run">
          Saved run: {lab.scenario ?? '(no scenario)'}
          <button className="chip-action" onClick={() => void backToLive()}>Back to the live lab</button>
        </span>
      )}
      {lab.mode === 'step' && lab.status !== 'done' && status !== 'starting' && <span className="chip">step mode</span>}
      {waiting && (
        <span className="chip waiting-chip" data-testid="waiting">
          waiting: {PARTY_LABEL[waiting.from]} → {PARTY_LABEL[waiting.to]} {stepPath(waiting) || waiting.title}
        </span>
      )}
      <span className={`chip prompts${lab.prompts > 1 ? ' second' : ''}`} data-testid="prompts" aria-label={`Prompts: ${lab.prompts}`}>
        prompts {lab.prompts}
      </span>
      <span className="chip" title="The world (every party's DB) is as it was after this step">
        at {lab.cursor + 1} / {lab.head + 1}
      </span>
      {lab.expectations.length > 0 && (
        <span className={`chip ${failed.length ? 'bad' : 'good'}`} title={lab.expectations.map((e) => `${e.passed ? '✓' : '✗'} ${e.name}: ${e.detail}`).join('\n')}>
          {failed.length ? `${failed.length} expectation(s) failed` : `${lab.expectations.length} expectations met`}
        </span>
      )}
      {(lab.error || apiError) && <span className="chip bad" role="alert">{lab.error ?? apiError}</span>}
    </div>
  );
}
