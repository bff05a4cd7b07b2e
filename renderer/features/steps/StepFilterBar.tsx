import { useEffect, useRef } from 'react';
import type { PartyIdT } from '../../../app/contract';
import { useLab } from '../../store';
import { LANE_ORDER, PARTY_LABEL } from '../../lib/parties';

const STATUSES: ReadonlyArray<[string, string]> = [
  ['', 'Status'],
  ['2xx', '2xx'],
  ['3xx', '3xx'],
  ['4xx', '4xx'],
  ['5xx', '5xx'],
  ['waiting', 'waiting at the gate'],
  ['error', 'error'],
  ['prompt', 'prompts'],
];

/** Filter by text, party and status (`/` focuses it, Escape leaves it). */
export function StepFilterBar({ shown, total }: { shown: number; total: number }) {
  const filter = useLab((s) => s.filter);
  const setFilter = useLab((s) => s.setFilter);
  const focus = useLab((s) => s.filterFocus);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (focus > 0) input.current?.focus();
  }, [focus]);
  return (
    <div className="filter-bar">
      <input
        ref={input}
        type="search"
        aria-label="Filter steps"
        placeholder="Filter  /"
        value={filter.text}
        onChange={(e) => setFilter({ text: e.target.value })}
        onKeyDown={(e) => {
          if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
        }}
      />
      <select aria-label="Party" value={filter.party} onChange={(e) => setFilter({ party: e.target.value as PartyIdT | '' })}>
        <option value="">Party</option>
        {LANE_ORDER.map((p) => (
          <option key={p} value={p}>{PARTY_LABEL[p]}</option>
        ))}
      </select>
      <select aria-label="Status" value={filter.status} onChange={(e) => setFilter({ status: e.target.value })}>
        {STATUSES.map(([v, l]) => (
          <option key={v} value={v}>{l}</option>
        ))}
      </select>
      <span className="count" aria-live="polite">{shown === total ? `${total}` : `${shown} / ${total}`}</span>
    </div>
  );
}
