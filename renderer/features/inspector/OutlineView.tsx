import type { Outline, OutlineNode } from '../../lib/outline';
import { Highlight } from './Highlight';

const NO_WORDS: readonly string[] = [];

/** The protocol-aware outline: SOAP action, WS-Trust items, SyncML commands with status meanings and CSP paths. */
export function OutlineView({ outline, words = NO_WORDS }: { outline: Outline; words?: readonly string[] }) {
  return (
    <details className="outline" open>
      <summary>
        Outline · <strong>{outline.title}</strong>
      </summary>
      <ul className="tree" aria-label="Message outline">
        {outline.nodes.map((n, i) => (
          <Node key={i} node={n} words={words} />
        ))}
      </ul>
    </details>
  );
}

function Node({ node, words }: { node: OutlineNode; words: readonly string[] }) {
  return (
    <li className={node.tone ? `tone-${node.tone}` : undefined}>
      <span className="o-label">
        <Highlight text={node.label} words={words} />
      </span>
      {node.value !== undefined && node.value !== '' && (
        <code className="o-value">
          <Highlight text={node.value} words={words} />
        </code>
      )}
      {node.meaning && <span className="o-meaning">{node.meaning}</span>}
      {node.children && node.children.length > 0 && (
        <ul>
          {node.children.map((c, i) => (
            <Node key={i} node={c} words={words} />
          ))}
        </ul>
      )}
    </li>
  );
}
