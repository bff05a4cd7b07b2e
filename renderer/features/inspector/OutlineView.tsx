import type { Outline, OutlineNode } from '../../lib/outline';

/** The protocol-aware outline: SOAP action, WS-Trust items, SyncML commands with status meanings and CSP paths. */
export function OutlineView({ outline }: { outline: Outline }) {
  return (
    <details className="outline" open>
      <summary>
        Outline · <strong>{outline.title}</strong>
      </summary>
      <ul className="tree" aria-label="Message outline">
        {outline.nodes.map((n, i) => (
          <Node key={i} node={n} />
        ))}
      </ul>
    </details>
  );
}

function Node({ node }: { node: OutlineNode }) {
  return (
    <li className={node.tone ? `tone-${node.tone}` : undefined}>
      <span className="o-label">{node.label}</span>
      {node.value !== undefined && node.value !== '' && <code className="o-value">{node.value}</code>}
      {node.meaning && <span className="o-meaning">{node.meaning}</span>}
      {node.children && node.children.length > 0 && (
        <ul>
          {node.children.map((c, i) => (
            <Node key={i} node={c} />
          ))}
        </ul>
      )}
    </li>
  );
}
