import type { DbChange } from '../../../app/contract';
import { hasHit } from '../../lib/search';
import { Highlight } from './Highlight';

const NO_WORDS: readonly string[] = [];

/** A DB value as a cell shows it: ∅ for NULL, long text cut at 80 characters (the cell's title has it whole). */
export const showValue = (v: unknown) => (v === null || v === undefined ? '∅' : typeof v === 'string' ? (v.length > 80 ? `${v.slice(0, 79)}…` : v) : JSON.stringify(v));

/** A cell of a DB value, with the filter's words marked (`hit` when the whole value holds one, cut or not). */
export function ValueCell({ value, words }: { value: unknown; words: readonly string[] }) {
  const full = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return (
    <td title={String(value)} className={hasHit(full, words) ? 'hit' : undefined}>
      <Highlight text={showValue(value)} words={words} />
    </td>
  );
}

/** One row change, column by column: before and after (an update of a wide row shows the changed columns only). */
export function ChangeTable({ change, words = NO_WORDS }: { change: DbChange; words?: readonly string[] }) {
  const cols = Object.keys(change.after ?? change.before ?? {});
  return (
    <table className="rowdiff">
      <thead>
        <tr>
          <th>column</th>
          {change.before && <th>before</th>}
          {change.after && <th>after</th>}
        </tr>
      </thead>
      <tbody>
        {cols.map((k) => {
          const b = change.before?.[k];
          const a = change.after?.[k];
          const changed = change.op === 'update' && JSON.stringify(a) !== JSON.stringify(b);
          if (change.op === 'update' && !changed && cols.length > 8) return null;
          return (
            <tr key={k} className={changed ? 'changed' : undefined}>
              <th>
                <Highlight text={k} words={words} />
              </th>
              {change.before && <ValueCell value={b} words={words} />}
              {change.after && <ValueCell value={a} words={words} />}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
