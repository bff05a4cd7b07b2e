import { useMemo, useState } from 'react';
import { diffLines } from 'diff';
import type { HttpRequest, Step } from '../../../app/contract';
import { useLab } from '../../store';
import { sendEdited } from '../../store/actions';
import { CodeView } from '../code/CodeView';
import { MessageView } from './MessageView';
import { Tpm2Command } from './Tpm2View';
import { tpm2Detail } from '../../lib/tpm2-detail';
import { CopyButton } from '../common/CopyButton';
import { curlCommand } from '../../lib/curl';
import { rawLanguage } from '../../lib/pretty';
import { applyEdit, bodyEditing, headersText, parseHeaders, requestTextForDiff } from '../../lib/request-edit';

/** The request: read-only, or editable while it waits at the gate; an edited step shows what was sent and the original. */
export function RequestTab({ step }: { step: Step }) {
  const tpm2 = tpm2Detail(step);
  if (tpm2) return <Tpm2Command step={step} d={tpm2} />;
  if (step.kind === 'local') return <LocalDetail step={step} />;
  if (!step.request) return <p className="muted">No request.</p>;
  if (step.status === 'waiting') return <DraftEditor step={step} request={step.request} />;
  return (
    <div>
      <RequestLine req={step.request} />
      {step.originalRequest ? <EditedView sent={step.request} original={step.originalRequest} /> : <MessageView msg={step.request} label="Request" />}
    </div>
  );
}

function RequestLine({ req }: { req: HttpRequest }) {
  return (
    <p className="req-line">
      <strong>{req.method}</strong> <code>{req.url}</code> <CopyButton text={curlCommand(req)} label="Copy as curl" title="The request as a curl command that sends the same bytes" />
    </p>
  );
}

function EditedView({ sent, original }: { sent: HttpRequest; original: HttpRequest }) {
  const [which, setWhich] = useState<'sent' | 'original' | 'diff'>('sent');
  // Diff the pretty forms: an edit of one value in a minified body is one changed line, not the whole body.
  const parts = useMemo(() => {
    if (which !== 'diff') return [];
    const lang = rawLanguage(original.body, original.headers);
    return diffLines(requestTextForDiff(original, lang), requestTextForDiff(sent, lang));
  }, [which, original, sent]);
  return (
    <div>
      <div className="edited-banner" role="note">
        Edited at the gate: the server received the edited request.
        <div className="seg" role="group" aria-label="Request version">
          <button aria-pressed={which === 'sent'} onClick={() => setWhich('sent')}>Sent (edited)</button>
          <button aria-pressed={which === 'original'} onClick={() => setWhich('original')}>Original</button>
          <button aria-pressed={which === 'diff'} onClick={() => setWhich('diff')}>Diff</button>
        </div>
      </div>
      {which === 'diff' ? (
        <pre className="diff" aria-label="Edit diff">
          {parts.map((p, i) => (
            <span key={i} className={p.added ? 'add' : p.removed ? 'del' : undefined}>{p.value}</span>
          ))}
        </pre>
      ) : (
        <MessageView msg={which === 'sent' ? sent : original} label={which === 'sent' ? 'Sent request' : 'Original request'} />
      )}
    </div>
  );
}

/** The request held at the gate: edit its draft (method, URL, headers, body), then Send releases the edited version. */
function DraftEditor({ step, request }: { step: Step; request: HttpRequest }) {
  const draft = useLab((s) => (s.draft?.stepId === step.id ? s.draft.request : null));
  const setDraft = useLab((s) => s.setDraft);
  const clearDraft = useLab((s) => s.clearDraft);
  const current = draft ?? request;
  const [headerLines, setHeaderLines] = useState(() => headersText(current.headers));
  const language = rawLanguage(request.body, request.headers);
  const editing = useMemo(() => bodyEditing(request.body, language), [request.body, language]);
  // What the editor shows: the pretty form of the client's body; sent back in the client's (minified) form.
  const [bodyText, setBodyText] = useState(() => (draft ? bodyEditing(draft.body, language).text : editing.text));
  const [asTyped, setAsTyped] = useState(false);
  const wire = (text: string, typed = asTyped) => (typed ? text : editing.toWire(text));
  // Undoing every edit (Ctrl+Z) leaves no draft: the request goes out as it was.
  const update = (patch: Partial<HttpRequest>) => {
    const next = applyEdit(request, current, patch);
    if (next) setDraft(step.id, next);
    else clearDraft();
  };
  return (
    <form
      className="gate"
      aria-label="Request waiting at the gate"
      onSubmit={(e) => {
        e.preventDefault();
        void sendEdited();
      }}
    >
      <p className="gate-banner" role="status">
        <strong>Waiting at the gate.</strong> Edit the request below; <em>Send</em> sends your version (the step keeps both), <em>Step</em> sends it as is.
      </p>
      <div className="gate-line">
        <input aria-label="Method" className="method" value={current.method} onChange={(e) => update({ method: e.target.value })} />
        <input aria-label="URL" className="url" value={current.url} onChange={(e) => update({ url: e.target.value })} />
      </div>
      <label className="field">
        Headers
        <textarea
          aria-label="Headers"
          rows={Math.min(8, Object.keys(current.headers).length + 1)}
          value={headerLines}
          onChange={(e) => {
            setHeaderLines(e.target.value);
            update({ headers: parseHeaders(e.target.value) });
          }}
        />
      </label>
      <div className="field">
        Body
        {editing.pretty && (
          <span className="muted small">
            {' '}· shown pretty-printed, sent minified as the client sent it{' '}
            <label>
              <input
                type="checkbox"
                checked={asTyped}
                onChange={(e) => {
                  setAsTyped(e.target.checked);
                  update({ body: wire(bodyText, e.target.checked) });
                }}
              />{' '}
              send my whitespace as typed
            </label>
          </span>
        )}
      </div>
      <CodeView
        label="Request body"
        testId="gate-editor"
        editable
        value={bodyText}
        language={language}
        onChange={(text) => {
          setBodyText(text);
          const body = wire(text);
          if (body !== current.body) update({ body });
        }}
      />
      <div className="gate-actions">
        <button type="submit" className="primary">Send</button>
        <button
          type="button"
          disabled={!draft}
          onClick={() => {
            clearDraft();
            setHeaderLines(headersText(request.headers));
            setBodyText(editing.text);
          }}
        >
          Discard edits
        </button>
        {draft && <span className="muted">edited, not sent yet</span>}
      </div>
    </form>
  );
}

function LocalDetail({ step }: { step: Step }) {
  const text = useMemo(() => JSON.stringify(step.detail ?? {}, null, 2), [step.detail]);
  return (
    <div>
      <p className="req-line">
        <strong>local</strong> {step.title}
      </p>
      {step.prompt && (
        <p className={`prompt-note${step.prompt.count > 1 ? ' second' : ''}`}>
          Prompt {step.prompt.count} ({step.prompt.kind}): {step.prompt.text}
        </p>
      )}
      {step.error && <p className="error-text">{step.error}</p>}
      <CodeView label="Local step detail" value={text} language="json" />
    </div>
  );
}
