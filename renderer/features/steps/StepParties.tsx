import type { Step } from '../../../app/contract';

/** Who sent a step and to whom (one party for a local step), as the step list and the compare view show it. */
export function StepParties({ step }: { step: Step }) {
  return (
    <span className="parties">
      <span className={`party p-${step.from}`}>{step.from}</span>
      {step.to !== step.from && (
        <>
          <span className="arrow" aria-hidden="true">→</span>
          <span className={`party p-${step.to}`}>{step.to}</span>
        </>
      )}
    </span>
  );
}

/** The badge of a step that asked the user (the second prompt of a run is marked). */
export function PromptBadge({ prompt }: { prompt: Step['prompt'] }) {
  if (!prompt) return null;
  return <span className={`badge prompt-badge${prompt.count > 1 ? ' second' : ''}`} title={prompt.text}>prompt {prompt.count}</span>;
}
