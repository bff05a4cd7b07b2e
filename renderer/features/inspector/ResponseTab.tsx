import type { Step } from '../../../app/contract';
import { MessageView } from './MessageView';
import { Tpm2Response } from './Tpm2View';
import { tpm2Detail } from '../../lib/tpm2-detail';
import { duration } from '../../lib/format';

const REASONS: Readonly<Record<number, string>> = { 200: 'OK', 201: 'Created', 204: 'No Content', 302: 'Found', 303: 'See Other', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 500: 'Internal Server Error' };

/** The response, or why there is none yet (waiting at the gate, on the wire, failed). */
export function ResponseTab({ step }: { step: Step }) {
  // A TPM 2.0 command is a local step with an answer: the TPM's response (swtpm-tpm.ts run).
  const tpm2 = tpm2Detail(step);
  if (tpm2) return <Tpm2Response step={step} d={tpm2} />;
  if (step.kind === 'local') return <p className="muted">A local step has no response; its result is on the Request tab.</p>;
  if (step.error && !step.response) return <p className="error-text">No response: {step.error}</p>;
  if (!step.response) return <p className="muted">{step.status === 'waiting' ? 'The request is waiting at the gate: not sent yet.' : 'No response yet.'}</p>;
  const r = step.response;
  return (
    <div>
      <p className="req-line">
        <strong className={`tone-${r.status >= 400 ? 'error' : 'ok'}`}>{r.status}</strong> {REASONS[r.status] ?? ''} <span className="muted">· {Math.round(step.durationMs)} ms</span>
        {step.heldMs !== undefined && (
          <span className="muted" data-testid="held-at-gate" title="The time the request waited at the gate, before it was sent: not part of the exchange">
            {' '}· held at the gate {duration(step.heldMs)}
          </span>
        )}
      </p>
      <MessageView msg={r} label="Response" />
    </div>
  );
}
