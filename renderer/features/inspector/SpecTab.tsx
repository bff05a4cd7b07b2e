import type { Step } from '../../../app/contract';
import { PHASES, stepKind } from '../../../emulators/protocols/steps';

/** The step's entry in the step catalog: what happens and why, the spec section it belongs to, and where it is built. */
export function SpecTab({ step }: { step: Step }) {
  const kind = stepKind(step.catalogId);
  const { spec } = kind;
  return (
    <div className="spec" data-testid="spec-tab" data-catalog-id={kind.id}>
      <p className="spec-kind">
        <strong>{kind.title}</strong>
        {kind.phase && <span className="muted"> · {PHASES[kind.phase]}</span>}
      </p>
      <p className="spec-summary">{kind.summary}</p>
      <p className="spec-doc">
        <strong>{spec.doc}</strong> § {spec.section}
      </p>
      <p className="spec-title">{spec.title}</p>
      <p>
        <a href={spec.url} target="_blank" rel="noreferrer noopener">{spec.url}</a>
      </p>
      <p className="muted small">
        Catalog id <code>{kind.id}</code>
        {kind.client && <> · client <code>emulators/{kind.client}</code></>}
        {kind.server && <> · server <code>emulators/{kind.server}</code></>}
      </p>
    </div>
  );
}
