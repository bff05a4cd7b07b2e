import { useMemo, useState } from 'react';
import type { HttpRequest, HttpResponse } from '../../../app/contract';
import { useLab } from '../../store';
import { outlineOf } from '../../lib/body-cache';
import { usePrettyBody } from './usePrettyBody';
import { rawLanguage } from '../../lib/pretty';
import { byteSize } from '../../lib/format';
import { CodeView } from '../code/CodeView';
import { OutlineView } from './OutlineView';
import { Highlight, useSearchWords } from './Highlight';
import { hasHit } from '../../lib/search';
import { CopyButton } from '../common/CopyButton';

const OUTLINE_LIMIT = 512 * 1024;

/** Headers, body (pretty or raw, highlighted and foldable) and the protocol outline of one message. */
export function MessageView({ msg, label }: { msg: HttpRequest | HttpResponse; label: string }) {
  const bodyView = useLab((s) => s.bodyView);
  const words = useSearchWords();
  const setBodyView = useLab((s) => s.setBodyView);
  const [headersOpen, setHeadersOpen] = useState(true);
  const { pretty, pending } = usePrettyBody(msg, bodyView === 'pretty');
  // DOMParser does not exist in workers, so the outline is built here: skipped for bodies too large to parse in a frame.
  const outlineSkipped = msg.body.length > OUTLINE_LIMIT;
  const tree = useMemo(() => (outlineSkipped ? null : outlineOf(msg)), [msg, outlineSkipped]);
  const headers = Object.entries(msg.headers);
  const size = msg.bodyEncoding === 'base64' ? Math.floor((msg.body.length * 3) / 4) : new TextEncoder().encode(msg.body).length;
  return (
    <div className="message">
      <details open={headersOpen} onToggle={(e) => setHeadersOpen((e.target as HTMLDetailsElement).open)}>
        <summary>Headers ({headers.length})</summary>
        <table className="kv">
          <tbody>
            {headers.map(([k, v]) => (
              <tr key={k} className={hasHit(`${k}: ${v}`, words) ? 'hit' : undefined}>
                <th>
                  <Highlight text={k} words={words} />
                </th>
                <td>
                  <Highlight text={v} words={words} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      {tree && <OutlineView outline={tree} words={words} />}
      {outlineSkipped && <p className="muted small">No outline for a body this large ({byteSize(msg.body.length)}); the pretty view below is decoded in the background.</p>}
      <div className="body-head">
        <span>
          Body · {byteSize(size)}
          {pending && <span className="muted small"> · formatting in the background…</span>}
        </span>
        {msg.body && <CopyButton text={msg.body} label="Copy body" title="The body as it went over the wire (base64 for a binary body)" />}
        <div className="seg" role="group" aria-label="Body view">
          <button aria-pressed={bodyView === 'pretty'} onClick={() => setBodyView('pretty')}>Pretty</button>
          <button aria-pressed={bodyView === 'raw'} onClick={() => setBodyView('raw')}>Raw</button>
        </div>
      </div>
      {msg.body ? (
        <CodeView
          label={`${label} body`}
          value={pretty ? pretty.text : msg.body}
          language={pretty ? pretty.language : rawLanguage(msg.body, msg.headers, msg.bodyEncoding)}
          highlight={msg.bodyEncoding === 'base64' ? undefined : words}
        />
      ) : (
        <p className="muted">No body.</p>
      )}
    </div>
  );
}
