import { isStepKindId, stepKind } from '../../../emulators/protocols/steps';
import { useLab } from '../../store';
import { selectSelectedStep } from '../../store/selectors/selection';
import { phaseMap } from '../../store/selectors/phases';

/**
 * The presenter's caption: the selected step's phase, what happens and why (the step catalog's `summary`) and the
 * exact spec section it follows (`spec.url`), so a class sees the explanation without opening the Spec tab.
 */
export function StepCaption() {
  const step = useLab(selectSelectedStep);
  const steps = useLab((s) => s.steps);
  if (!step || !isStepKindId(step.catalogId)) {
    return (
      <aside className="caption" aria-label="Step caption">
        <p className="caption-hint muted">Select a step, or press <kbd>]</kbd> to walk the story phase by phase.</p>
      </aside>
    );
  }
  const kind = stepKind(step.catalogId);
  const { bands, bandOf } = phaseMap(steps);
  const band = bands[bandOf[step.index] ?? -1];
  return (
    <aside className="caption" aria-label="Step caption" data-catalog-id={kind.id} data-phase={band?.phase ?? 'none'}>
      <p className="caption-head">
        {band && (
          <span className="caption-phase" data-phase={band.phase ?? 'none'} title={`Phase ${band.band + 1} of ${bands.length} in this run`}>
            {band.label}
          </span>
        )}
        <strong className="caption-title">
          #{step.index + 1} {kind.title}
        </strong>
        <span className="caption-keys muted">
          <kbd>[</kbd> <kbd>]</kbd> phase · <kbd>j</kbd> <kbd>k</kbd> step
        </span>
      </p>
      <p className="caption-summary">{kind.summary}</p>
      <p className="caption-spec">
        <a href={kind.spec.url} target="_blank" rel="noreferrer noopener" title={kind.spec.url}>
          {kind.spec.doc} § {kind.spec.section}: {kind.spec.title}
        </a>
      </p>
    </aside>
  );
}
