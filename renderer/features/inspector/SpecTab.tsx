import type { Step } from '../../../app/contract';
import { specFor } from '../../lib/spec';

/** The specification section the step belongs to, with a link; derived from the path when the step names none. */
export function SpecTab({ step }: { step: Step }) {
  const spec = specFor(step);
  if (!spec) return <p className="muted">No specification section is known for this step.</p>;
  return (
    <div className="spec">
      <p className="spec-doc">
        <strong>{spec.doc}</strong> § {spec.section}
      </p>
      <p className="spec-title">{spec.title}</p>
      {spec.url && (
        <p>
          <a href={spec.url} target="_blank" rel="noreferrer noopener">{spec.url}</a>
        </p>
      )}
      {spec.derived && <p className="muted small">Derived from the request path: the step itself names no section.</p>}
    </div>
  );
}
